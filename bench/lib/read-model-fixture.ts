/**
 * The read model filled for the `read-model` benchmark by bulk SQL (`generate_series`, one statement a
 * table), not through the workflows: what is measured is reading it, and 100,000 cases through the
 * engine would take hours.
 *
 * The rows are shaped as the case workflow's projection writes them (`workflows/case/projection.ts`),
 * over the items of the repository's three bundles plus one made up with long limits
 * (`construction-permit`, 10–20 days), so that the 14 departments and the deadlines spread as in a
 * deployment:
 *
 * - **open cases** (`processing`), each with all its bundle's items dispatched and open: `in-review`
 *   (85 %) or `supplementing` (15 %, paused, deadline moved up to 10 days). Time since dispatch is
 *   drawn against the item's limit (skewed to recent, about 10 % past the deadline), so cards follow
 *   as the clock gives them (yellow at half the limit, red at 90 %, overdue past it) and deadlines
 *   spread from a few days ago to about 38 days ahead. Exactly `items` of them (the last case may have
 *   fewer items than its bundle).
 * - **closed cases**: completed (90 %), rejected, refused (no items: refused at the window) or
 *   terminated, accepted over the last year; each item decided (approved, defaulted, or rejected in a
 *   rejected case; items after the first dropped at 25 % as if their condition did not hold: about 4
 *   a case) with its working days taken and same-day flag, as the projection's measures give them.
 *
 * Random values come from PostgreSQL's `random()` after `setseed` in the same transaction: the same
 * sizes give the same rows on both backends.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../adapters/db/schema';
import { openRegistry } from './cases';

interface CatalogueItem {
  bundle_id: string;
  ord: number;
  item_id: string;
  code: string;
  title: { zh: string; en: string };
  department: string;
  promised_days: number;
  kind: string;
  level: number;
}

interface CatalogueBundle {
  bundle_id: string;
  /** Share of cases: [lo, hi) of a uniform draw. */
  lo: number;
  hi: number;
  calendar: string;
  title: { zh: string; en: string };
  window_department: string;
}

/** The bundle with long limits (not in the registry: the read model needs only its rows). */
const CONSTRUCTION: CatalogueItem[] = [
  { bundle_id: 'construction-permit', ord: 0, item_id: 'land-use-planning', code: 'ZRZY-JSYDGH', title: { zh: '建设用地规划许可', en: 'Land use planning permit' }, department: 'natural-resources', promised_days: 20, kind: 'promised', level: 0 },
  { bundle_id: 'construction-permit', ord: 1, item_id: 'construction-permit', code: 'ZJ-SGXK', title: { zh: '建筑工程施工许可', en: 'Construction permit' }, department: 'housing-construction', promised_days: 15, kind: 'promised', level: 1 },
  { bundle_id: 'construction-permit', ord: 2, item_id: 'fire-design-review', code: 'XF-SJSC', title: { zh: '消防设计审查', en: 'Fire protection design review' }, department: 'fire-rescue', promised_days: 15, kind: 'promised', level: 1 },
  { bundle_id: 'construction-permit', ord: 3, item_id: 'completion-filing', code: 'ZJ-JGYSBA', title: { zh: '竣工验收备案', en: 'Completion filing' }, department: 'housing-construction', promised_days: 10, kind: 'promised', level: 2 },
];

/** Shares of cases by bundle. */
const SHARES: Array<[string, number]> = [
  ['enterprise-startup', 0.35],
  ['newborn', 0.25],
  ['open-restaurant', 0.2],
  ['construction-permit', 0.2],
];

export interface Catalogue {
  bundles: CatalogueBundle[];
  items: CatalogueItem[];
  departments: string[];
}

