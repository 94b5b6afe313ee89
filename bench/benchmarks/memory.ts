/**
 * memory: the worker's resident memory (RSS of its own process) against open cases, and what the
 * workflow cache that bounds it costs in latency.
 *
 * 1. per open case, all cached: a worker whose cache holds everything (no heap limit); N accepted cases (the case
 *    and its first item in review, both waiting) of the engine, then of the hand-written baseline,
 *    each in a fresh worker process: RSS after a full GC over the warm baseline, per case.
 * 2. bounded, as configured: a worker with the product's configuration (`runtime/worker.ts`: the cache,
 *    YJS_MAX_CACHED_WORKFLOWS, and the workflow heap limit, YJS_WORKFLOW_HEAP_MB, or their defaults)
 *    and 1,000 / 5,000 / 10,000 open cases (submitted,
 *    waiting for the window: one workflow each, the cheapest to create); RSS at each.
 * 3. eviction cost: a worker with a small cache and more open (submitted) cases than it holds; the
 *    window's accept Update to a case evicted long ago (replayed on wake) against one to a case just
 *    created (cached), alternated, over interleaved rounds.
 */
import type { Client } from '@temporalio/client';
import type { ExecutionPlan } from '../../definitions/plan';
import { DEFAULT_MAX_CACHED_WORKFLOWS, DEFAULT_WORKFLOW_HEAP_MB, workerCacheConfig } from '../../runtime/worker';
import type { BenchContext, BenchOutput, Benchmark } from '../lib/bench';
import { bySize, roundsFor } from '../lib/bench';
import { bundleFile } from '../lib/bundles';
import { acceptCase, enterprisePlan, newCaseId, startCase, type CaseKind } from '../lib/cases';
import { runPool } from '../lib/pool';
import { MiB, type Row } from '../lib/report';
import { startDevServer, type DevServer } from '../lib/server';
import { median, quantile, round, roundRatios } from '../lib/stats';
import { quiet, startWorkerProcess, type WorkerProcess } from '../lib/workers';
import { processPeakRssBytes } from '../lib/proc';

const GiB = 1024 * MiB;
const CREATE_CONCURRENCY = 16;

