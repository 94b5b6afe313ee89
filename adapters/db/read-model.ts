/**
 * The read model in PostgreSQL (a server or PGlite): `read_cases` and `read_items`, written once per
 * (workflow, revision) — a replayed or retried write of an older or equal revision changes nothing —
 * and read in the inbox's order with keyset pages, so a page costs the same at 100 or 100,000 items.
 */
import { sql, type Kysely, type Selectable } from 'kysely';
import type { CaseProjection, ItemMeasures, ItemProjection } from '../../domain/read-model';
import { DECIDED_ITEM_STATUSES } from '../../domain/read-model';
import type { CardCounts, CasePage, CaseQuery, ItemPage, ItemQuery, ReadCase, ReadItem, ReadModelAggregates, ReadModelStore, StoredProgress, WriteOptions } from '../read-model';
import type { Database, ReadItemsTable } from './schema';

/** The inbox's sort key: items without a deadline last. */
const DEADLINE_KEY = sql<Date>`coalesce(deadline, 'infinity'::timestamptz)`;

export class PostgresReadModel implements ReadModelStore {
  constructor(private readonly db: Kysely<Database>) {}

  async write(projection: CaseProjection, measures: ReadonlyMap<string, ItemMeasures>, options: WriteOptions = {}): Promise<boolean> {
    const newer = options.replaceSameRevision ? sql`<=` : sql`<`;
    return this.db.transaction().execute(async (trx) => {
      const written = await trx
        .insertInto('read_cases')
        .values(caseRow(projection))
        .onConflict((oc) =>
          oc
            .column('workflow_id')
            .doUpdateSet((eb) => ({
              status: eb.ref('excluded.status'),
              bundle_version: eb.ref('excluded.bundle_version'),
              accepted_at: eb.ref('excluded.accepted_at'),
              completed_at: eb.ref('excluded.completed_at'),
              closed_at: eb.ref('excluded.closed_at'),
              progress: eb.ref('excluded.progress'),
              revision: eb.ref('excluded.revision'),
              updated_at: sql`now()`,
            }))
            .where(sql<boolean>`read_cases.revision ${newer} excluded.revision`),
        )
        .returning('workflow_id')
        .executeTakeFirst();
      if (!written || projection.items.length === 0) return written !== undefined;
      await trx
        .insertInto('read_items')
        .values(projection.items.map((item) => itemRow(projection, item, measures.get(item.itemId))))
        .onConflict((oc) =>
          oc
            .column('workflow_id')
            .doUpdateSet((eb) => ({
              department: eb.ref('excluded.department'),
              status: eb.ref('excluded.status'),
              step: eb.ref('excluded.step'),
              step_role: eb.ref('excluded.step_role'),
              urges: eb.ref('excluded.urges'),
              holder: eb.ref('excluded.holder'),
              deadline: eb.ref('excluded.deadline'),
              card: eb.ref('excluded.card'),
              paused: eb.ref('excluded.paused'),
              applicable: eb.ref('excluded.applicable'),
              escalated_from: eb.ref('excluded.escalated_from'),
              dispatched_at: eb.ref('excluded.dispatched_at'),
              decided_at: eb.ref('excluded.decided_at'),
              working_days_taken: eb.ref('excluded.working_days_taken'),
              same_day: eb.ref('excluded.same_day'),
              revision: eb.ref('excluded.revision'),
              updated_at: sql`now()`,
            }))
            .where(sql<boolean>`read_items.revision <= excluded.revision`),
        )
        .execute();
      return true;
    });
  }

  async listItems(query: ItemQuery): Promise<ItemPage> {
    let select = this.itemsMatching(query).selectAll();
    if (query.card === 'none') select = select.where('card', 'is', null);
    else if (query.card) select = select.where('card', '=', query.card as 'yellow' | 'red' | 'overdue');
    if (query.after) {
      const { deadline, dispatchedAt, workflowId } = query.after;
      select = select.where(
        sql<boolean>`(${DEADLINE_KEY}, dispatched_at, workflow_id) > (${deadline ?? 'infinity'}::timestamptz, ${dispatchedAt}::timestamptz, ${workflowId})`,
      );
    }
    // Nearest deadline first, then first come first served.
    const rows = await select
      .orderBy(DEADLINE_KEY)
      .orderBy('dispatched_at')
      .orderBy('workflow_id')
      .limit(query.pageSize + 1)
      .execute();
    const page = rows.slice(0, query.pageSize);
    const last = page[page.length - 1];
    return {
      items: page.map(toReadItem),
      ...(rows.length > query.pageSize && last ? { next: { deadline: last.deadline?.toISOString() ?? null, dispatchedAt: last.dispatched_at!.toISOString(), workflowId: last.workflow_id } } : {}),
    };
  }

