/**
 * read-model: inbox pages and statistics from the read model (issue 11's measures: inbox p95 < 100 ms at
 * 100,000 open items, statistics over 100,000 closed cases < 1 s), on a PostgreSQL server and on the
 * embedded PGlite, through the HTTP API.
 *
 * Per backend: a fresh database (a throw-away server from `lib/postgres.ts`, or PGlite in a temporary
 * folder as `npm start` keeps it, once never analyzed as `npm start` runs it and once analyzed), migrated; the read model filled by bulk SQL (`lib/read-model-fixture.ts`:
 * open items in 14 departments, then closed cases with their decided items); the app as `npm start`
 * builds it over that read model (`buildApp` with `PostgresReadModel`, listening on 127.0.0.1; no
 * Temporal server: these routes do not call it). Sequential requests (one at a time, so each latency is
 * the page's own), the query kinds interleaved within each round:
 *
 * 1. with the open items only: a department's inbox (the largest: market-regulation) first page, by
 *    status, by card (red; none), by both, a deep page by pageToken; the supervision desk by card and by
 *    status;
 * 2. after adding the closed cases: statistics (all bundles, one bundle), and the same pages again,
 *    now among the decided items too (the state of a deployment after a year).
 *
 * Each kind's SQL, as the read model sent it, is run once more under `EXPLAIN (ANALYZE, BUFFERS)`: the
 * plan's nodes and indexes are reported, so a plan that stops using an index shows.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { PGlite } from '@electric-sql/pglite';
import { Client, Connection } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { CompiledQuery, Kysely, PGliteDialect, PostgresDialect, sql, type LogEvent } from 'kysely';
import pg from 'pg';
import { sha256Hex, type ApiKeyRecord } from '../../adapters/api-keys';
import { migrateToLatest } from '../../adapters/db/migrate';
import { PostgresReadModel } from '../../adapters/db/read-model';
import type { Database } from '../../adapters/db/schema';
import { buildApp } from '../../api/app';
import { ApiKeyAuthenticator } from '../../api/auth';
import type { BenchContext, BenchOutput, Benchmark } from '../lib/bench';
import { bySize, roundsFor } from '../lib/bench';
import { openRegistry } from '../lib/cases';
import { startBenchPostgres } from '../lib/postgres';
import { catalogue, fillClosed, fillOpen, openItemsByDepartment, openItemsSpread, type Filled } from '../lib/read-model-fixture';
import type { Row, TargetCheck } from '../lib/report';
import { quantile, round } from '../lib/stats';

/**
 * `postgres`: a server, ANALYZE after each fill (what its autovacuum does within a minute).
 * `pglite`: as `npm start` runs it: never analyzed, since PGlite runs no autovacuum and nothing in the
 * application runs ANALYZE, so the planner has no statistics of the read model's tables.
 * `pglite-analyzed`: the same with ANALYZE after each fill, to show what statistics change.
 */
type Backend = 'postgres' | 'pglite' | 'pglite-analyzed';
type Phase = 'open' | 'open+closed';
const BACKENDS: Backend[] = ['postgres', 'pglite', 'pglite-analyzed'];
const ANALYZED: Record<Backend, boolean> = { postgres: true, pglite: false, 'pglite-analyzed': true };
const INBOX_TARGET_MS = 100;
const STATISTICS_TARGET_MS = 1000;
const STATISTICS_BUNDLE = 'enterprise-startup';

interface Opened {
  db: Kysely<Database>;
  /** Server version or PGlite's. */
  version: string;
  close(): Promise<void>;
}

interface Captured {
  sql: string;
  parameters: readonly unknown[];
}

interface Measured {
  backend: Backend;
  phase: Phase;
  round: number;
  kind: string;
  ms: number[];
}

interface Explained {
  backend: Backend;
  phase: Phase;
  kind: string;
  plan: string;
  indexes: string[];
  executionMs: number;
  sql: string;
}

