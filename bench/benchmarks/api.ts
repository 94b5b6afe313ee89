/**
 * api: the HTTP API under fixed concurrency, with autocannon (per-request paths, headers and bodies
 * through its `setupRequest`): start a case (`POST /cases`), accept it at the window, approve the
 * first item, read an inbox page; req/s, latency p50/p99, errors. Then HTTP approve against a direct
 * `executeUpdate` of the same Update, in interleaved rounds: the API's own cost on a decision.
 *
 * The ratio uses one small loop for both sides (bench/lib/pool.ts, `fetch` against the Temporal
 * client), not autocannon: the direct side is a gRPC call autocannon cannot make, and the same loop
 * and clock on both sides keep the ratio clean.
 */
import { randomUUID } from 'node:crypto';
import autocannon, { type Result } from 'autocannon';
import type { Client } from '@temporalio/client';
import type { BenchContext, BenchOutput, Benchmark } from '../lib/bench';
import { bySize, roundsFor } from '../lib/bench';
import { startApi, type ApiStack } from '../lib/api-stack';
import { bundleFile } from '../lib/bundles';
import { applicableItems, BUNDLE_ID, caseWorkflowIdOf, enterpriseApplication, enterprisePlan, itemWorkflowIdOf } from '../lib/cases';
import { runPool, sleep } from '../lib/pool';
import type { Row } from '../lib/report';
import { startDevServer } from '../lib/server';
import { median, quantile, round, roundRatios } from '../lib/stats';
import { quiet, startWorkerProcess } from '../lib/workers';

const QUEUE = 'bench-api';

interface Phase {
  route: string;
  result: Result;
}