  async countItems(query: Omit<ItemQuery, 'card' | 'pageSize' | 'after'>): Promise<CardCounts> {
    const rows = await this.itemsMatching(query)
      .select(['card', sql<string>`count(*)`.as('n')])
      .groupBy('card')
      .execute();
    const counts: CardCounts = { total: 0, none: 0, yellow: 0, red: 0, overdue: 0 };
    for (const row of rows) {
      const n = Number(row.n);
      counts[row.card ?? 'none'] += n;
      counts.total += n;
    }
    return counts;
  }

  /** The dispatched items a query names, its card and page aside: the inbox's and its counts' filter. */
  private itemsMatching(query: Omit<ItemQuery, 'card' | 'pageSize' | 'after'>) {
    let select = this.db.selectFrom('read_items').where('dispatched_at', 'is not', null);
    if (query.department) select = select.where('department', '=', query.department);
    if (query.person) {
      const { id, role } = query.person;
      select = select.where((eb) => eb.or([eb('holder', '=', id), eb.and([eb('holder', 'is', null), eb.or([eb('step_role', '=', role), eb('step_role', 'is', null)])])]));
    }
    // Open items unless a status is asked for: decided ones have the earliest deadlines and would fill
    // every page before them (migration 0007 indexes the open ones in this order).
    if (query.status) select = select.where('status', '=', query.status);
    else select = select.where(sql<boolean>`status IN ('in-review', 'supplementing', 'special-step')`);
    if (query.escalated) select = select.where(sql<boolean>`cardinality(escalated_from) > 0`);
    return select;
  }

  async listCases(query: CaseQuery): Promise<CasePage> {
    let select = this.db
      .selectFrom('read_cases')
      .select(['workflow_id', 'case_id', 'bundle_id', 'title', 'status', 'started_at', 'updated_at', sql<string | null>`progress->>'caseNumber'`.as('case_number')])
      .where('subject_id', '=', query.subjectId);
    if (query.after) {
      const { submittedAt, workflowId } = query.after;
      select = select.where(sql<boolean>`(started_at, workflow_id) < (${submittedAt}::timestamptz, ${workflowId})`);
    }
    // Newest first; index read_cases_subject (subject_id, started_at) finds them (migration 0003).
    const rows = await select
      .orderBy('started_at', 'desc')
      .orderBy('workflow_id', 'desc')
      .limit(query.pageSize + 1)
      .execute();
    const page = rows.slice(0, query.pageSize);
    const last = page[page.length - 1];
    return {
      cases: page.map((row) => ({
        caseId: row.case_id,
        ...(row.case_number ? { caseNumber: row.case_number } : {}),
        bundleId: row.bundle_id,
        title: row.title as ReadCase['title'],
        status: row.status,
        submittedAt: row.started_at.toISOString(),
        updatedAt: row.updated_at.toISOString(),
      })),
      ...(rows.length > query.pageSize && last ? { next: { submittedAt: last.started_at.toISOString(), workflowId: last.workflow_id } } : {}),
    };
  }

  async caseProgress(caseId: string): Promise<StoredProgress | undefined> {
    const row = await this.db.selectFrom('read_cases').select(['progress', 'revision', 'updated_at']).where('case_id', '=', caseId).executeTakeFirst();
    if (!row) return undefined;
    const items = await this.db.selectFrom('read_items').select(['item_id', 'applicable']).where('case_id', '=', caseId).execute();
    return {
      progress: row.progress,
      applicable: Object.fromEntries(items.map((item) => [item.item_id, item.applicable])),
      revision: Number(row.revision),
      asOf: row.updated_at.toISOString(),
    };
  }