export const readModelBenchmark: Benchmark = {
  name: 'read-model',
  description: 'inbox pages and statistics from the read model, PostgreSQL and PGlite',
  async run(ctx: BenchContext): Promise<BenchOutput> {
    const openItems = bySize(ctx.size, { quick: 5_000, default: 100_000, large: 300_000 });
    const closedCases = bySize(ctx.size, { quick: 5_000, default: 100_000, large: 300_000 });
    const requests = bySize(ctx.size, { quick: 10, default: 100, large: 100 });
    const statisticsRequests = bySize(ctx.size, { quick: 2, default: 5, large: 3 });
    const deepPage = bySize(ctx.size, { quick: 20, default: 200, large: 200 });
    const rounds = roundsFor(ctx, { quick: 3, default: 3, large: 3 });
    const cat = await catalogue();
    const registry = await openRegistry();

    const measured: Measured[] = [];
    const explained: Explained[] = [];
    const fills: Array<{ backend: Backend; what: string } & Filled & { analyzeSeconds: number }> = [];
    const walks: Array<{ backend: Backend; phase: Phase; pages: number; ms: number[] }> = [];
    const checks: Array<{ backend: Backend; phase: Phase } & Record<string, unknown>> = [];
    const stalls: Array<{ backend: Backend; phase: Phase; requests: string; p99Ms: number; maxMs: number }> = [];
    const versions: Partial<Record<Backend, string>> = {};
    let department = '';
    let spread: Record<string, unknown> = {};
    let byDepartment: Array<{ department: string; items: number }> = [];

    for (const backend of BACKENDS) {
      const captured: Captured[] = [];
      let capturing = false;
      const log = (event: LogEvent) => {
        if (capturing && event.level === 'query') captured.push({ sql: event.query.sql, parameters: event.query.parameters });
      };
      ctx.log(`${backend}: starting`);
      const opened = await openBackend(backend, log);
      versions[backend] = opened.version;
      let app: FastifyInstance | undefined;
      try {
        const { db } = opened;
        await migrateToLatest(db);
        const open = await fillOpen(db, cat, openItems);
        const analyzeOpen = ANALYZED[backend] ? await analyze(db) : 0;
        fills.push({ backend, what: 'open items', ...open, analyzeSeconds: analyzeOpen });
        ctx.log(`${backend}: ${open.items} open items in ${open.cases} cases in ${round(open.seconds)} s${ANALYZED[backend] ? ` (analyze ${round(analyzeOpen)} s)` : ''}`);
        byDepartment = await openItemsByDepartment(db);
        department = byDepartment[0]!.department;
        spread = await openItemsSpread(db);

        const principals = [
          { id: 'supervisor', roles: ['supervisor' as const] },
          { id: `officer-${department}`, roles: ['department' as const], department },
        ];
        const tokens: Record<string, string> = {};
        const records: ApiKeyRecord[] = principals.map((p) => {
          const token = randomBytes(24).toString('base64url');
          tokens[p.id] = token;
          return { ...p, tokenSha256: sha256Hex(token) };
        });
        let base = '';
        // The app is closed during a fill and served anew after it: PGlite runs in this process and
        // blocks its event loop while it fills, so a kept-alive connection would meet the server's idle
        // timeout late and be reset under the next request.
        const serve = async () => {
          await app?.close();
          app = await buildApp({
            // Inbox, supervision and statistics read the read model alone: no Temporal server is asked.
            client: new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) }),
            namespace: 'default',
            registry,
            authenticator: new ApiKeyAuthenticator(records),
            rateLimitPerMinute: 1_000_000_000,
            readModel: new PostgresReadModel(db),
          });
          await app.listen({ host: '127.0.0.1', port: 0 });
          const address = app.server.address();
          base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
        };
        await serve();
        const officer = { authorization: `Bearer ${tokens[`officer-${department}`]}` };
        const supervisor = { authorization: `Bearer ${tokens.supervisor}` };

        const inboxKinds = async (phase: Phase): Promise<Record<string, { url: string; headers: Record<string, string> }>> => {
          const inbox = `${base}/departments/${department}/inbox?pageSize=20`;
          // The deep page: walk there by pageToken, timing each page on the way.
          let token: string | undefined;
          const walk: number[] = [];
          for (let page = 1; page < deepPage; page++) {
            const t0 = performance.now();
            const body = (await getJson(`${inbox}${token ? `&pageToken=${token}` : ''}`, officer)) as { items: unknown[]; nextPageToken?: string };
            walk.push(performance.now() - t0);
            if (!body.nextPageToken) throw new Error(`${backend}: the inbox of ${department} ends at page ${page}, before page ${deepPage}`);
            token = body.nextPageToken;
          }
          walks.push({ backend, phase, pages: deepPage - 1, ms: walk });
          return {
            'inbox: first page': { url: inbox, headers: officer },
            'inbox: status=supplementing': { url: `${inbox}&status=supplementing`, headers: officer },
            'inbox: card=red': { url: `${inbox}&card=red`, headers: officer },
            'inbox: card=none': { url: `${inbox}&card=none`, headers: officer },
            // The workbench's inbox (web/): in review by default, a card chosen.
            'inbox: status=in-review&card=red': { url: `${inbox}&status=in-review&card=red`, headers: officer },
            [`inbox: page ${deepPage} (pageToken)`]: { url: `${inbox}&pageToken=${token}`, headers: officer },
            'supervision: card=overdue': { url: `${base}/supervision/items?pageSize=20&card=overdue`, headers: supervisor },
            'supervision: status=in-review': { url: `${base}/supervision/items?pageSize=20&status=in-review`, headers: supervisor },
          };
        };

        const measure = async (phase: Phase, kinds: Record<string, { url: string; headers: Record<string, string> }>, perRound: number) => {
          const names = Object.keys(kinds);
          for (const name of names) {
            // Each kind once to check its answer and warm it, then its SQL under EXPLAIN ANALYZE.
            captured.length = 0;
            capturing = true;
            const body = (await getJson(kinds[name]!.url, kinds[name]!.headers)) as Record<string, unknown>;
            capturing = false;
            checks.push({ backend, phase, kind: name, ...answerShape(body) });
            for (const [i, query] of captured.filter((q) => /^\s*select/i.test(q.sql)).entries()) {
              explained.push({ backend, phase, kind: captured.length > 1 ? `${name} #${i + 1}` : name, ...(await explain(opened.db, query)) });
            }
          }
          // How long the process's event loop stalls meanwhile (PGlite's queries run on it).
          const delay = monitorEventLoopDelay({ resolution: 10 });
          delay.enable();
          for (let r = 0; r < rounds; r++) {
            const ms: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
            for (let i = 0; i < perRound; i++) {
              // Rotate the order so no kind always follows the same one.
              const order = names.map((_, j) => names[(i + r + j) % names.length]!);
              for (const name of order) {
                const t0 = performance.now();
                await getJson(kinds[name]!.url, kinds[name]!.headers);
                ms[name]!.push(performance.now() - t0);
              }
            }
            for (const name of names) measured.push({ backend, phase, round: r, kind: name, ms: ms[name]! });
          }
          delay.disable();
          stalls.push({ backend, phase, requests: names[0]!.startsWith('statistics') ? 'statistics' : 'pages', p99Ms: delay.percentile(99) / 1e6, maxMs: delay.max / 1e6 });
          ctx.log(`${backend} (${phase}): ${names.map((n) => `${n} p95 ${round(pct(measured, backend, phase, n, 0.95))} ms`).join('; ')}`);
        };

        await measure('open', await inboxKinds('open'), requests);

        await app?.close();
        app = undefined;
        const closed = await fillClosed(db, cat, closedCases);
        const analyzeClosed = ANALYZED[backend] ? await analyze(db) : 0;
        fills.push({ backend, what: 'closed cases', ...closed, analyzeSeconds: analyzeClosed });
        ctx.log(`${backend}: ${closed.cases} closed cases with ${closed.items} decided items in ${round(closed.seconds)} s${ANALYZED[backend] ? ` (analyze ${round(analyzeClosed)} s)` : ''}`);
        await serve();
        await measure(
          'open+closed',
          {
            'statistics: all bundles': { url: `${base}/statistics`, headers: supervisor },
            [`statistics: bundleId=${STATISTICS_BUNDLE}`]: { url: `${base}/statistics?bundleId=${STATISTICS_BUNDLE}`, headers: supervisor },
          },
          statisticsRequests,
        );
        await measure('open+closed', await inboxKinds('open+closed'), requests);
      } finally {
        await app?.close();
        await opened.close();
      }
    }

    const kindsOf = (phase: Phase, prefix?: string) => [...new Set(measured.filter((m) => m.phase === phase && (!prefix || m.kind.startsWith(prefix))).map((m) => m.kind))];
    const latencyRows = (phase: Phase, kinds: string[]): Row[] =>
      kinds.flatMap((kind) =>
        BACKENDS.map((backend) => ({
          backend,
          query: kind,
          n: measured.filter((m) => m.backend === backend && m.phase === phase && m.kind === kind).flatMap((m) => m.ms).length,
          'p50 ms': round(pct(measured, backend, phase, kind, 0.5)),
          'p95 ms': round(pct(measured, backend, phase, kind, 0.95)),
          'p99 ms': round(pct(measured, backend, phase, kind, 0.99)),
          'max ms': round(pct(measured, backend, phase, kind, 1)),
        })),
      );
    const pageKinds = (phase: Phase) => kindsOf(phase).filter((k) => !k.startsWith('statistics'));
    const statisticsKinds = kindsOf('open+closed', 'statistics');
    const worst = (backend: Backend, phase: Phase, kinds: string[]) =>
      kinds.map((kind) => ({ kind, p95: pct(measured, backend, phase, kind, 0.95) })).sort((a, b) => b.p95 - a.p95)[0]!;
    const sizeNote = ctx.size === 'default' ? '' : ` (--${ctx.size}: ${openItems.toLocaleString('en')} open items, ${closedCases.toLocaleString('en')} closed cases)`;
    const targets: TargetCheck[] = BACKENDS.flatMap((backend) => {
      const inbox = worst(backend, 'open', pageKinds('open'));
      const inboxLater = worst(backend, 'open+closed', pageKinds('open+closed'));
      const stats = worst(backend, 'open+closed', statisticsKinds);
      return [
        {
          target: `${backend}: inbox p95 < ${INBOX_TARGET_MS} ms at ${openItems.toLocaleString('en')} open items, every query kind${sizeNote}`,
          measured: `worst p95 ${round(inbox.p95)} ms (${inbox.kind})`,
          met: inbox.p95 < INBOX_TARGET_MS,
        },
        {
          target: `${backend}: the same with ${closedCases.toLocaleString('en')} closed cases' decided items in the table too`,
          measured: `worst p95 ${round(inboxLater.p95)} ms (${inboxLater.kind})`,
          met: inboxLater.p95 < INBOX_TARGET_MS,
        },
        {
          target: `${backend}: statistics over ${closedCases.toLocaleString('en')} closed cases < ${STATISTICS_TARGET_MS} ms (p95)`,
          measured: `worst p95 ${round(stats.p95)} ms (${stats.kind})`,
          met: stats.p95 < STATISTICS_TARGET_MS,
        },
      ];
    });

    const summary = {
      versions,
      department,
      openItems: Object.fromEntries(BACKENDS.map((b) => [b, fills.find((f) => f.backend === b && f.what === 'open items')?.items])),
      closed: Object.fromEntries(BACKENDS.map((b) => [b, fills.find((f) => f.backend === b && f.what === 'closed cases')])),
      latency: Object.fromEntries(
        BACKENDS.map((backend) => [
          backend,
          Object.fromEntries(
            (['open', 'open+closed'] as const).map((phase) => [
              phase,
              Object.fromEntries(kindsOf(phase).map((kind) => [kind, { p50: pct(measured, backend, phase, kind, 0.5), p95: pct(measured, backend, phase, kind, 0.95), p99: pct(measured, backend, phase, kind, 0.99) }])),
            ]),
          ),
        ]),
      ),
      walks: walks.map((w) => ({ backend: w.backend, phase: w.phase, pages: w.pages, p50: quantile(w.ms, 0.5), p95: quantile(w.ms, 0.95), totalMs: w.ms.reduce((a, b) => a + b, 0) })),
      plans: explained.map(({ sql: _sql, ...rest }) => rest),
    };

    return {
      options: { openItems, closedCases, requestsPerRoundAndKind: requests, statisticsRequestsPerRoundAndKind: statisticsRequests, rounds, deepPage, department, backends: BACKENDS },
      summary,
      tables: [
        { title: `the read model: ${[...new Set(BACKENDS.map((b) => versions[b]))].join(', ')}`, rows: fills.map((f) => ({ backend: f.backend, rows: f.what, cases: f.cases, items: f.items, 'fill s': round(f.seconds), 'analyze s': ANALYZED[f.backend] ? round(f.analyzeSeconds) : 'never' })) },
        { title: 'open items by department (the inbox measured is the first)', rows: byDepartment.map((d) => ({ department: d.department, 'open items': d.items })) },
        { title: 'open items: statuses, cards, deadlines', rows: [spread as Row] },
        { title: `pages of 20 with the open items only: ${rounds} rounds of ${requests} sequential requests a kind, interleaved`, rows: latencyRows('open', pageKinds('open')) },
        { title: `statistics over the closed cases: ${rounds} rounds of ${statisticsRequests} a kind`, rows: latencyRows('open+closed', statisticsKinds) },
        { title: 'pages of 20 with the closed cases\' decided items in the table too', rows: latencyRows('open+closed', pageKinds('open+closed')) },
        {
          title: `walking the inbox to page ${deepPage} by pageToken (each page once)`,
          rows: summary.walks.map((w) => ({ backend: w.backend, phase: w.phase, pages: w.pages, 'p50 ms': round(w.p50), 'p95 ms': round(w.p95), 'total s': round(w.totalMs / 1000) })),
        },
        {
          title: 'event loop delay of the process while measuring (the API; PGlite runs in it, a server does not)',
          rows: stalls.map((d) => ({ backend: d.backend, phase: d.phase, requests: d.requests, 'p99 ms': round(d.p99Ms), 'max ms': round(d.maxMs) })),
        },
        {
          title: 'plans (EXPLAIN ANALYZE of the SQL each kind sent, once)',
          rows: explained.map((e) => ({ backend: e.backend, phase: e.phase, query: e.kind, plan: e.plan, 'exec ms': round(e.executionMs) })),
        },
      ],
      targets,
      samples: { fills, latencies: measured, walks, plans: explained, answers: checks, eventLoopDelay: stalls },
      notes: [
        'The read model is filled by bulk SQL (bench/lib/read-model-fixture.ts), not by workflows. `postgres` and `pglite-analyzed` run ANALYZE after each fill (on a server, autovacuum does within a minute); `pglite` never does, as under `npm start`: PGlite runs no autovacuum and the application no ANALYZE, so its planner has no statistics of the read model.',
        `Inbox pages are those of ${department}, the department with the most open items; every request is authenticated by an API key and answered as JSON through fastify over HTTP on 127.0.0.1.`,
        'The PostgreSQL server runs with fsync, synchronous_commit and full_page_writes off (bench/lib/postgres.ts): it changes the fills, not the reads measured. PGlite runs in this process, its folder on disk as `npm start` keeps it.',
        'Statistics answer from two aggregate queries (cases by status; decided items with mean, percentiles, on-time and same-day counts), as adapters/db/read-model.ts sends them.',
      ],
    };
  },
};

