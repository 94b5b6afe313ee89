/**
 * Two API nodes and two workers on one PostgreSQL server and one Temporal dev server, each its own
 * OS process started from `runtime/api-main.ts` and `runtime/worker-main.ts` as a deployment starts
 * them. The API's end-to-end flow runs over HTTP against both nodes at once: keys minted on both, a
 * definition published on A and used on B, the same version published on both at the same moment,
 * uploads of the same bytes on both, every case started by the same request (same Idempotency-Key)
 * on both nodes, accepted and approved on both; one worker is killed (SIGKILL) in the middle. The
 * database then holds exactly one of everything: sealed documents, API keys, uploads, versions.
 */
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresApiKeyStore } from '../../../adapters/db/api-keys';
import { PROJECT_ROOT } from '../../../runtime/config';
import { openDatabase, type AppDatabase } from '../../../runtime/database';
import { restaurantApplication } from '../../fixtures/applications';
import { startPostgres, type PostgresServer } from '../../helpers/postgres';
import { freePort, startRuntime, type RuntimeProcess } from '../../helpers/processes';
import { createDevServerEnv } from '../../helpers/temporal-env';

/** Cases in the run: enough to keep both workers and both nodes busy, few enough for 2 cores. */
const CASES = 24;
const BUNDLE = 'cluster-restaurant';
const ITEMS = { 'business-licence': 'market-regulation', 'food-permit': 'market-regulation', 'outdoor-sign': 'urban-management', 'fire-check': 'fire-rescue' } as const;
type Item = keyof typeof ITEMS;
const SHARED_MATERIALS = ['food-premises-layout', 'food-safety-rules', 'sign-design', 'fire-safety-plan'];

let env: TestWorkflowEnvironment;
let postgres: PostgresServer;
let database: AppDatabase;
let dataDir: string;
const workers: RuntimeProcess[] = [];
const apis: RuntimeProcess[] = [];
/** Base URLs of node A and node B. */
const nodes: string[] = [];

beforeAll(async () => {
  [env, postgres, dataDir] = await Promise.all([createDevServerEnv(), startPostgres(), mkdtemp(join(tmpdir(), 'yjs-cluster-'))]);
  const url = await postgres.createDatabase('yijianshi');
  const common = {
    TEMPORAL_ADDRESS: env.address,
    TEMPORAL_NAMESPACE: 'default',
    DATABASE_URL: url,
    // One data folder for every process, as hosts share a volume: seal keys and upload bytes.
    YJS_DATA_DIR: dataDir,
    YJS_API_KEYS_FILE: undefined,
    YJS_SEAL_KEYS_DIR: undefined,
    YJS_LOG_LEVEL: 'warn',
  };
  // The workers and this test open the fresh database at once: three migrators race.
  for (const name of ['worker-1', 'worker-2']) {
    workers.push(startRuntime('worker-main.ts', name, { ...common, YJS_STICKY_QUEUE_TIMEOUT_MS: '1000' }));
  }
  database = await openDatabase({ url, pgliteDir: '/nonexistent', poolSize: 4 });
  // api-main refuses to start without a key: the operator's first one, as `yijianshi keys create` makes it.
  adminToken = (await new PostgresApiKeyStore(database.db).create({ id: 'admin', roles: ['admin'] })).token;
  for (const name of ['api-a', 'api-b']) {
    const port = await freePort();
    apis.push(startRuntime('api-main.ts', name, { ...common, HOST: '127.0.0.1', PORT: String(port), YJS_TEMPORAL_TIMEOUT_MS: '20000' }));
    nodes.push(`http://127.0.0.1:${port}`);
  }
  await Promise.all([
    ...workers.map((w) => w.waitFor(/worker polling/, 150_000)),
    ...apis.map((api, i) => untilHealthy(api, nodes[i]!)),
  ]);
}, 240_000);