  async aggregates(options: { bundleId?: string } = {}): Promise<ReadModelAggregates> {
    const { bundleId } = options;
    let cases = this.db.selectFrom('read_cases').select(['status', (eb) => eb.fn.countAll<string | number>().as('count')]).groupBy('status');
    if (bundleId) cases = cases.where('bundle_id', '=', bundleId);
    const decidedItems = () => {
      const q = this.db.selectFrom('read_items').where('status', 'in', [...DECIDED_ITEM_STATUSES]);
      return bundleId ? q.where('bundle_id', '=', bundleId) : q;
    };
    const totals = decidedItems().select([
      sql<number>`count(*)::int`.as('count'),
      sql<number>`count(*) FILTER (WHERE status = 'approved')::int`.as('approved'),
      sql<number>`count(*) FILTER (WHERE status = 'rejected')::int`.as('rejected'),
      sql<number>`count(*) FILTER (WHERE status = 'defaulted')::int`.as('defaulted'),
      sql<number | null>`avg(working_days_taken)::float8`.as('mean'),
      sql<number | null>`avg(promised_days)::float8`.as('promised'),
      sql<number>`count(*) FILTER (WHERE deadline IS NULL OR decided_at <= deadline)::int`.as('on_time'),
      sql<number>`count(*) FILTER (WHERE same_day)::int`.as('same_day'),
      sql<number>`count(*) FILTER (WHERE kind = 'instant')::int`.as('instant'),
    ]);
    // Working days to a hundredth (as statistics show them): a histogram, from which the median and
    // p90 are read by nearest rank, costs a fraction of sorting every decided item.
    const histogram = decidedItems()
      .where('working_days_taken', 'is not', null)
      .select([sql<number>`round(working_days_taken, 2)::float8`.as('days'), sql<number>`count(*)::int`.as('n')])
      .groupBy(sql`round(working_days_taken, 2)`)
      .orderBy(sql`round(working_days_taken, 2)`);
    let urged = this.db
      .selectFrom('read_items')
      .select([sql<number>`coalesce(sum(urges), 0)::int`.as('urges'), sql<number>`count(*) FILTER (WHERE urges > 0)::int`.as('items')]);
    if (bundleId) urged = urged.where('bundle_id', '=', bundleId);
    const [caseRows, d, bins, u] = await Promise.all([cases.execute(), totals.executeTakeFirstOrThrow(), histogram.execute(), urged.executeTakeFirstOrThrow()]);
    return {
      cases: Object.fromEntries(caseRows.map((row) => [row.status, Number(row.count)])),
      decided: {
        count: d.count,
        byStatus: { approved: d.approved, rejected: d.rejected, defaulted: d.defaulted },
        meanWorkingDays: d.mean ?? 0,
        medianWorkingDays: nearestRank(bins, 0.5),
        p90WorkingDays: nearestRank(bins, 0.9),
        meanPromisedDays: d.promised ?? 0,
        onTime: d.on_time,
        sameDay: d.same_day,
        declaredInstant: d.instant,
      },
      urges: { count: u.urges, items: u.items },
    };
  }
}

/** The value at rank ceil(p·n) of a sorted histogram (as `percentile_disc`). */
function nearestRank(bins: ReadonlyArray<{ days: number; n: number }>, p: number): number {
  const total = bins.reduce((sum, bin) => sum + bin.n, 0);
  if (total === 0) return 0;
  const rank = Math.max(1, Math.ceil(p * total));
  let seen = 0;
  for (const bin of bins) {
    seen += bin.n;
    if (seen >= rank) return bin.days;
  }
  return bins[bins.length - 1]!.days;
}

function caseRow(p: CaseProjection) {
  return {
    workflow_id: p.workflowId,
    case_id: p.caseId,
    bundle_id: p.bundleId,
    bundle_version: p.bundleVersion,
    calendar: p.calendar,
    status: p.status,
    title: JSON.stringify(p.title),
    subject_id: p.subjectId,
    applicant_name: p.applicantName,
    window_department: p.windowDepartment,
    started_at: p.submittedAt,
    accepted_at: p.acceptedAt ?? null,
    completed_at: p.status === 'completed' ? (p.closedAt ?? null) : null,
    closed_at: p.closedAt ?? null,
    progress: JSON.stringify(p.progress),
    revision: p.revision,
  };
}

function itemRow(p: CaseProjection, item: ItemProjection, measures: ItemMeasures | undefined) {
  return {
    workflow_id: item.workflowId,
    case_id: p.caseId,
    item_id: item.itemId,
    bundle_id: p.bundleId,
    department: item.department,
    status: item.status,
    step: item.step ?? null,
    step_role: item.stepRole ?? null,
    urges: item.urges ?? 0,
    holder: item.holder ?? null,
    deadline: item.deadline ?? null,
    card: item.card ?? null,
    dispatched_at: item.dispatchedAt ?? null,
    decided_at: item.decidedAt ?? null,
    code: item.code,
    title: JSON.stringify(item.title),
    kind: item.kind ?? null,
    level: item.level,
    promised_days: item.promisedDays,
    applicable: item.applicable,
    paused: item.paused,
    escalated_from: item.escalatedFrom,
    working_days_taken: measures?.workingDaysTaken ?? null,
    same_day: measures?.sameDay ?? null,
    revision: p.revision,
  };
}

function toReadItem(row: Selectable<ReadItemsTable>): ReadItem {
  return {
    caseId: row.case_id,
    itemId: row.item_id,
    bundleId: row.bundle_id,
    department: row.department,
    status: row.status,
    code: row.code,
    title: row.title as ReadItem['title'],
    ...(row.dispatched_at ? { startedAt: row.dispatched_at.toISOString() } : {}),
    ...(row.deadline ? { deadline: row.deadline.toISOString() } : {}),
    card: row.card ?? 'none',
    ...(row.step ? { step: row.step } : {}),
    ...(row.step_role ? { stepRole: row.step_role } : {}),
    ...(row.holder ? { holder: row.holder } : {}),
    ...(row.escalated_from.length > 0 ? { escalatedFrom: row.escalated_from } : {}),
  };
}