export async function catalogue(): Promise<Catalogue> {
  const registry = await openRegistry();
  const items: CatalogueItem[] = [...CONSTRUCTION];
  const bundles: CatalogueBundle[] = [];
  let lo = 0;
  for (const [bundleId, share] of SHARES) {
    const hi = bundleId === SHARES[SHARES.length - 1]![0] ? 1.000001 : lo + share;
    if (bundleId === 'construction-permit') {
      bundles.push({ bundle_id: bundleId, lo, hi, calendar: 'cn', title: { zh: '工程建设项目审批一件事', en: 'Build a building' }, window_department: 'gov-service' });
    } else {
      const { plan } = registry.get(bundleId);
      bundles.push({ bundle_id: bundleId, lo, hi, calendar: plan.calendar, title: plan.title as CatalogueBundle['title'], window_department: plan.window.department });
      plan.items.forEach((item, ord) =>
        items.push({
          bundle_id: bundleId,
          ord,
          item_id: item.id,
          code: item.code,
          title: item.title as CatalogueItem['title'],
          department: item.department,
          promised_days: item.promisedDays,
          kind: item.kind,
          level: item.level,
        }),
      );
    }
    lo = hi;
  }
  return { bundles, items, departments: [...new Set(items.map((i) => i.department))].sort() };
}

/** Items a case has on average, with the bundles' shares. */
function itemsPerCase(c: Catalogue): number {
  return c.bundles.reduce((sum, b) => sum + (Math.min(b.hi, 1) - b.lo) * c.items.filter((i) => i.bundle_id === b.bundle_id).length, 0);
}

export interface Filled {
  cases: number;
  items: number;
  seconds: number;
}

/** Exactly `items` open items (in review or supplementing) in open cases. */
export async function fillOpen(db: Kysely<Database>, c: Catalogue, items: number, seed = 0.11): Promise<Filled> {
  const t0 = performance.now();
  const cases = Math.ceil((items / itemsPerCase(c)) * 1.1) + 10;
  const bundles = JSON.stringify(c.bundles);
  const catalogueItems = JSON.stringify(c.items);
  await db.transaction().execute(async (trx) => {
    await sql`SELECT setseed(${seed})`.execute(trx);
    await sql`
      WITH b AS (SELECT * FROM jsonb_to_recordset(${bundles}::jsonb) AS b(bundle_id text, lo float8, hi float8, calendar text, title jsonb, window_department text)),
      g AS (SELECT n, random() AS rb, random() AS rt FROM generate_series(1, ${cases}::int) AS n)
      INSERT INTO read_cases (workflow_id, case_id, bundle_id, bundle_version, calendar, status, title, subject_id, applicant_name,
                              window_department, started_at, accepted_at, completed_at, closed_at, progress, revision)
      SELECT 'case-' || id, id, b.bundle_id, 1, b.calendar, 'processing', b.title, '9142' || lpad(g.n::text, 14, '0'), '申请人' || g.n,
             b.window_department, accepted - interval '3 hours', accepted, NULL, NULL,
             jsonb_build_object('caseId', id, 'bundleId', b.bundle_id, 'bundleVersion', 1, 'status', 'processing', 'title', b.title, 'items', '[]'::jsonb),
             5
      FROM g JOIN b ON g.rb >= b.lo AND g.rb < b.hi
      CROSS JOIN LATERAL (SELECT 'o' || substr(md5('open-' || g.n), 1, 23) AS id, now() - g.rt * interval '40 days' AS accepted) AS k`.execute(trx);
    await sql`
      WITH cat AS (SELECT * FROM jsonb_to_recordset(${catalogueItems}::jsonb)
                     AS c(bundle_id text, ord int, item_id text, code text, title jsonb, department text, promised_days int, kind text, level int)),
      picked AS (
        SELECT rc.case_id, cat.*, random() AS r_status, random() AS r_elapsed, random() AS r_pause,
               greatest(cat.promised_days, 0.5) * interval '1.4 days' AS span
        FROM read_cases rc JOIN cat ON cat.bundle_id = rc.bundle_id
        WHERE rc.case_id LIKE 'o%'
        ORDER BY rc.case_id, cat.ord
        LIMIT ${items}::int),
      timed AS (
        SELECT *, now() - power(r_elapsed, 1.3) * 1.15 * span AS dispatched,
               CASE WHEN r_status < 0.15 THEN 'supplementing' ELSE 'in-review' END AS status
        FROM picked),
      due AS (
        SELECT *, dispatched + span + CASE WHEN status = 'supplementing' THEN r_pause * interval '10 days' ELSE interval '0' END AS due
        FROM timed)
      INSERT INTO read_items (workflow_id, case_id, item_id, bundle_id, department, status, step, holder, deadline, card, dispatched_at,
                              decided_at, code, title, kind, level, promised_days, applicable, paused, escalated_from, working_days_taken, same_day, revision)
      SELECT 'case-' || case_id || '-item-' || item_id, case_id, item_id, bundle_id, department, status, NULL, NULL, due,
             CASE WHEN now() >= due THEN 'overdue'
                  WHEN now() >= dispatched + 0.9::float8 * (due - dispatched) THEN 'red'
                  WHEN now() >= dispatched + 0.5::float8 * (due - dispatched) THEN 'yellow' END,
             dispatched, NULL, code, title, kind, level, promised_days, true, status = 'supplementing', '{}', NULL, NULL, 5
      FROM due`.execute(trx);
    // The last cases drawn may have got no items under the limit.
    await sql`DELETE FROM read_cases rc WHERE rc.case_id LIKE 'o%' AND NOT EXISTS (SELECT 1 FROM read_items ri WHERE ri.case_id = rc.case_id)`.execute(trx);
  });
  return { ...(await counts(db, 'o%')), seconds: (performance.now() - t0) / 1000 };
}