export const apiBenchmark: Benchmark = {
  name: 'api',
  description: 'HTTP API at fixed concurrency (autocannon), and HTTP approve vs direct executeUpdate',
  async run(ctx: BenchContext): Promise<BenchOutput> {
    const cases = bySize(ctx.size, { quick: 6, default: 60, large: 400 });
    const connections = bySize(ctx.size, { quick: 4, default: 10, large: 20 });
    const inboxRequests = bySize(ctx.size, { quick: 20, default: 1_000, large: 5_000 });
    const rounds = roundsFor(ctx, { quick: 3, default: 3, large: 5 });
    const casesPerSide = Math.max(1, Math.floor(cases / (2 * rounds)));
    const plan = await enterprisePlan();
    const items = applicableItems(plan, enterpriseApplication().form);
    const first = items.find((i) => i.dependsOn.length === 0)!;
    const parallel = items.filter((i) => i !== first);
    const server = await startDevServer();
    const worker = await startWorkerProcess({ address: server.address, namespace: server.namespace, workers: [{ taskQueue: QUEUE, bundleFile: await bundleFile('engine') }] });
    const api = await startApi(server, QUEUE);
    const auth = (principal: string) => ({ authorization: `Bearer ${api.tokens[principal]}`, 'content-type': 'application/json' });
    const window = `window-${plan.window.department}`;
    try {
      const body = JSON.stringify({ bundleId: BUNDLE_ID, ...enterpriseApplication() });
      // Warm-up: a few cases through every route measured.
      for (let i = 0; i < (ctx.size === 'quick' ? 1 : 3); i++) {
        const started = (await (await fetch(`${api.url}/cases`, { method: 'POST', headers: auth('integrator'), body })).json()) as { caseId: string };
        await fetch(`${api.url}/cases/${started.caseId}/accept`, { method: 'POST', headers: auth(window), body: '{}' });
      }
      const phases: Phase[] = [];

      ctx.log(`POST /cases × ${cases}`);
      const caseIds: string[] = [];
      phases.push({
        route: 'POST /cases',
        result: await autocannon({
          url: api.url,
          connections,
          amount: cases,
          requests: [
            {
              method: 'POST',
              path: '/cases',
              headers: auth('integrator'),
              body,
              setupRequest: (request) => ({ ...request, headers: { ...request.headers, 'idempotency-key': randomUUID() } }),
              onResponse: (status, text) => {
                if (status === 201) caseIds.push((JSON.parse(text) as { caseId: string }).caseId);
              },
            },
          ],
        }),
      });
      if (caseIds.length < cases) throw new Error(`only ${caseIds.length} of ${cases} cases started`);

      ctx.log(`POST /cases/:id/accept × ${cases}`);
      phases.push({ route: 'POST /cases/:id/accept', result: await onePerTarget(api, caseIds.map((id) => `/cases/${id}/accept`), auth(window), connections) });
      await untilItems(server.client, caseIds, [first.id]);
      await quiet(worker);

      ctx.log(`POST /cases/:id/items/${first.id}/approve × ${cases}`);
      phases.push({
        route: `POST /cases/:id/items/:item/approve`,
        result: await onePerTarget(api, caseIds.map((id) => `/cases/${id}/items/${first.id}/approve`), auth(`officer-${first.department}`), connections),
      });
      await untilItems(server.client, caseIds, parallel.map((i) => i.id));
      await quiet(worker);

      const inboxDepartment = parallel[0]!.department;
      ctx.log(`GET /departments/${inboxDepartment}/inbox?pageSize=20 × ${inboxRequests}`);
      phases.push({
        route: `GET /departments/:d/inbox?pageSize=20`,
        result: await autocannon({ url: api.url, connections, amount: inboxRequests, requests: [{ method: 'GET', path: `/departments/${inboxDepartment}/inbox?pageSize=20`, headers: auth(`officer-${inboxDepartment}`) }] }),
      });

      // HTTP approve vs the same Update sent directly, whole cases to one side, sides alternating.
      const pool = [...caseIds];
      const ratioRounds: Array<{ round: number; httpMs: number[]; directMs: number[]; httpErrors: string[]; directErrors: string[] }> = [];
      for (let r = 0; r < rounds; r++) {
        const sample = { round: r, httpMs: [] as number[], directMs: [] as number[], httpErrors: [] as string[], directErrors: [] as string[] };
        for (const side of r % 2 === 0 ? (['http', 'direct'] as const) : (['direct', 'http'] as const)) {
          const targets = pool.splice(0, casesPerSide).flatMap((caseId) => parallel.map((item) => ({ caseId, item })));
          const run = await runPool(targets.length, connections, async (i) => {
            const { caseId, item } = targets[i]!;
            if (side === 'http') {
              const response = await fetch(`${api.url}/cases/${caseId}/items/${item.id}/approve`, { method: 'POST', headers: auth(`officer-${item.department}`), body: '{}' });
              const text = await response.text();
              if (!response.ok) throw new Error(`${response.status} ${text.slice(0, 200)}`);
            } else {
              await server.client.workflow.getHandle(itemWorkflowIdOf('engine', caseId, item.id)).executeUpdate('approveItem', {
                args: [{ actor: { department: item.department, officer: `officer-${item.department}` } }],
                updateId: randomUUID(),
              });
            }
          });
          sample[side === 'http' ? 'httpMs' : 'directMs'].push(...run.latenciesMs);
          sample[side === 'http' ? 'httpErrors' : 'directErrors'].push(...run.errors);
          await quiet(worker); // the cases the approvals complete are issued before the other side runs
        }
        ratioRounds.push(sample);
        ctx.log(`round ${r + 1}/${rounds}: approve p50 HTTP ${round(quantile(sample.httpMs, 0.5))} ms, direct ${round(quantile(sample.directMs, 0.5))} ms`);
      }
      const p50 = roundRatios(ratioRounds.map((s) => quantile(s.httpMs, 0.5)), ratioRounds.map((s) => quantile(s.directMs, 0.5)));
      const p99 = roundRatios(ratioRounds.map((s) => quantile(s.httpMs, 0.99)), ratioRounds.map((s) => quantile(s.directMs, 0.99)));

      const rows: Row[] = phases.map(({ route, result }) => ({
        route,
        requests: result.requests.total ?? result['2xx'] + result.non2xx,
        'req/s': round(((result.requests.total ?? 0) || result['2xx'] + result.non2xx) / result.duration),
        'p50 ms': result.latency.p50,
        'p99 ms': result.latency.p99,
        'max ms': result.latency.max,
        errors: result.errors + result.timeouts,
        'non-2xx': result.non2xx,
      }));
      const ratioRows: Row[] = [
        { approve: 'HTTP (p50 / p99 ms, median of rounds)', p50: round(median(ratioRounds.map((s) => quantile(s.httpMs, 0.5)))), p99: round(median(ratioRounds.map((s) => quantile(s.httpMs, 0.99)))) },
        { approve: 'direct executeUpdate', p50: round(median(ratioRounds.map((s) => quantile(s.directMs, 0.5)))), p99: round(median(ratioRounds.map((s) => quantile(s.directMs, 0.99)))) },
        { approve: 'HTTP / direct, median (min)', p50: `${round(p50.median)} (${round(p50.min)})`, p99: `${round(p99.median)} (${round(p99.min)})` },
      ];
      const errors = ratioRounds.reduce((n, s) => n + s.httpErrors.length + s.directErrors.length, 0);
      return {
        options: { cases, connections, inboxRequests, rounds, casesPerSide, approvalsPerSide: casesPerSide * parallel.length },
        summary: {
          routes: Object.fromEntries(phases.map(({ route, result }) => [route, { p50: result.latency.p50, p99: result.latency.p99, reqPerSec: ((result.requests.total ?? 0) || result['2xx']) / result.duration, errors: result.errors, non2xx: result.non2xx }])),
          approveHttpOverDirect: { p50, p99 },
        },
        tables: [
          { title: `autocannon, ${connections} connections`, rows },
          { title: `approve: HTTP vs direct executeUpdate, ${rounds} interleaved rounds of ${casesPerSide * parallel.length} approvals a side at concurrency ${connections}`, rows: ratioRows },
        ],
        targets: [{ target: 'HTTP approve / direct executeUpdate ≤ 1.10 at p50 (median of rounds)', measured: `${round(p50.median)} (min ${round(p50.min)}; p99 ${round(p99.median)})`, met: p50.median <= 1.1 }],
        samples: { autocannon: phases, approveRounds: ratioRounds },
        notes: [
          'The API runs in the benchmark\'s process (buildApp, as npm start builds it) with the rate limit lifted; the worker in its own process; one in-memory dev server.',
          'Each autocannon run sends one request per case (paths and Idempotency-Keys set per request by setupRequest); between phases the worker settles (children dispatched, clocks computed).',
          ...(errors > 0 ? [`${errors} approvals failed in the ratio rounds; see samples.approveRounds`] : []),
        ],
      };
    } finally {
      await api.close();
      await worker.stop();
      await server.stop();
    }
  },
};