export const memoryBenchmark: Benchmark = {
  name: 'memory',
  description: 'worker RSS against open cases; the cache bound and the latency of evicted cases',
  async run(ctx: BenchContext): Promise<BenchOutput> {
    const perCaseN = bySize(ctx.size, { quick: 5, default: 100, large: 500 });
    const checkpoints = bySize(ctx.size, { quick: [20, 60], default: [1_000, 5_000, 10_000], large: [1_000, 5_000, 10_000, 20_000] });
    const evictCache = bySize(ctx.size, { quick: 10, default: 100, large: 200 });
    const evictCases = bySize(ctx.size, { quick: 30, default: 300, large: 600 });
    const rounds = roundsFor(ctx, { quick: 3, default: 3, large: 5 });
    const pairsPerRound = bySize(ctx.size, { quick: 1, default: 5, large: 6 });
    const configured = workerCacheConfig();
    const plan = await enterprisePlan();
    const bundles = { engine: await bundleFile('engine'), handwritten: await bundleFile('bench') };
    // One server for every phase (each has its own worker process and task queue): the worker's memory is measured, not the server's.
    const server = await startDevServer();
    try {
      const tables: BenchOutput['tables'] = [];
      const notes: string[] = [];
      const samples: Record<string, unknown> = {};

      // 1. Per open case, everything cached.
      const perCase: Record<CaseKind, { baseMiB: number; rssMiB: number; cached: number; perCaseMiB: number; perWorkflowMiB: number; createSeconds: number }> = {} as never;
      for (const kind of ['engine', 'handwritten'] as CaseKind[]) {
        // No heap limit here: everything must stay cached, whatever it weighs.
        await withStack(server, bundles[kind], kind, { maxCachedWorkflows: perCaseN * 3 + 50, env: { YJS_WORKFLOW_HEAP_MB: '0' } }, async (server, worker, queue) => {
          await createOpenCases(server.client, kind, queue, plan, 3, true);
          await quiet(worker);
          const base = await worker.statsAfterGc();
          const t0 = performance.now();
          await createOpenCases(server.client, kind, queue, plan, perCaseN, true);
          const after = await quiet(worker);
          const createSeconds = (performance.now() - t0) / 1000;
          const stats = await worker.statsAfterGc();
          const cached = stats.workers[0]!.cachedWorkflows - base.workers[0]!.cachedWorkflows;
          perCase[kind] = {
            baseMiB: base.rssBytes / MiB,
            rssMiB: stats.rssBytes / MiB,
            cached: after.workers[0]!.cachedWorkflows,
            perCaseMiB: (stats.rssBytes - base.rssBytes) / MiB / perCaseN,
            perWorkflowMiB: (stats.rssBytes - base.rssBytes) / MiB / Math.max(cached, 1),
            createSeconds,
          };
          ctx.log(`${kind}: ${perCaseN} open accepted cases, ${round(perCase[kind].perCaseMiB)} MiB RSS each (${perCase[kind].cached} cached workflows)`);
        });
      }
      samples.perOpenCase = perCase;
      tables.push({
        title: `per open case, all cached (${perCaseN} accepted cases: the case and its first item waiting), RSS after GC`,
        rows: (['engine', 'handwritten'] as CaseKind[]).map((kind): Row => ({
          side: kind,
          'base MiB': round(perCase[kind].baseMiB),
          'with cases MiB': round(perCase[kind].rssMiB),
          'cached workflows': perCase[kind].cached,
          'MiB per open case': round(perCase[kind].perCaseMiB),
          'MiB per cached workflow': round(perCase[kind].perWorkflowMiB),
        })).concat([{ side: 'engine / hand-written', 'MiB per open case': round(perCase.engine.perCaseMiB / perCase.handwritten.perCaseMiB) }]),
      });

      // 2. Bounded by the configured cache.
      const bounded: Array<{ openCases: number; rssMiB: number; rssAfterGcMiB: number; peakMiB: number | undefined; cached: number; serverRssMiB: number | undefined; createSeconds: number }> = [];
      await withStack(server, bundles.engine, 'engine', {}, async (server, worker, queue) => {
        await createOpenCases(server.client, 'engine', queue, plan, 3, false);
        await quiet(worker);
        const base = await worker.statsAfterGc();
        bounded.push({ openCases: 0, rssMiB: base.rssBytes / MiB, rssAfterGcMiB: base.rssBytes / MiB, peakMiB: peak(worker), cached: base.workers[0]!.cachedWorkflows, serverRssMiB: mib(server.rssBytes()), createSeconds: 0 });
        let open = 0;
        for (const target of checkpoints) {
          const t0 = performance.now();
          await createOpenCases(server.client, 'engine', queue, plan, target - open, false);
          const settled = await quiet(worker);
          open = target;
          const gc = await worker.statsAfterGc();
          bounded.push({
            openCases: target,
            rssMiB: settled.rssBytes / MiB,
            rssAfterGcMiB: gc.rssBytes / MiB,
            peakMiB: peak(worker),
            cached: gc.workers[0]!.cachedWorkflows,
            serverRssMiB: mib(server.rssBytes()),
            createSeconds: (performance.now() - t0) / 1000,
          });
          ctx.log(`bounded: ${target} open cases, worker RSS ${round(settled.rssBytes / MiB)} MiB (${gc.workers[0]!.cachedWorkflows} cached)`);
        }
      });
      samples.bounded = bounded;
      const baseRss = bounded[0]!.rssAfterGcMiB;
      tables.push({
        title:
          `bounded: worker cache ${configured.maxCachedWorkflows} workflows (YJS_MAX_CACHED_WORKFLOWS${process.env.YJS_MAX_CACHED_WORKFLOWS ? ` = ${process.env.YJS_MAX_CACHED_WORKFLOWS}` : `, default ${DEFAULT_MAX_CACHED_WORKFLOWS}`}), ` +
          `workflow heap ${configured.workflowHeapMb} MiB (YJS_WORKFLOW_HEAP_MB${process.env.YJS_WORKFLOW_HEAP_MB ? ` = ${process.env.YJS_WORKFLOW_HEAP_MB}` : `, default ${DEFAULT_WORKFLOW_HEAP_MB}`}); open cases submitted`,
        rows: bounded.map((b) => ({
          'open cases': b.openCases,
          'worker RSS MiB': round(b.rssMiB),
          'after GC MiB': round(b.rssAfterGcMiB),
          'peak MiB': b.peakMiB === undefined ? undefined : round(b.peakMiB),
          'MiB per open case': b.openCases ? round((b.rssAfterGcMiB - baseRss) / b.openCases) : undefined,
          'cached workflows': b.cached,
          'server RSS MiB': b.serverRssMiB === undefined ? undefined : round(b.serverRssMiB),
          'created in s': round(b.createSeconds),
        })),
      });
      const largest = bounded[bounded.length - 1]!;
      // What the configuration allows at most: the warm worker, plus the workflow cache filled with the
      // heaviest workflows measured in 1, or the workflow heap limit if that is lower (0: no limit).
      const cacheMiB = configured.maxCachedWorkflows * Math.max(perCase.engine.perWorkflowMiB, perCase.handwritten.perWorkflowMiB);
      const projectedMiB = baseRss + (configured.workflowHeapMb > 0 ? Math.min(cacheMiB, configured.workflowHeapMb) : cacheMiB);

      // 3. What an evicted case costs on its next Update.
      const evictSamples: Array<{ round: number; evictedMs: number[]; cachedMs: number[] }> = [];
      await withStack(server, bundles.engine, 'engine', { maxCachedWorkflows: evictCache }, async (server, worker, queue) => {
        const ids = await createOpenCases(server.client, 'engine', queue, plan, evictCases, false);
        await quiet(worker);
        let oldest = 0;
        let newest = ids.length - 1;
        for (let r = 0; r < rounds; r++) {
          const evictedMs: number[] = [];
          const cachedMs: number[] = [];
          for (let p = 0; p < pairsPerRound; p++) {
            const order: Array<'evicted' | 'cached'> = (r + p) % 2 === 0 ? ['evicted', 'cached'] : ['cached', 'evicted'];
            for (const which of order) {
              const caseId = which === 'evicted' ? ids[oldest++]! : ids[newest--]!;
              const t0 = performance.now();
              await acceptCase('engine', server.client, plan, caseId);
              (which === 'evicted' ? evictedMs : cachedMs).push(performance.now() - t0);
              await quiet(worker); // the dispatch the acceptance starts, settled before the next sample
            }
          }
          evictSamples.push({ round: r, evictedMs, cachedMs });
        }
      });
      samples.eviction = evictSamples;
      const evictRatio = roundRatios(evictSamples.map((s) => median(s.evictedMs)), evictSamples.map((s) => median(s.cachedMs)));
      const allEvicted = evictSamples.flatMap((s) => s.evictedMs);
      const allCached = evictSamples.flatMap((s) => s.cachedMs);
      tables.push({
        title: `eviction: accept Update to an evicted case vs a cached one (cache ${evictCache}, ${evictCases} open cases, ${rounds} rounds of ${pairsPerRound} pairs)`,
        rows: [
          { case: 'cached', 'p50 ms': round(quantile(allCached, 0.5)), 'p95 ms': round(quantile(allCached, 0.95)), 'max ms': round(Math.max(...allCached)) },
          { case: 'evicted (replayed)', 'p50 ms': round(quantile(allEvicted, 0.5)), 'p95 ms': round(quantile(allEvicted, 0.95)), 'max ms': round(Math.max(...allEvicted)) },
          { case: 'evicted / cached (p50 per round)', 'p50 ms': `median ${round(evictRatio.median)}, min ${round(evictRatio.min)}` },
        ],
      });

      notes.push(
        'RSS is the worker process\'s own (bench/lib/worker-host.ts: the project\'s worker, activities over in-memory stores, the workflow bundle pre-built, so webpack\'s memory is not in it; a worker that bundles at start, like runtime/worker-main.ts, starts higher).',
        'Workflows run in a worker thread: V8 heap figures of the main thread do not show them; RSS does.',
      'The eviction probe accepts submitted cases (a history of a few events): it measures mostly rebuilding the workflow; longer histories replay longer.',
        'Evicted workflows are garbage that V8 collects lazily: without the workflow heap limit (YJS_WORKFLOW_HEAP_MB=0) RSS keeps growing with evictions long after the cache is full.',
        `Ceiling of the configuration: ${round(projectedMiB)} MiB (warm base + ${configured.maxCachedWorkflows} cached workflows at the heaviest measured cost each, or the ${configured.workflowHeapMb} MiB workflow heap if lower).`,
      );
      const worst = Math.max(largest.rssMiB, largest.peakMiB ?? 0);
      return {
        options: { perCaseN, checkpoints, maxCachedWorkflows: configured.maxCachedWorkflows, workflowHeapMb: configured.workflowHeapMb, stickyQueueScheduleToStartTimeoutMs: configured.stickyQueueScheduleToStartTimeoutMs, evictCache, evictCases, rounds, pairsPerRound, createConcurrency: CREATE_CONCURRENCY },
        summary: {
          perOpenCaseMiB: { engine: perCase.engine.perCaseMiB, handwritten: perCase.handwritten.perCaseMiB, ratio: perCase.engine.perCaseMiB / perCase.handwritten.perCaseMiB },
          bounded: { openCases: largest.openCases, rssMiB: largest.rssMiB, peakMiB: largest.peakMiB, projectedMiB },
          eviction: { evictedP50Ms: quantile(allEvicted, 0.5), cachedP50Ms: quantile(allCached, 0.5), ratio: evictRatio },
        },
        tables,
        targets: [
          {
            target: `worker RSS < 1 GiB with ${largest.openCases.toLocaleString('en')} open cases (peak)`,
            measured: `${round(worst)} MiB (ceiling of the configuration ${round(projectedMiB)} MiB)`,
            met: worst < GiB / MiB && projectedMiB < GiB / MiB,
          },
        ],
        samples,
        notes,
      };
    } finally {
      await server.stop();
    }
  },
};