afterAll(async () => {
  await Promise.all([...apis, ...workers].map((p) => p.stop('SIGTERM')));
  await database?.close();
  await env?.teardown();
  await postgres?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

let adminToken = '';
/** Plain keys by principal as minted on node A, and on node B. */
const tokensA: Record<string, string> = {};
const tokensB: Record<string, string> = {};
/** Every status a node answered with, to show that none was a 500. */
const statuses: number[] = [];

interface Answer {
  status: number;
  body: any; // JSON of many shapes
  headers: Headers;
}

async function call(node: number, token: string, method: string, path: string, options: { json?: unknown; bytes?: Buffer; type?: string; key?: string } = {}): Promise<Answer> {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (options.key) headers['idempotency-key'] = options.key;
  let body: string | Buffer | undefined;
  if (options.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.json);
  } else if (options.bytes) {
    headers['content-type'] = options.type ?? 'application/pdf';
    body = options.bytes;
  }
  const response = await fetch(nodes[node] + path, { method, headers, body });
  const text = await response.text();
  statuses.push(response.status);
  return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
}

/**
 * An Update sent with an Idempotency-Key, retried with the same key while the node answers 503 (no
 * worker answered in time: the one killed held the case), as an integrator retries.
 */
async function update(node: number, token: string, path: string, key: string, json: unknown = {}): Promise<Answer> {
  for (let attempt = 1; ; attempt++) {
    const answer = await call(node, token, 'POST', path, { json, key });
    if (answer.status !== 503 || attempt === 5) return answer;
  }
}

/** The same request to both nodes at the same moment. */
function onBoth(request: (node: number) => Promise<Answer>): Promise<[Answer, Answer]> {
  return Promise.all([request(0), request(1)]);
}

async function untilHealthy(api: RuntimeProcess, base: string): Promise<void> {
  const deadline = Date.now() + 150_000;
  while (Date.now() < deadline) {
    if (api.exited()) throw new Error(`${api.name} exited ${JSON.stringify(api.exited())}:\n${api.output()}`);
    const ok = await fetch(`${base}/health`).then((r) => r.ok, () => false);
    if (ok) return;
    await sleep(250);
  }
  throw new Error(`${api.name} did not answer /health:\n${api.output()}`);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A small PDF whose bytes differ by `text`. */
const pdf = (text: string) => Buffer.from(`%PDF-1.4\n% ${text}\n%%EOF\n`);

const sorted = (answers: Answer[]) => answers.map((a) => a.status).sort();

/** Runs `task` over `inputs` with at most `limit` at once. */
async function pool<T, R>(inputs: T[], limit: number, task: (input: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(inputs.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < inputs.length) {
        const index = next++;
        results[index] = await task(inputs[index]!, index);
      }
    }),
  );
  return results;
}

