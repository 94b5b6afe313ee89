/**
 * The 好差评 store in PostgreSQL (a server or PGlite): `reviews`, `review_versions` and
 * `rectifications`. A rating is written once per (case, item) by the table's unique index (`ON
 * CONFLICT DO NOTHING`, never read-then-write), with its first version and its rectification in the
 * same transaction; an amendment locks the rating's row, checks the window by the database's clock,
 * and writes the next version with its consequence for the rectification in one transaction; the workflow's writes are
 * idempotent by their conditions (a clock only when none is set, a card only forward, a close only of
 * an open one). Lists are keyset pages; counts are aggregated by the database.
 */
import { sql, type Kysely, type Selectable } from 'kysely';
import type { RectificationCard, ReviewCounts, ReviewLevel } from '../../domain/reviews';
import { amendmentEffect } from '../../domain/reviews';
import type {
  AmendResult,
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
  ReviewAmendment,
  ReviewStore,
  ReviewVersion,
} from '../reviews';
import type { Database, RectificationsTable, ReviewsTable, ReviewVersionsTable } from './schema';

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
          amendable_until: sql<Date>`now() + make_interval(secs => ${review.amendWithinHours * 3600})`,
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
      await trx
        .insertInto('review_versions')
        .values({
          review_id: review.id,
          version: 1,
          level: review.level,
          indicators: JSON.stringify(review.indicators),
          comment: review.comment ?? null,
          rated_by: review.ratedBy,
          created_at: sql<Date>`(SELECT created_at FROM reviews WHERE id = ${review.id})`,
        })
        .execute();
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

  async amend(amendment: ReviewAmendment): Promise<AmendResult> {
    return this.db.transaction().execute(async (trx) => {
      // The row lock orders concurrent amendments of one rating; the window is the database's clock.
      const locked = await trx
        .selectFrom('reviews')
        .select(['id', 'version', 'level', 'indicators', 'comment', sql<boolean>`coalesce(amendable_until >= now(), false)`.as('open')])
        .where('id', '=', amendment.reviewId)
        .forUpdate()
        .executeTakeFirst();
      if (!locked) return { outcome: 'not-found' };
      const current = async () => toReview(await reviewsQuery(trx).where('reviews.id', '=', amendment.reviewId).executeTakeFirstOrThrow());
      const content = (r: { level: number; indicators: unknown; comment?: string | null }) =>
        JSON.stringify([r.level, canonical(r.indicators ?? {}), r.comment ?? null]);
      const requested = content(amendment);
      if (amendment.idempotencyKey !== undefined) {
        const earlier = await trx
          .selectFrom('review_versions')
          .selectAll()
          .where('review_id', '=', amendment.reviewId)
          .where('idempotency_key', '=', amendment.idempotencyKey)
          .executeTakeFirst();
        if (earlier) return { outcome: content(earlier) === requested ? 'replayed' : 'key-reused', review: await current() };
      }
      if (!locked.open) return { outcome: 'window-closed', review: await current() };
      if (content(locked) === requested) return { outcome: 'unchanged', review: await current() };

      const previous = await trx
        .selectFrom('review_versions')
        .selectAll()
        .where('review_id', '=', amendment.reviewId)
        .where('version', '=', locked.version)
        .executeTakeFirstOrThrow();
      const version = locked.version + 1;
      await trx
        .insertInto('review_versions')
        .values({
          review_id: amendment.reviewId,
          version,
          level: amendment.level,
          indicators: JSON.stringify(amendment.indicators),
          comment: amendment.comment ?? null,
          rated_by: amendment.ratedBy,
          idempotency_key: amendment.idempotencyKey ?? null,
        })
        .execute();
      await trx
        .updateTable('reviews')
        .set({
          version,
          level: amendment.level,
          indicators: JSON.stringify(amendment.indicators),
          comment: amendment.comment ?? null,
          rated_by: amendment.ratedBy,
          amended_at: sql`now()`,
          updated_at: sql`now()`,
        })
        .where('id', '=', amendment.reviewId)
        .execute();

      const effect = amendmentEffect(locked.level, amendment.level);
      let withdrawn: Rectification | undefined;
      let opened: Rectification | undefined;
      if (effect === 'withdraw') {
        const row = await trx
          .updateTable('rectifications')
          .set({ status: 'withdrawn', withdrawn_at: sql`now()`, updated_at: sql`now()` })
          .where('review_id', '=', amendment.reviewId)
          .where('status', '=', 'open')
          .returning('id')
          .executeTakeFirst();
        if (row) withdrawn = toRectification(await rectificationsQuery(trx).where('rectifications.id', '=', row.id).executeTakeFirstOrThrow());
      } else if (effect === 'open') {
        const { id, calendar, days } = amendment.rectification;
        const row = await trx
          .insertInto('rectifications')
          .values({ id, review_id: amendment.reviewId, review_version: version, department: sql`(SELECT department FROM reviews WHERE id = ${amendment.reviewId})`, calendar, days })
          // One open per rating (an earlier one still open, e.g. closed by nobody yet): it goes on.
          .onConflict((oc) => oc.doNothing())
          .returning('id')
          .executeTakeFirst();
        if (row) opened = toRectification(await rectificationsQuery(trx).where('rectifications.id', '=', row.id).executeTakeFirstOrThrow());
      }
      return { outcome: 'amended', review: await current(), previous: toVersion(previous), ...(withdrawn ? { withdrawn } : {}), ...(opened ? { opened } : {}) };
    });
  }

  async versions(reviewId: string): Promise<ReviewVersion[]> {
    const rows = await this.db.selectFrom('review_versions').selectAll().where('review_id', '=', reviewId).orderBy('version').execute();
    return rows.map(toVersion);
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
    // Ratings (their current level) and rectifications (a rating may have several, after amendments) apart.
    const department = sql<string>`coalesce(reviews.department, '')`;
    let ratings = this.db
      .selectFrom('reviews')
      .select([
        department.as('department'),
        sql<number>`count(*)::int`.as('total'),
        ...([1, 2, 3, 4, 5] as const).map((level) => sql<number>`count(*) FILTER (WHERE reviews.level = ${sql.lit(level)})::int`.as(`level_${level}`)),
      ])
      .groupBy(department);
    let rectifications = this.db
      .selectFrom('rectifications')
      .innerJoin('reviews', 'reviews.id', 'rectifications.review_id')
      .select([
        department.as('department'),
        sql<number>`count(*)::int`.as('opened'),
        sql<number>`count(*) FILTER (WHERE rectifications.status = 'withdrawn')::int`.as('withdrawn'),
        sql<number>`count(*) FILTER (WHERE rectifications.status = 'open')::int`.as('open'),
        sql<number>`count(*) FILTER (WHERE rectifications.status = 'open' AND rectifications.card = 'overdue')::int`.as('overdue'),
        sql<number>`count(*) FILTER (WHERE rectifications.status = 'closed')::int`.as('closed'),
        sql<number>`count(*) FILTER (WHERE rectifications.status = 'closed' AND rectifications.closed_at <= rectifications.deadline)::int`.as('closed_on_time'),
        sql<number>`count(*) FILTER (WHERE rectifications.status = 'closed' AND rectifications.callback_outcome <> 'unreachable')::int`.as('called_back'),
      ])
      .groupBy(department);
    if (filter.bundleId) {
      ratings = ratings.where('reviews.bundle_id', '=', filter.bundleId);
      rectifications = rectifications.where('reviews.bundle_id', '=', filter.bundleId);
    }
    const [ratingRows, rectificationRows] = await Promise.all([ratings.execute(), rectifications.execute()]);
    const byName = new Map(rectificationRows.map((row) => [row.department, row]));
    const none = { opened: 0, withdrawn: 0, open: 0, overdue: 0, closed: 0, closed_on_time: 0, called_back: 0 };
    const byDepartment = ratingRows
      .map((row) => ({ department: row.department, ...toCounts({ ...none, ...byName.get(row.department), ...row }) }))
      .sort((a, b) => (a.department < b.department ? -1 : a.department > b.department ? 1 : 0));
    return { all: sumCounts(byDepartment), byDepartment };
  }
}