let phase = 0;

/** A fresh worker process, on a task queue of its own, for one phase. */
async function withStack(
  server: DevServer,
  bundle: string,
  kind: CaseKind,
  options: { maxCachedWorkflows?: number; env?: Record<string, string> },
  body: (server: DevServer, worker: WorkerProcess, queue: string) => Promise<void>,
): Promise<void> {
  const queue = `bench-memory-${kind}-${++phase}`;
  const { env, ...cache } = options;
  const worker = await startWorkerProcess({ address: server.address, namespace: server.namespace, workers: [{ taskQueue: queue, bundleFile: bundle }], ...cache }, env);
  try {
    await body(server, worker, queue);
  } finally {
    await worker.stop();
  }
}

/** Starts `count` cases (and accepts them, when `accept`), CREATE_CONCURRENCY at a time; their ids in creation order. */
async function createOpenCases(client: Client, kind: CaseKind, queue: string, plan: ExecutionPlan, count: number, accept: boolean): Promise<string[]> {
  const ids = Array.from({ length: count }, () => newCaseId());
  const run = await runPool(count, CREATE_CONCURRENCY, async (i) => {
    await startCase(kind, client, queue, plan, ids[i]!);
    if (accept) await acceptCase(kind, client, plan, ids[i]!);
  });
  if (run.errors.length > 0) throw new Error(`${run.errors.length} of ${count} cases could not be opened: ${run.errors[0]}`);
  return ids;
}

function peak(worker: WorkerProcess): number | undefined {
  return mib(processPeakRssBytes(worker.pid));
}

function mib(bytes: number | undefined): number | undefined {
  return bytes === undefined ? undefined : bytes / MiB;
}