describe('two API nodes and two workers on one database and one Temporal', () => {
  const caseIds: string[] = [];
  const uploads = new Set<string>();
  let v2Winner = '';

  it('serves the web screens on each API node (npm test builds them first), never over an API route', async () => {
    for (const base of nodes) {
      const page = await fetch(`${base}/workbench`, { headers: { accept: 'text/html' } });
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await page.text()).toContain('id="yjs-config"');
      const api = await fetch(`${base}/no-such-route`, { headers: { accept: 'application/json' } });
      expect(api.status).toBe(404);
      expect(api.headers.get('content-type')).toMatch(/problem\+json/);
    }
  });

  it('mints API keys on both nodes at once: distinct default ids, one of two racing explicit ids, every key valid on both nodes', async () => {
    const principals = [
      { roles: ['integrator'] },
      { roles: ['designer'] },
      { roles: ['supervisor'] },
      { roles: ['window'], department: 'gov-service' },
      ...[...new Set(Object.values(ITEMS))].map((department) => ({ roles: ['department'], department })),
    ];
    await Promise.all(
      principals.map(async (principal) => {
        const [a, b] = await onBoth((node) => call(node, adminToken, 'POST', '/admin/api-keys', { json: principal }));
        expect([a.status, b.status], JSON.stringify([a.body, b.body])).toEqual([201, 201]);
        expect(a.body.id).not.toBe(b.body.id);
        const role = principal.department ? `${principal.roles[0]}:${principal.department}` : principal.roles[0]!;
        tokensA[role] = a.body.key;
        tokensB[role] = b.body.key;
      }),
    );
    const explicit = await onBoth((node) => call(node, adminToken, 'POST', '/admin/api-keys', { json: { id: 'auditor', roles: ['supervisor'] } }));
    expect(sorted(explicit)).toEqual([201, 422]);
    expect(explicit.find((a) => a.status === 422)!.headers.get('content-type')).toMatch(/application\/problem\+json/);

    // A key minted on one node works on the other at once (keys are looked up on every request).
    expect((await call(1, tokensA.integrator!, 'GET', '/definitions')).status).toBe(200);
    expect((await call(0, tokensB.integrator!, 'GET', '/definitions')).status).toBe(200);
  });

  it('shows a definition published on A on B at once, and lets one of two nodes publishing a version at the same moment create it', async () => {
    const definition = JSON.parse(await readFile(join(PROJECT_ROOT, 'definitions', 'bundles', 'open-restaurant.json'), 'utf8'));
    const withVersion = (version: number, en: string) => ({ ...definition, id: BUNDLE, version, title: { zh: `集群餐饮店 ${en}`, en } });

    const published = await call(0, tokensA.designer!, 'POST', '/definitions', { json: withVersion(1, 'Cluster') });
    expect(published.status, JSON.stringify(published.body)).toBe(201);
    const onB = await call(1, tokensB.designer!, 'GET', `/definitions/${BUNDLE}`);
    expect(onB.status, JSON.stringify(onB.body)).toBe(200);
    expect(onB.body.hash).toBe(published.body.hash);
    expect((await call(1, tokensB.designer!, 'GET', '/definitions')).body.map((b: { id: string }) => b.id)).toContain(BUNDLE);

    // Different content under one version: one node creates it, the other answers a conflict.
    const raced = await onBoth((node) => call(node, [tokensA, tokensB][node]!.designer!, 'POST', '/definitions', { json: withVersion(2, `from node ${'AB'[node]}`) }));
    expect(sorted(raced), JSON.stringify(raced.map((a) => a.body))).toEqual([201, 409]);
    const loser = raced.find((a) => a.status === 409)!;
    expect(loser.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(loser.body.type).toBe('/problems/version-conflict');
    v2Winner = raced.find((a) => a.status === 201)!.body.definition.title.en;

    // The same content under one version on both nodes: created once, the other is the same version.
    const same = await onBoth((node) => call(node, [tokensA, tokensB][node]!.designer!, 'POST', '/definitions', { json: withVersion(3, 'Cluster, third') }));
    expect(sorted(same)).toEqual([200, 201]);
    expect(same[0].body.hash).toBe(same[1].body.hash);

    const versions = await onBoth((node) => call(node, tokensA.designer!, 'GET', `/definitions/${BUNDLE}/versions`));
    for (const answer of versions) expect(answer.body.map((v: { version: number }) => v.version)).toEqual([1, 2, 3]);
    expect(versions[0].body).toEqual(versions[1].body);
    for (const node of [0, 1]) expect((await call(node, tokensA.designer!, 'GET', `/definitions/${BUNDLE}/versions/2`)).body.definition.title.en).toBe(v2Winner);
  });

  it('stores the same upload sent to both nodes once', async () => {
    const shared = await Promise.all(
      SHARED_MATERIALS.map(async (material) => {
        const both = await onBoth((node) => call(node, tokensA.integrator!, 'POST', `/definitions/${BUNDLE}/materials/${material}/uploads`, { bytes: pdf(`shared ${material}`) }));
        expect(both.map((a) => a.status), JSON.stringify(both.map((a) => a.body))).toEqual([201, 201]);
        expect(both[0].body.sha256).toBe(both[1].body.sha256);
        uploads.add(both[0].body.sha256);
        return { id: material, sha256: both[0].body.sha256 as string };
      }),
    );
    sharedMaterials.push(...shared);
    for (let i = 0; i < CASES; i++) {
      const both = await onBoth((node) => call(node, tokensB.integrator!, 'POST', `/definitions/${BUNDLE}/materials/premises-proof/uploads`, { bytes: pdf(`premises of shop ${i}`) }));
      expect(both.map((a) => a.status)).toEqual([201, 201]);
      expect(both[0].body.sha256).toBe(both[1].body.sha256);
      uploads.add(both[0].body.sha256);
      premises.push(both[0].body.sha256);
    }
  });
  const sharedMaterials: Array<{ id: string; sha256: string }> = [];
  const premises: string[] = [];

  it('starts one case per Idempotency-Key sent to both nodes at once, on the latest version published on the other node', async () => {
    const started = await pool([...Array(CASES).keys()], 8, async (i) => {
      const application = restaurantApplication({ sellsTobacco: false });
      const body = {
        ...application,
        bundleId: BUNDLE,
        materials: [
          { id: 'applicant-id-card' },
          { id: 'premises-proof', sha256: premises[i]! },
          ...sharedMaterials,
        ],
      };
      // One principal, one key, both nodes: the key names the case.
      const both = await onBoth((node) => call(node, tokensA.integrator!, 'POST', '/cases', { json: body, key: `cluster-order-${i}` }));
      expect(sorted(both), JSON.stringify(both.map((a) => a.body))).toEqual([200, 201]);
      expect(both[0].body.caseId).toBe(both[1].body.caseId);
      expect(both[0].body.bundleVersion).toBe(3);
      return both[0].body.caseId as string;
    });
    caseIds.push(...started);
    expect(new Set(caseIds).size).toBe(CASES);
  });

  it('accepts every case on both nodes at once: the same key answers alike, without one the second is refused', async () => {
    await pool(caseIds, 8, async (caseId, i) => {
      const path = `/cases/${caseId}/accept`;
      if (i % 2 === 0) {
        const both = await onBoth((node) => update(node, tokensA['window:gov-service']!, path, `accept-${caseId}`));
        expect(both.map((a) => a.status), JSON.stringify(both.map((a) => a.body))).toEqual([200, 200]);
        expect(both[0].body.acceptedAt).toBe(both[1].body.acceptedAt);
      } else {
        const both = await onBoth((node) => call(node, [tokensA, tokensB][node]!['window:gov-service']!, 'POST', path, { json: {} }));
        expect(sorted(both), JSON.stringify(both.map((a) => a.body))).toEqual([200, 409]);
        expect(both.find((a) => a.status === 409)!.body.type).toBe('/problems/illegal-transition');
      }
    });
  });

  it('completes every case with approvals on both nodes while a worker is killed mid-run', async () => {
    let licencesApproved = 0;
    let killed: Promise<{ code: number | null; signal: NodeJS.Signals | null }> | undefined;
    const approve = async (caseId: string, item: Item, i: number) => {
      const department = ITEMS[item];
      // Each department's officer keys from both nodes: the same key from one principal on both.
      const token = [tokensA, tokensB][i % 2]![`department:${department}`]!;
      await untilInReview(caseId, item, i);
      const both = await onBoth((node) => update(node, token, `/cases/${caseId}/items/${item}/approve`, `approve-${caseId}-${item}`));
      expect(both.map((a) => a.status), `${caseId} ${item}: ${JSON.stringify(both.map((a) => a.body))}`).toEqual([200, 200]);
    };
    // The first item of every case, racing on both nodes; when half are answered, one worker dies
    // with the rest in flight (updates, item completions, the next items' dispatch). Not later: an
    // activity a killed worker held is retried only after its start-to-close timeout (issuing: two
    // minutes), which would hold its case that long.
    await pool(caseIds, 8, async (caseId, i) => {
      await approve(caseId, 'business-licence', i);
      if (++licencesApproved === CASES / 2) killed = workers[0]!.stop('SIGKILL');
    });
    // The rest in parallel, on the surviving worker.
    await pool(caseIds, 8, (caseId, i) => Promise.all((['food-permit', 'outdoor-sign', 'fire-check'] as const).map((item) => approve(caseId, item, i))));
    expect(await killed).toEqual({ code: null, signal: 'SIGKILL' });

    const done = await pool(caseIds, 8, (caseId, i) => untilCompleted(caseId, i));
    for (const progress of done) {
      expect(progress.results.map((r: { itemId: string }) => r.itemId).sort()).toEqual(Object.keys(ITEMS).sort());
    }
    documentIdsByCase = new Map(done.map((p) => [p.caseId, p.results.map((r: { documentId: string }) => r.documentId).sort()]));
  }, 180_000);
  let documentIdsByCase = new Map<string, string[]>();

  it('verifies every sealed document on the other node: one seal key per department, whichever worker made it', async () => {
    const keyIds = new Map<string, Set<string>>();
    await pool([...documentIdsByCase.keys()], 4, async (caseId, i) => {
      const sealed = await call(i % 2, tokensA.integrator!, 'GET', `/cases/${caseId}/documents`);
      expect(sealed.status, `${JSON.stringify(sealed.body)}\n${apis[i % 2]!.output().slice(-4000)}`).toBe(200);
      expect(sealed.body.map((d: { documentId: string }) => d.documentId).sort()).toEqual(documentIdsByCase.get(caseId));
      for (const { document, seal } of sealed.body) {
        const report = await call((i + 1) % 2, tokensA.integrator!, 'POST', '/seals/verify', { json: { document, seal } });
        expect(report.body.status, JSON.stringify(report.body)).toBe('valid');
        keyIds.set(seal.department, (keyIds.get(seal.department) ?? new Set()).add(seal.keyId));
      }
    });
    expect([...keyIds.keys()].sort()).toEqual([...new Set(Object.values(ITEMS))].sort());
    for (const ids of keyIds.values()) expect(ids.size).toBe(1);
    const published = await onBoth((node) => call(node, tokensA.integrator!, 'GET', '/seals/keys'));
    expect(published[0].body).toEqual(published[1].body);
  });

  it('leaves exactly one of everything in the database: sealed documents, API keys, uploads, versions, and no outbox duplicates', async () => {
    const db = database.db;
    // Sealed documents: four per case, the ones the cases show, unique ids, none without a case.
    const documents = await db.selectFrom('documents').select(['key', 'document_id']).execute();
    expect(documents).toHaveLength(CASES * Object.keys(ITEMS).length);
    expect(new Set(documents.map((d) => d.document_id)).size).toBe(documents.length);
    for (const [caseId, documentIds] of documentIdsByCase) {
      expect(documents.filter((d) => d.key.startsWith(`${caseId}/`)).map((d) => d.document_id).sort()).toEqual(documentIds);
    }

    // API keys: the operator's, two per principal (one from each node), the one explicit id.
    const keys = await db.selectFrom('api_keys').select(['id', 'token_sha256']).execute();
    expect(keys).toHaveLength(1 + 2 * Object.keys(tokensA).length + 1);
    expect(new Set(keys.map((k) => k.id)).size).toBe(keys.length);
    expect(new Set(keys.map((k) => k.token_sha256)).size).toBe(keys.length);

    // Uploads: one row per distinct content, whichever node got it first.
    const rows = await db.selectFrom('uploads').select('sha256').execute();
    expect(new Set(rows.map((r) => r.sha256))).toEqual(uploads);
    expect(rows).toHaveLength(SHARED_MATERIALS.length + CASES);

    // Versions: 1, the winner's 2, and 3 once.
    const versions = await db.selectFrom('definition_versions').select(['version', sql<string>`definition->'title'->>'en'`.as('title')]).where('bundle_id', '=', BUNDLE).orderBy('version').execute();
    expect(versions.map((v) => v.version)).toEqual([1, 2, 3]);
    expect(versions[1]!.title).toBe(v2Winner);

    // The outbox: once per (case, key) by its key; this flow breaks no commitment, the engine's only
    // notification (a commitment's deadline is a working day away at the least), so it is empty.
    const duplicates = await sql<{ n: number }>`SELECT count(*)::int AS n FROM (SELECT case_id, key FROM outbox GROUP BY case_id, key HAVING count(*) > 1) d`.execute(db);
    expect(duplicates.rows[0]!.n).toBe(0);
    expect(await db.selectFrom('outbox').select('key').execute()).toEqual([]);

    // Temporal: one case workflow per key.
    const started: string[] = [];
    for await (const execution of env.client.workflow.list({ query: `WorkflowType = 'caseWorkflow'` })) started.push(execution.workflowId);
    expect(started).toHaveLength(CASES);
    // Both workers ran cases: their identities (pid@host) are on completed workflow tasks.
    const identities = new Set<string>();
    for (const workflowId of started) {
      const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
      for (const event of history.events ?? []) {
        const identity = event.workflowTaskCompletedEventAttributes?.identity;
        if (identity) identities.add(identity.split('@')[0]!);
      }
    }
    expect([...identities].sort()).toEqual(workers.map((w) => String(w.pid)).sort());

    // No node answered a 500 at any point.
    expect(statuses.filter((s) => s >= 500 && s !== 503)).toEqual([]);
  });

  async function progressOf(caseId: string, i: number) {
    const answer = await call(i % 2, tokensA.supervisor!, 'GET', `/cases/${caseId}`);
    return answer.status === 200 ? answer.body : undefined;
  }

  async function untilInReview(caseId: string, item: Item, i: number): Promise<void> {
    const deadline = Date.now() + 60_000;
    for (let n = 0; Date.now() < deadline; n++) {
      const progress = await progressOf(caseId, i + n);
      if (progress?.items.find((it: { id: string }) => it.id === item)?.status === 'in-review') return;
      await sleep(200);
    }
    throw new Error(`${caseId}: ${item} never in review`);
  }

  async function untilCompleted(caseId: string, i: number) {
    const deadline = Date.now() + 90_000;
    let last: { status?: string } | undefined;
    for (let n = 0; Date.now() < deadline; n++) {
      last = await progressOf(caseId, i + n);
      if (last?.status === 'completed') return last as any;
      await sleep(250);
    }
    throw new Error(`${caseId} not completed: ${JSON.stringify(last)?.slice(0, 1500)}`);
  }
});
