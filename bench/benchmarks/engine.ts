/**
 * engine: the same bundle (enterprise-startup, 6 items, 7 Updates a case) run by the engine
 * (`caseWorkflow` with its `itemWorkflow` children) and by the hand-written baseline
 * (`bench/handwritten/`), each in its own workflow bundle and task queue, on one in-memory dev server
 * and one worker process. Rounds interleave the two (A B, then B A, …); every ratio is engine over
 * hand-written within a round, reported as min and median over rounds.
 *
 * Per side and round: cases/s at fixed concurrency, case wall time (start → result) p50/p99, worker
 * and server CPU per case. After the rounds: history events and bytes per case (case + items).
 */
import type { BenchContext, BenchOutput, Benchmark } from '../lib/bench';
import { bySize, roundsFor } from '../lib/bench';
import { applicableItems, caseWorkflowIdOf, driveCase, enterpriseApplication, enterprisePlan, itemWorkflowIdOf, type CaseKind } from '../lib/cases';
import { bundleFile } from '../lib/bundles';
import { historiesSize } from '../lib/history';
import { runPool } from '../lib/pool';
import type { Row } from '../lib/report';
import { startDevServer } from '../lib/server';
import { median, quantile, round, roundRatios } from '../lib/stats';
import { startWorkerProcess } from '../lib/workers';

const KINDS: CaseKind[] = ['engine', 'handwritten'];
const QUEUES: Record<CaseKind, string> = { engine: 'bench-engine', handwritten: 'bench-handwritten' };

interface SideRound {
  kind: CaseKind;
  round: number;
  cases: number;
  errors: string[];
  wallMs: number;
  casesPerSecond: number;
  caseWallMs: number[];
  updateMs: number[];
  workerCpuMsPerCase: number;
  serverCpuMsPerCase: number | undefined;
  caseIds: string[];
}