/** `cases` closed cases with their decided items (about 4 a case). */
export async function fillClosed(db: Kysely<Database>, c: Catalogue, cases: number, seed = 0.22): Promise<Filled> {
  const t0 = performance.now();
  const bundles = JSON.stringify(c.bundles);
  const catalogueItems = JSON.stringify(c.items);
  await db.transaction().execute(async (trx) => {
    await sql`SELECT setseed(${seed})`.execute(trx);
    await sql`
      WITH b AS (SELECT * FROM jsonb_to_recordset(${bundles}::jsonb) AS b(bundle_id text, lo float8, hi float8, calendar text, title jsonb, window_department text)),
      g AS (SELECT n, random() AS rb, random() AS rt, random() AS rs FROM generate_series(1, ${cases}::int) AS n),
      k AS (
        SELECT g.*, b.*, 'c' || substr(md5('closed-' || g.n), 1, 23) AS id, now() - (30 + g.rt * 335) * interval '1 day' AS accepted,
               CASE WHEN g.rs < 0.90 THEN 'completed' WHEN g.rs < 0.94 THEN 'rejected' WHEN g.rs < 0.97 THEN 'refused' ELSE 'terminated' END AS status
        FROM g JOIN b ON g.rb >= b.lo AND g.rb < b.hi)
      INSERT INTO read_cases (workflow_id, case_id, bundle_id, bundle_version, calendar, status, title, subject_id, applicant_name,
                              window_department, started_at, accepted_at, completed_at, closed_at, progress, revision)
      SELECT 'case-' || id, id, bundle_id, 1, calendar, status, title, '9142' || lpad(n::text, 14, '0'), '申请人' || n,
             window_department, accepted - interval '3 hours', CASE WHEN status = 'refused' THEN NULL ELSE accepted END,
             CASE WHEN status = 'completed' THEN accepted + interval '12 days' END,
             CASE WHEN status = 'refused' THEN accepted ELSE accepted + interval '12 days' END,
             jsonb_build_object('caseId', id, 'bundleId', bundle_id, 'bundleVersion', 1, 'status', status, 'title', title, 'items', '[]'::jsonb),
             12
      FROM k`.execute(trx);
    await sql`
      WITH cat AS (SELECT * FROM jsonb_to_recordset(${catalogueItems}::jsonb)
                     AS c(bundle_id text, ord int, item_id text, code text, title jsonb, department text, promised_days int, kind text, level int)),
      picked AS (
        SELECT rc.case_id, rc.status AS case_status, rc.accepted_at, cat.*, random() AS r_keep, random() AS r_status, random() AS r_taken, random() AS r_start,
               greatest(cat.promised_days, 0.5) * interval '1.4 days' AS span
        FROM read_cases rc JOIN cat ON cat.bundle_id = rc.bundle_id
        WHERE rc.case_id LIKE 'c%' AND rc.status <> 'refused'),
      decided AS (
        SELECT *, accepted_at + level * r_start * interval '2 days' AS dispatched,
               CASE WHEN case_status = 'rejected' AND r_status < 0.5 THEN 'rejected' WHEN r_status < 0.93 THEN 'approved' ELSE 'defaulted' END AS status
        FROM picked
        -- Drawn per row here: a volatile condition in the join's WHERE would be pushed down to the catalogue, once per item.
        WHERE ord = 0 OR r_keep >= 0.25),
      measured AS (
        SELECT *, dispatched + span AS due,
               CASE WHEN kind = 'instant' THEN 0
                    WHEN status = 'defaulted' THEN promised_days
                    ELSE round((power(r_taken, 1.5) * promised_days * 1.05)::numeric, 2) END AS taken
        FROM decided)
      INSERT INTO read_items (workflow_id, case_id, item_id, bundle_id, department, status, step, holder, deadline, card, dispatched_at,
                              decided_at, code, title, kind, level, promised_days, applicable, paused, escalated_from, working_days_taken, same_day, revision)
      SELECT 'case-' || case_id || '-item-' || item_id, case_id, item_id, bundle_id, department, status, NULL, NULL, due,
             CASE WHEN status = 'defaulted' OR taken > promised_days THEN 'overdue' WHEN taken >= 0.9 * promised_days AND promised_days > 0 THEN 'red'
                  WHEN taken >= 0.5 * promised_days AND promised_days > 0 THEN 'yellow' END,
             dispatched, dispatched + taken::float8 * interval '1.4 days' + interval '1 hour',
             code, title, kind, level, promised_days, true, false, '{}', taken, taken < 0.3, 12
      FROM measured`.execute(trx);
  });
  return { ...(await counts(db, 'c%')), seconds: (performance.now() - t0) / 1000 };
}