const CARDS: ReadonlyArray<Exclude<RectificationCard, 'none'>> = ['yellow', 'red', 'overdue'];

function reviewsQuery(db: Kysely<Database>) {
  return db
    .selectFrom('reviews')
    .selectAll('reviews')
    .select((eb) =>
      eb
        .selectFrom('rectifications')
        .select('rectifications.id')
        .whereRef('rectifications.review_id', '=', 'reviews.id')
        .orderBy('rectifications.review_version', 'desc')
        .limit(1)
        .as('rectification_id'),
    );
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
    version: row.version,
    ...(row.amended_at ? { amendedAt: row.amended_at.toISOString() } : {}),
    ...(row.amendable_until ? { amendableUntil: row.amendable_until.toISOString() } : {}),
  };
}

function toVersion(row: Selectable<ReviewVersionsTable>): ReviewVersion {
  return {
    reviewId: row.review_id,
    version: row.version,
    level: row.level as ReviewLevel,
    indicators: (row.indicators ?? {}) as ReviewVersion['indicators'],
    ...(row.comment !== null ? { comment: row.comment } : {}),
    ratedBy: row.rated_by,
    createdAt: row.created_at.toISOString(),
  };
}

/** JSON with its keys sorted, to compare indicators however they were ordered. */
function canonical(value: unknown): unknown {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => [k, canonical(v)]));
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
    reviewVersion: row.review_version,
    ...optional('withdrawnAt', iso(row.withdrawn_at)),
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
  withdrawn: number;
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
      withdrawn: row.withdrawn,
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
    rectifications: { opened: 0, withdrawn: 0, open: 0, overdue: 0, closed: 0, closedOnTime: 0, calledBack: 0 },
  };
  for (const part of parts) {
    sum.total += part.total;
    for (const level of [1, 2, 3, 4, 5] as const) sum.byLevel[level] += part.byLevel[level];
    for (const key of Object.keys(sum.rectifications) as Array<keyof ReviewCounts['rectifications']>) sum.rectifications[key] += part.rectifications[key];
  }
  return sum;
}