/** One POST with an empty JSON body to each path, `connections` at a time. */
function onePerTarget(api: ApiStack, paths: string[], headers: Record<string, string>, connections: number): Promise<Result> {
  let next = 0;
  return autocannon({
    url: api.url,
    connections,
    amount: paths.length,
    requests: [{ method: 'POST', path: paths[0]!, headers, body: '{}', setupRequest: (request) => ({ ...request, path: paths[Math.min(next++, paths.length - 1)]! }) }],
  });
}

/** Waits until every case shows these items in review (what a department's inbox then lists). */
async function untilItems(client: Client, caseIds: string[], itemIds: string[], timeoutMs = 300_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let pending = [...caseIds];
  while (pending.length > 0) {
    const checks = await runPool(pending.length, 8, async (i) => {
      const progress = (await client.workflow.getHandle(caseWorkflowIdOf('engine', pending[i]!)).query('getProgress')) as { items: Array<{ id: string; status: string }> };
      return { caseId: pending[i]!, ready: itemIds.every((id) => progress.items.find((item) => item.id === id)?.status === 'in-review') };
    });
    pending = pending.filter((id) => !checks.results.some((c) => c.caseId === id && c.ready));
    if (pending.length === 0) return;
    if (Date.now() > deadline) throw new Error(`${pending.length} cases never had ${itemIds.join(', ')} in review`);
    await sleep(500);
  }
}
