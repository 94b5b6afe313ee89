/**
 * The 好差评 store in PostgreSQL (a server or PGlite): `reviews` and `rectifications`. A rating is
 * written once per (case, item) by the table's unique index (`ON CONFLICT DO NOTHING`, never
 * read-then-write), with its rectification in the same transaction; the workflow's writes are
 * idempotent by their conditions (a clock only when none is set, a card only forward, a close only of
 * an open one). Lists are keyset pages; counts are aggregated by the database.
 */
import { sql, type Kysely, type Selectable } from 'kysely';
import type { RectificationCard, ReviewCounts, ReviewLevel } from '../../domain/reviews';
import type {
  NewRectification,
  NewReview,
  Page,
  RateResult,
  Rectification,
  RectificationClock,
  RectificationClosing,
  RectificationPageKey,
  RectificationQuery,
  Review,
  ReviewFilter,
  ReviewPageKey,
  ReviewQuery,
  ReviewStore,
} from '../reviews';
import type { Database, RectificationsTable, ReviewsTable } from './schema';

/** The listing's sort key: rectifications without a deadline yet last. */
const DEADLINE_KEY = sql<Date>`coalesce(rectifications.deadline, 'infinity'::timestamptz)`;

type ReviewRow = Selectable<ReviewsTable> & { rectification_id: string | null };
type RectificationRow = Selectable<RectificationsTable> & Pick<Selectable<ReviewsTable>, 'case_id' | 'item_id' | 'bundle_id' | 'subject_id' | 'level' | 'comment'>;

export class PostgresReviewStore implements ReviewStore {
  constructor(private readonly db: Kysely<Database>) {}

  async rate(review: NewReview, rectification?: NewRectification): Promise<RateResult> {
    return this.db.transaction().execute(async (trx) => {
      const inserted = await trx
        .insertInto('reviews')
        .values({
          id: review.id,
          case_id: review.caseId,
          item_id: review.itemId ?? null,
          bundle_id: review.bundleId,
          department: review.department,
          subject_id: review.subjectId,
          rated_by: review.ratedBy,
          level: review.level,
          indicators: JSON.stringify(review.indicators),
          comment: review.comment ?? null,
        })
        // 一次一评 / 一事一评: the unique index on (case, item) decides, not a read before the write.
        .onConflict((oc) => oc.doNothing())
        .returning('id')
        .executeTakeFirst();
      if (!inserted) {
        const earlier = await reviewsQuery(trx)
          .where('reviews.case_id', '=', review.caseId)
          .where(sql<boolean>`coalesce(reviews.item_id, '') = ${review.itemId ?? ''}`)
          .executeTakeFirstOrThrow();
        return { review: toReview(earlier), created: false };
      }
      if (rectification) {
        await trx
          .insertInto('rectifications')
          .values({ id: rectification.id, review_id: review.id, department: review.department, calendar: rectification.calendar, days: rectification.days })
          .execute();
      }
      const stored = await reviewsQuery(trx).where('reviews.id', '=', review.id).executeTakeFirstOrThrow();
      const opened = rectification ? await rectificationsQuery(trx).where('rectifications.id', '=', rectification.id).executeTakeFirstOrThrow() : undefined;
      return { review: toReview(stored), ...(opened ? { rectification: toRectification(opened) } : {}), created: true };
    });
  }

  async review(id: string): Promise<Review | undefined> {
    const row = await reviewsQuery(this.db).where('reviews.id', '=', id).executeTakeFirst();
    return row && toReview(row);
  }

  async reviewsOfCase(caseId: string): Promise<Review[]> {
    const rows = await reviewsQuery(this.db)
      .where('reviews.case_id', '=', caseId)
      .orderBy(sql`reviews.item_id IS NOT NULL`)
      .orderBy('reviews.item_id')
      .execute();
    return rows.map(toReview);
  }

  async listReviews(query: ReviewQuery): Promise<Page<Review, ReviewPageKey>> {
    let select = reviewsQuery(this.db);
    if (query.bundleId) select = select.where('reviews.bundle_id', '=', query.bundleId);
    if (query.department) select = select.where('reviews.department', '=', query.department);
    if (query.level !== undefined) select = select.where('reviews.level', '=', query.level);
    if (query.after) {
      const { createdAt, id } = query.after;
      select = select.where(sql<boolean>`(reviews.created_at, reviews.id) < (${new Date(createdAt)}::timestamptz, ${id})`);
    }
    const rows = await select.orderBy('reviews.created_at', 'desc').orderBy('reviews.id', 'desc').limit(query.pageSize + 1).execute();
    const items = rows.slice(0, query.pageSize).map(toReview);
    const last = items.at(-1);
    return { items, ...(rows.length > query.pageSize && last ? { next: { createdAt: last.createdAt, id: last.id } } : {}) };
  }