async function counts(db: Kysely<Database>, prefix: string): Promise<{ cases: number; items: number }> {
  const { rows } = await sql<{ cases: number; items: number }>`
    SELECT (SELECT count(*)::int FROM read_cases WHERE case_id LIKE ${prefix}) AS cases,
           (SELECT count(*)::int FROM read_items WHERE case_id LIKE ${prefix}) AS items`.execute(db);
  return rows[0]!;
}

/** Open items by department, largest first. */
export async function openItemsByDepartment(db: Kysely<Database>): Promise<Array<{ department: string; items: number }>> {
  const { rows } = await sql<{ department: string; items: number }>`
    SELECT department, count(*)::int AS items FROM read_items WHERE status IN ('in-review', 'supplementing') GROUP BY department ORDER BY 2 DESC, 1`.execute(db);
  return rows;
}

/** How the open items' cards and deadlines spread, for the notes. */
export async function openItemsSpread(db: Kysely<Database>): Promise<Record<string, unknown>> {
  const { rows } = await sql<Record<string, unknown>>`
    SELECT count(*) FILTER (WHERE status = 'in-review')::int AS "in-review",
           count(*) FILTER (WHERE status = 'supplementing')::int AS supplementing,
           count(*) FILTER (WHERE card IS NULL)::int AS "card none",
           count(*) FILTER (WHERE card = 'yellow')::int AS yellow,
           count(*) FILTER (WHERE card = 'red')::int AS red,
           count(*) FILTER (WHERE card = 'overdue')::int AS overdue,
           round(extract(epoch FROM min(deadline) - now()) / 86400, 1)::float8 AS "earliest deadline (days)",
           round(extract(epoch FROM max(deadline) - now()) / 86400, 1)::float8 AS "latest deadline (days)"
    FROM read_items WHERE status IN ('in-review', 'supplementing')`.execute(db);
  return rows[0]!;
}