export const engineBenchmark: Benchmark = {
  name: 'engine',
  description: 'engine vs hand-written Temporal workflow, bundle enterprise-startup',
  async run(ctx: BenchContext): Promise<BenchOutput> {
    const rounds = roundsFor(ctx, { quick: 3, default: 5, large: 7 });
    const casesPerRound = bySize(ctx.size, { quick: 2, default: 16, large: 60 });
    const concurrency = bySize(ctx.size, { quick: 2, default: 6, large: 10 });
    const warmup = bySize(ctx.size, { quick: 0, default: 4, large: 8 });
    const plan = await enterprisePlan();
    const [engineBundle, benchBundle] = await Promise.all([bundleFile('engine'), bundleFile('bench')]);
    const server = await startDevServer();
    const worker = await startWorkerProcess({
      address: server.address,
      namespace: server.namespace,
      workers: [
        { taskQueue: QUEUES.engine, bundleFile: engineBundle },
        { taskQueue: QUEUES.handwritten, bundleFile: benchBundle },
      ],
    });
    try {
      ctx.log(`warm-up: ${warmup} cases of each`);
      for (const kind of KINDS) if (warmup > 0) await runPool(warmup, concurrency, () => driveCase(kind, server.client, QUEUES[kind], plan));

      const sides: SideRound[] = [];
      for (let round = 0; round < rounds; round++) {
        const order = round % 2 === 0 ? KINDS : [...KINDS].reverse();
        for (const kind of order) {
          const workerCpu0 = await worker.cpuSeconds();
          const serverCpu0 = server.cpuSeconds();
          const run = await runPool(casesPerRound, concurrency, () => driveCase(kind, server.client, QUEUES[kind], plan));
          const workerCpu = (await worker.cpuSeconds()) - workerCpu0;
          const serverCpu1 = server.cpuSeconds();
          const done = run.results.length;
          sides.push({
            kind,
            round,
            cases: done,
            errors: run.errors,
            wallMs: run.wallMs,
            casesPerSecond: done / (run.wallMs / 1000),
            caseWallMs: run.results.map((r) => r.wallMs),
            updateMs: run.results.flatMap((r) => r.updateMs),
            workerCpuMsPerCase: (workerCpu * 1000) / Math.max(done, 1),
            serverCpuMsPerCase: serverCpu0 !== undefined && serverCpu1 !== undefined ? ((serverCpu1 - serverCpu0) * 1000) / Math.max(done, 1) : undefined,
            caseIds: run.results.map((r) => r.caseId),
          });
          const last = sides[sides.length - 1]!;
          ctx.log(
            `round ${round + 1}/${rounds} ${kind}: ${round2(last.casesPerSecond)} cases/s, wall p50 ${round2(quantile(last.caseWallMs, 0.5))} ms, ` +
              `worker ${round2(last.workerCpuMsPerCase)} ms CPU/case${run.errors.length ? `, ${run.errors.length} errors: ${run.errors[0]}` : ''}`,
          );
        }
      }

      // History per case, from cases of the last round (identical cases write near-identical histories).
      const items = applicableItems(plan, enterpriseApplication().form);
      const history: Record<CaseKind, Array<{ caseId: string; events: number; bytes: number; caseEvents: number; caseBytes: number }>> = { engine: [], handwritten: [] };
      for (const kind of KINDS) {
        const lastRound = sides.filter((s) => s.kind === kind).at(-1)!;
        for (const caseId of lastRound.caseIds.slice(0, ctx.size === 'quick' ? 1 : 3)) {
          const caseWf = caseWorkflowIdOf(kind, caseId);
          const size = await historiesSize(server.client, [caseWf, ...items.map((i) => itemWorkflowIdOf(kind, caseId, i.id))]);
          history[kind].push({ caseId, events: size.events, bytes: size.bytes, caseEvents: size.byWorkflow[caseWf]!.events, caseBytes: size.byWorkflow[caseWf]!.bytes });
        }
      }

      const per = (kind: CaseKind, f: (s: SideRound) => number): number[] => sides.filter((s) => s.kind === kind).map(f);
      const metrics: Array<{ name: string; unit: string; of: (s: SideRound) => number; better: 'higher' | 'lower' }> = [
        { name: 'cases/s', unit: '', of: (s) => s.casesPerSecond, better: 'higher' },
        { name: 'case wall p50', unit: 'ms', of: (s) => quantile(s.caseWallMs, 0.5), better: 'lower' },
        { name: 'case wall p99', unit: 'ms', of: (s) => quantile(s.caseWallMs, 0.99), better: 'lower' },
        { name: 'Update p50', unit: 'ms', of: (s) => quantile(s.updateMs, 0.5), better: 'lower' },
        { name: 'worker CPU/case', unit: 'ms', of: (s) => s.workerCpuMsPerCase, better: 'lower' },
        { name: 'server CPU/case', unit: 'ms', of: (s) => s.serverCpuMsPerCase ?? Number.NaN, better: 'lower' },
      ];
      const rows: Row[] = metrics.map((m) => {
        const engine = per('engine', m.of);
        const hand = per('handwritten', m.of);
        const ratio = roundRatios(engine, hand);
        return {
          metric: m.unit ? `${m.name} (${m.unit})` : m.name,
          'engine (median)': round(median(engine)),
          'hand-written (median)': round(median(hand)),
          'ratio median': round(ratio.median),
          'ratio min': round(ratio.min),
          'ratio max': round(ratio.max),
        };
      });
      const avg = (values: number[]): number => values.reduce((a, b) => a + b, 0) / Math.max(values.length, 1);
      const hist = (kind: CaseKind) => ({
        events: avg(history[kind].map((h) => h.events)),
        kib: avg(history[kind].map((h) => h.bytes)) / 1024,
        caseEvents: avg(history[kind].map((h) => h.caseEvents)),
        caseKib: avg(history[kind].map((h) => h.caseBytes)) / 1024,
      });
      const he = hist('engine');
      const hh = hist('handwritten');
      rows.push(
        { metric: 'history events/case', 'engine (median)': round(he.events), 'hand-written (median)': round(hh.events), 'ratio median': round(he.events / hh.events) },
        { metric: 'history KiB/case', 'engine (median)': round(he.kib), 'hand-written (median)': round(hh.kib), 'ratio median': round(he.kib / hh.kib) },
        { metric: '  of which case workflow, events', 'engine (median)': round(he.caseEvents), 'hand-written (median)': round(hh.caseEvents), 'ratio median': round(he.caseEvents / hh.caseEvents) },
        { metric: '  of which case workflow, KiB', 'engine (median)': round(he.caseKib), 'hand-written (median)': round(hh.caseKib), 'ratio median': round(he.caseKib / hh.caseKib) },
      );

      const throughput = roundRatios(per('engine', metrics[0]!.of), per('handwritten', metrics[0]!.of));
      const wall = roundRatios(per('engine', metrics[1]!.of), per('handwritten', metrics[1]!.of));
      const errors = sides.reduce((n, s) => n + s.errors.length, 0);
      return {
        options: { rounds, casesPerRound, concurrency, warmup, bundle: plan.bundleId, items: items.length, updatesPerCase: items.length + 1 },
        summary: {
          casesPerSecondRatio: throughput,
          caseWallP50Ratio: wall,
          history: { engine: he, handwritten: hh },
          errors,
        },
        tables: [{ title: `engine / hand-written, ${rounds} interleaved rounds of ${casesPerRound} cases at concurrency ${concurrency}`, rows }],
        targets: [
          { target: 'engine/hand-written cases/s ≥ 0.90 (median of rounds)', measured: `${round(throughput.median)} (min ${round(throughput.min)})`, met: throughput.median >= 0.9 },
          { target: 'engine/hand-written case wall p50 ≤ 1.10 (median of rounds)', measured: `${round(wall.median)} (min ${round(wall.min)})`, met: wall.median <= 1.1 },
        ],
        samples: {
          rounds: sides.map(({ caseIds: _ids, ...s }) => s),
          history,
        },
        notes: [
          'Both sides are driven by the same client code (bench/lib/cases.ts): start as POST /cases starts a case, accept Update, then each item approved by Update as soon as its workflow exists (polled every 20 ms), in dependency order.',
          'Worker CPU is the worker process\'s (it hosts both workers; only one side runs at a time); server CPU is the dev server process\'s, from /proc.',
          ...(errors > 0 ? [`${errors} cases failed; see samples.rounds[].errors`] : []),
        ],
      };
    } finally {
      await worker.stop();
      await server.stop();
    }
  },
};

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