  async rectification(id: string): Promise<Rectification | undefined> {
    const row = await rectificationsQuery(this.db).where('rectifications.id', '=', id).executeTakeFirst();
    return row && toRectification(row);
  }

  async listRectifications(query: RectificationQuery): Promise<Page<Rectification, RectificationPageKey>> {
    let select = rectificationsQuery(this.db);
    if (query.department) select = select.where('rectifications.department', '=', query.department);
    if (query.status) select = select.where('rectifications.status', '=', query.status);
    if (query.card) select = query.card === 'none' ? select.where('rectifications.card', 'is', null) : select.where('rectifications.card', '=', query.card);
    if (query.after) {
      const deadline = query.after.deadline === null ? sql`'infinity'::timestamptz` : sql`${new Date(query.after.deadline)}::timestamptz`;
      select = select.where(sql<boolean>`(${DEADLINE_KEY}, rectifications.id) > (${deadline}, ${query.after.id})`);
    }
    const rows = await select.orderBy(DEADLINE_KEY).orderBy('rectifications.id').limit(query.pageSize + 1).execute();
    const items = rows.slice(0, query.pageSize).map(toRectification);
    const last = items.at(-1);
    return { items, ...(rows.length > query.pageSize && last ? { next: { deadline: last.deadline ?? null, id: last.id } } : {}) };
  }

  async startClock(id: string, clock: RectificationClock): Promise<void> {
    await this.db
      .updateTable('rectifications')
      .set({ opened_at: clock.openedAt, deadline: clock.deadline, yellow_at: clock.yellowAt, red_at: clock.redAt, estimated: clock.estimated, updated_at: sql`now()` })
      .where('id', '=', id)
      .where('opened_at', 'is', null)
      .execute();
  }