async function openBackend(backend: Backend, log: (event: LogEvent) => void): Promise<Opened> {
  if (backend === 'postgres') {
    const server = await startBenchPostgres();
    // As runtime/database.ts opens a server (its default pool of 10).
    const pool = new pg.Pool({ connectionString: server.url, max: 10 });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), log });
    return {
      db,
      version: server.version,
      async close() {
        await db.destroy();
        await server.stop();
      },
    };
  }
  const dir = await mkdtemp(join(tmpdir(), 'yjs-bench-pglite-'));
  const pglite = new PGlite(join(dir, 'pglite'));
  await pglite.waitReady;
  const db = new Kysely<Database>({ dialect: new PGliteDialect({ pglite }), log });
  const { rows } = await sql<{ version: string }>`SELECT version()`.execute(db);
  return {
    db,
    version: `PGlite ${rows[0]!.version.replace(/^PostgreSQL ([\d.]+).*$/, '(PostgreSQL $1)')}`,
    async close() {
      await db.destroy();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function analyze(db: Kysely<Database>): Promise<number> {
  const t0 = performance.now();
  await sql`ANALYZE read_cases, read_items`.execute(db);
  return (performance.now() - t0) / 1000;
}

/** The plan's nodes (with their index) from the top, and the execution time. */
async function explain(db: Kysely<Database>, query: Captured): Promise<Omit<Explained, 'backend' | 'phase' | 'kind'>> {
  const result = await db.executeQuery<{ 'QUERY PLAN': unknown }>(CompiledQuery.raw(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${query.sql}`, [...query.parameters]));
  const raw = result.rows[0]!['QUERY PLAN'];
  const [top] = (typeof raw === 'string' ? JSON.parse(raw) : raw) as Array<{ Plan: PlanNode; 'Execution Time': number }>;
  const nodes: string[] = [];
  const indexes: string[] = [];
  const visit = (node: PlanNode, depth: number) => {
    if (node['Index Name']) indexes.push(node['Index Name']);
    nodes.push(`${depth > 0 ? '>' : ''}${node['Node Type']}${node['Index Name'] ? ` ${node['Index Name']}` : node['Relation Name'] ? ` on ${node['Relation Name']}` : ''}`);
    for (const child of node.Plans ?? []) visit(child, depth + 1);
  };
  visit(top!.Plan, 0);
  return { plan: nodes.join(' '), indexes, executionMs: top!['Execution Time'], sql: query.sql };
}

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  'Relation Name'?: string;
  Plans?: PlanNode[];
}

/** What an answer held, to check the pages are full and the statistics counted. */
function answerShape(body: Record<string, unknown>): Record<string, unknown> {
  if (Array.isArray(body.items)) {
    const statuses: Record<string, number> = {};
    for (const item of body.items as Array<{ status: string }>) statuses[item.status] = (statuses[item.status] ?? 0) + 1;
    return { items: body.items.length, next: typeof body.nextPageToken === 'string', statuses };
  }
  return { decided: (body.items as { decided?: number } | undefined)?.decided, cases: body.cases };
}

function pct(measured: Measured[], backend: Backend, phase: Phase, kind: string, q: number): number {
  return quantile(measured.filter((m) => m.backend === backend && m.phase === phase && m.kind === kind).flatMap((m) => m.ms), q);
}

async function getJson(url: string, headers: Record<string, string>): Promise<unknown> {
  const response = await fetch(url, { headers });
  const text = await response.text();
  if (!response.ok) throw new Error(`GET ${url}: ${response.status} ${text.slice(0, 300)}`);
  return JSON.parse(text);
}
