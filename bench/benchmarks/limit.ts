/**
 * limit: what Temporal itself allows on this machine, the floor under every engine number. On one
 * in-memory dev server and one worker process (the benchmarks' own bundle): an empty workflow from
 * start to completion (`execute`), and one Update round trip (`executeUpdate`) to running workflows
 * that answer it at once; each at fixed concurrency, the two interleaved over rounds.
 */
import type { WorkflowHandle } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import type { BenchContext, BenchOutput, Benchmark } from '../lib/bench';
import { bySize, roundsFor } from '../lib/bench';
import { bundleFile } from '../lib/bundles';
import { runPool } from '../lib/pool';
import type { Row } from '../lib/report';
import { startDevServer } from '../lib/server';
import { median, min, quantile, round } from '../lib/stats';
import { startWorkerProcess } from '../lib/workers';

const QUEUE = 'bench-limit';
type Kind = 'workflow' | 'update';

interface RoundSample {
  kind: Kind;
  round: number;
  count: number;
  errors: string[];
  perSecond: number;
  latencyMs: number[];
  workerCpuMsPer: number;
  serverCpuMsPer: number | undefined;
}

export const limitBenchmark: Benchmark = {
  name: 'limit',
  description: 'Temporal floor: empty workflow start→complete and one Update round trip',
  async run(ctx: BenchContext): Promise<BenchOutput> {
    const rounds = roundsFor(ctx, { quick: 3, default: 3, large: 5 });
    const count = bySize(ctx.size, { quick: 12, default: 300, large: 2_000 });
    const concurrency = bySize(ctx.size, { quick: 4, default: 10, large: 20 });
    const server = await startDevServer();
    const worker = await startWorkerProcess({ address: server.address, namespace: server.namespace, workers: [{ taskQueue: QUEUE, bundleFile: await bundleFile('bench') }] });
    const targets: WorkflowHandle[] = [];
    try {
      for (let i = 0; i < concurrency; i++) {
        targets.push(await server.client.workflow.start('echoWorkflow', { taskQueue: QUEUE, workflowId: `echo-${randomUUID()}` }));
      }
      const ops: Record<Kind, (i: number) => Promise<unknown>> = {
        workflow: () => server.client.workflow.execute('emptyWorkflow', { taskQueue: QUEUE, workflowId: `empty-${randomUUID()}` }),
        update: (i) => targets[i % targets.length]!.executeUpdate('echo', { args: [i] }),
      };
      // Warm-up: the worker's code paths, the server's caches.
      for (const kind of ['workflow', 'update'] as Kind[]) await runPool(Math.min(count, 20), concurrency, ops[kind]);

      const samples: RoundSample[] = [];
      for (let r = 0; r < rounds; r++) {
        const order: Kind[] = r % 2 === 0 ? ['workflow', 'update'] : ['update', 'workflow'];
        for (const kind of order) {
          const w0 = await worker.cpuSeconds();
          const s0 = server.cpuSeconds();
          const run = await runPool(count, concurrency, ops[kind]);
          const w1 = await worker.cpuSeconds();
          const s1 = server.cpuSeconds();
          const done = run.latenciesMs.length;
          samples.push({
            kind,
            round: r,
            count: done,
            errors: run.errors,
            perSecond: done / (run.wallMs / 1000),
            latencyMs: run.latenciesMs,
            workerCpuMsPer: ((w1 - w0) * 1000) / Math.max(done, 1),
            serverCpuMsPer: s0 !== undefined && s1 !== undefined ? ((s1 - s0) * 1000) / Math.max(done, 1) : undefined,
          });
          ctx.log(`round ${r + 1}/${rounds} ${kind}: ${round(samples.at(-1)!.perSecond)}/s, p50 ${round(quantile(run.latenciesMs, 0.5))} ms`);
        }
      }
      for (const t of targets) await t.executeUpdate('stop').catch(() => undefined);

      const of = (kind: Kind, f: (s: RoundSample) => number): number[] => samples.filter((s) => s.kind === kind).map(f);
      const rows: Row[] = (['workflow', 'update'] as Kind[]).map((kind) => ({
        operation: kind === 'workflow' ? 'empty workflow start→complete' : 'Update round trip',
        'per s (median)': round(median(of(kind, (s) => s.perSecond))),
        'per s (min)': round(min(of(kind, (s) => s.perSecond))),
        'p50 ms (median)': round(median(of(kind, (s) => quantile(s.latencyMs, 0.5)))),
        'p99 ms (median)': round(median(of(kind, (s) => quantile(s.latencyMs, 0.99)))),
        'worker CPU ms each': round(median(of(kind, (s) => s.workerCpuMsPer))),
        'server CPU ms each': round(median(of(kind, (s) => s.serverCpuMsPer ?? Number.NaN))),
        errors: samples.filter((s) => s.kind === kind).reduce((n, s) => n + s.errors.length, 0),
      }));
      return {
        options: { rounds, count, concurrency },
        summary: {
          workflowsPerSecond: median(of('workflow', (s) => s.perSecond)),
          workflowP50Ms: median(of('workflow', (s) => quantile(s.latencyMs, 0.5))),
          updatesPerSecond: median(of('update', (s) => s.perSecond)),
          updateP50Ms: median(of('update', (s) => quantile(s.latencyMs, 0.5))),
        },
        tables: [{ title: `${rounds} interleaved rounds of ${count} at concurrency ${concurrency} (median over rounds)`, rows }],
        targets: [],
        samples: { rounds: samples },
        notes: ['No target: this is the floor the engine and the hand-written baseline stand on.'],
      };
    } finally {
      await worker.stop();
      await server.stop();
    }
  },
};