  async markCard(id: string, card: Exclude<RectificationCard, 'none'>): Promise<boolean> {
    const earlier = CARDS.slice(0, CARDS.indexOf(card));
    const result = await this.db
      .updateTable('rectifications')
      .set({ card, updated_at: sql`now()` })
      .where('id', '=', id)
      .where('status', '=', 'open')
      .where((eb) => eb.or([eb('card', 'is', null), ...(earlier.length > 0 ? [eb('card', 'in', earlier)] : [])]))
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async close(id: string, closing: RectificationClosing): Promise<Rectification | undefined> {
    await this.db
      .updateTable('rectifications')
      .set({
        status: 'closed',
        closed_at: closing.closedAt,
        closed_by: closing.closedBy,
        measures: closing.measures,
        callback_at: closing.callback.at,
        callback_outcome: closing.callback.outcome,
        callback_note: closing.callback.note ?? null,
        callback_by: closing.callback.by,
        updated_at: sql`now()`,
      })
      .where('id', '=', id)
      .where('status', '=', 'open')
      .execute();
    return this.rectification(id);
  }

  async counts(filter: ReviewFilter = {}): Promise<{ all: ReviewCounts; byDepartment: Array<{ department: string } & ReviewCounts> }> {
    let select = this.db
      .selectFrom('reviews')
      .leftJoin('rectifications', 'rectifications.review_id', 'reviews.id')
      .select([
        sql<string>`coalesce(reviews.department, '')`.as('department'),
        sql<number>`count(*)::int`.as('total'),
        ...([1, 2, 3, 4, 5] as const).map((level) => sql<number>`count(*) FILTER (WHERE reviews.level = ${sql.lit(level)})::int`.as(`level_${level}`)),
        sql<number>`count(rectifications.id)::int`.as('opened'),
        sql<number>`count(*) FILTER (WHERE rectifications.status = 'open')::int`.as('open'),
        sql<number>`count(*) FILTER (WHERE rectifications.status = 'open' AND rectifications.card = 'overdue')::int`.as('overdue'),
        sql<number>`count(*) FILTER (WHERE rectifications.status = 'closed')::int`.as('closed'),
        sql<number>`count(*) FILTER (WHERE rectifications.status = 'closed' AND rectifications.closed_at <= rectifications.deadline)::int`.as('closed_on_time'),
        sql<number>`count(*) FILTER (WHERE rectifications.status = 'closed' AND rectifications.callback_outcome <> 'unreachable')::int`.as('called_back'),
      ])
      .groupBy(sql`coalesce(reviews.department, '')`)
      .orderBy(sql`coalesce(reviews.department, '')`);
    if (filter.bundleId) select = select.where('reviews.bundle_id', '=', filter.bundleId);
    const rows = await select.execute();
    const byDepartment = rows.map((row) => ({ department: row.department, ...toCounts(row) }));
    return { all: sumCounts(byDepartment), byDepartment };
  }
}

const CARDS: ReadonlyArray<Exclude<RectificationCard, 'none'>> = ['yellow', 'red', 'overdue'];

function reviewsQuery(db: Kysely<Database>) {
  return db
    .selectFrom('reviews')
    .leftJoin('rectifications', 'rectifications.review_id', 'reviews.id')
    .selectAll('reviews')
    .select('rectifications.id as rectification_id');
}

function rectificationsQuery(db: Kysely<Database>) {
  return db
    .selectFrom('rectifications')
    .innerJoin('reviews', 'reviews.id', 'rectifications.review_id')
    .selectAll('rectifications')
    .select(['reviews.case_id', 'reviews.item_id', 'reviews.bundle_id', 'reviews.subject_id', 'reviews.level', 'reviews.comment']);
}

function toReview(row: ReviewRow): Review {
  return {
    id: row.id,
    caseId: row.case_id,
    ...(row.item_id !== null ? { itemId: row.item_id } : {}),
    bundleId: row.bundle_id,
    department: row.department ?? '',
    subjectId: row.subject_id,
    ratedBy: row.rated_by,
    level: row.level as ReviewLevel,
    indicators: (row.indicators ?? {}) as Review['indicators'],
    ...(row.comment !== null ? { comment: row.comment } : {}),
    createdAt: row.created_at.toISOString(),
    ...(row.rectification_id !== null ? { rectificationId: row.rectification_id } : {}),
  };
}

function toRectification(row: RectificationRow): Rectification {
  const iso = (d: Date | null) => d?.toISOString();
  const optional = <K extends string, V>(key: K, value: V | null | undefined) => (value === null || value === undefined ? {} : ({ [key]: value } as Record<K, V>));
  return {
    id: row.id,
    reviewId: row.review_id,
    caseId: row.case_id,
    ...optional('itemId', row.item_id),
    bundleId: row.bundle_id,
    department: row.department,
    subjectId: row.subject_id,
    level: row.level as ReviewLevel,
    ...optional('comment', row.comment),
    status: row.status,
    calendar: row.calendar,
    days: row.days,
    ...optional('openedAt', iso(row.opened_at)),
    ...optional('deadline', iso(row.deadline)),
    ...optional('yellowAt', iso(row.yellow_at)),
    ...optional('redAt', iso(row.red_at)),
    card: row.card ?? 'none',
    estimated: row.estimated,
    ...optional('measures', row.measures),
    ...optional('closedAt', iso(row.closed_at)),
    ...optional('closedBy', row.closed_by),
    ...(row.callback_at && row.callback_outcome
      ? {
          callback: {
            at: row.callback_at.toISOString(),
            outcome: row.callback_outcome,
            ...optional('note', row.callback_note),
            by: row.callback_by ?? '',
          },
        }
      : {}),
    createdAt: row.created_at.toISOString(),
  };
}

interface CountRow {
  total: number;
  level_1: number;
  level_2: number;
  level_3: number;
  level_4: number;
  level_5: number;
  opened: number;
  open: number;
  overdue: number;
  closed: number;
  closed_on_time: number;
  called_back: number;
}

function toCounts(row: CountRow): ReviewCounts {
  return {
    total: row.total,
    byLevel: { 1: row.level_1, 2: row.level_2, 3: row.level_3, 4: row.level_4, 5: row.level_5 },
    rectifications: {
      opened: row.opened,
      open: row.open,
      overdue: row.overdue,
      closed: row.closed,
      closedOnTime: row.closed_on_time,
      calledBack: row.called_back,
    },
  };
}

function sumCounts(parts: readonly ReviewCounts[]): ReviewCounts {
  const sum: ReviewCounts = {
    total: 0,
    byLevel: { 1: 0, 2: 0, 3: 0, 4: 0, 5: 0 },
    rectifications: { opened: 0, open: 0, overdue: 0, closed: 0, closedOnTime: 0, calledBack: 0 },
  };
  for (const part of parts) {
    sum.total += part.total;
    for (const level of [1, 2, 3, 4, 5] as const) sum.byLevel[level] += part.byLevel[level];
    for (const key of Object.keys(sum.rectifications) as Array<keyof ReviewCounts['rectifications']>) sum.rectifications[key] += part.rectifications[key];
  }
  return sum;
}
