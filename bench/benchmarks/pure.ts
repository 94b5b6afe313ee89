/**
 * pure: the designer-side work that runs without Temporal. Lint + compile (schema parse with the item
 * limit lifted, then `compile`: the semantic lint and the plan) at 1,000 and 5,000 items, and the
 * form merge (`mergeForm`) at 500 and 2,000 fields; sizes interleaved over rounds, growth ratios per
 * round. The 200-item bundle at the schema's limit goes through `lint` + `parseAndCompile` as a
 * published definition does.
 */
import { compile, parseAndCompile } from '../../definitions/compile';
import { lint } from '../../definitions/lint';
import { mergeForm } from '../../forms/merge';
import type { BenchContext, BenchOutput, Benchmark } from '../lib/bench';
import { bySize, roundsFor } from '../lib/bench';
import { fieldsDefinition, itemsDefinition, UnlimitedDefinition } from '../lib/definitions';
import type { Row } from '../lib/report';
import { growthExponent, median, min, round, roundRatios } from '../lib/stats';

/** A workload run in a batch: ms of wall time and of CPU time per run. */
interface Timing {
  wallMs: number;
  cpuMs: number;
}

function time(run: () => unknown, minMs: number): Timing {
  run(); // warm: JIT and caches, outside the sample
  let n = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  do {
    run();
    n++;
  } while (performance.now() - t0 < minMs);
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { wallMs: wall / n, cpuMs: (cpu.user + cpu.system) / 1000 / n };
}

interface Workload {
  group: 'lint+compile' | 'form merge';
  size: number;
  unit: string;
  run: () => unknown;
}

export const pureBenchmark: Benchmark = {
  name: 'pure',
  description: 'lint+compile at 1,000/5,000 items, form merge at 500/2,000 fields',
  async run(ctx: BenchContext): Promise<BenchOutput> {
    const rounds = roundsFor(ctx, { quick: 3, default: 7, large: 11 });
    const minMs = bySize(ctx.size, { quick: 30, default: 400, large: 1_000 });
    const [small, large] = [1_000, 5_000];
    const [fewFields, manyFields] = [500, 2_000];
    const itemInputs = { [small]: itemsDefinition(small), [large]: itemsDefinition(large) } as Record<number, unknown>;
    const plans = {
      [fewFields]: compile(UnlimitedDefinition.parse(fieldsDefinition(fewFields))),
      [manyFields]: compile(UnlimitedDefinition.parse(fieldsDefinition(manyFields))),
    } as Record<number, ReturnType<typeof compile>>;
    const atLimit = itemsDefinition(200);
    const atLimitLint = lint(atLimit);
    if (!atLimitLint.ok) throw new Error(`the 200-item definition does not lint: ${JSON.stringify(atLimitLint.issues.slice(0, 3))}`);

    const workloads: Workload[] = [
      { group: 'lint+compile', size: small, unit: 'items', run: () => compile(UnlimitedDefinition.parse(itemInputs[small])) },
      { group: 'lint+compile', size: large, unit: 'items', run: () => compile(UnlimitedDefinition.parse(itemInputs[large])) },
      { group: 'form merge', size: fewFields, unit: 'fields', run: () => mergeForm(plans[fewFields]!) },
      { group: 'form merge', size: manyFields, unit: 'fields', run: () => mergeForm(plans[manyFields]!) },
    ];
    const reference = { group: 'lint+compile (published path: lint + parseAndCompile)', size: 200, unit: 'items', run: () => parseAndCompile(atLimit) };

    // One unrecorded pass first, so that no workload's first round pays for the JIT.
    for (const w of [...workloads, reference]) time(w.run, minMs / 2);
    const samples: Array<{ round: number; group: string; size: number; wallMs: number; cpuMs: number }> = [];
    for (let r = 0; r < rounds; r++) {
      const order = r % 2 === 0 ? workloads : [...workloads].reverse();
      for (const w of order) samples.push({ round: r, group: w.group, size: w.size, ...time(w.run, minMs) });
      samples.push({ round: r, group: reference.group, size: reference.size, ...time(reference.run, minMs) });
      ctx.log(`round ${r + 1}/${rounds} done`);
    }

    const series = (group: string, size: number, key: 'wallMs' | 'cpuMs'): number[] => samples.filter((s) => s.group === group && s.size === size).map((s) => s[key]);
    const rows: Row[] = [...workloads, reference].map((w) => ({
      workload: `${w.group}, ${w.size.toLocaleString('en')} ${w.unit}`,
      'wall ms (median)': round(median(series(w.group, w.size, 'wallMs'))),
      'wall ms (min)': round(min(series(w.group, w.size, 'wallMs'))),
      'CPU ms (median)': round(median(series(w.group, w.size, 'cpuMs'))),
    }));
    const growth = (group: Workload['group'], a: number, b: number) => {
      const ratio = roundRatios(series(group, b, 'wallMs'), series(group, a, 'wallMs'));
      return { sizeRatio: b / a, ratio, exponent: growthExponent(a, 1, b, ratio.median), exponentMin: growthExponent(a, 1, b, ratio.min) };
    };
    const compileGrowth = growth('lint+compile', small, large);
    const mergeGrowth = growth('form merge', fewFields, manyFields);
    const growthRows: Row[] = [
      { workload: `lint+compile ${large}/${small} items (×${compileGrowth.sizeRatio})`, 'time ratio median': round(compileGrowth.ratio.median), 'time ratio min': round(compileGrowth.ratio.min), 'exponent k (time ∝ n^k)': round(compileGrowth.exponent) },
      { workload: `form merge ${manyFields}/${fewFields} fields (×${mergeGrowth.sizeRatio})`, 'time ratio median': round(mergeGrowth.ratio.median), 'time ratio min': round(mergeGrowth.ratio.min), 'exponent k (time ∝ n^k)': round(mergeGrowth.exponent) },
    ];
    const compileSmall = median(series('lint+compile', small, 'wallMs'));
    const LINEAR = 1.15;
    return {
      options: { rounds, minBatchMs: minMs, sizes: { items: [small, large], fields: [fewFields, manyFields] } },
      summary: { lintCompile1000Ms: compileSmall, lintCompileGrowth: compileGrowth, formMergeGrowth: mergeGrowth },
      tables: [
        { title: `time per run, ${rounds} interleaved rounds (each a batch of at least ${minMs} ms)`, rows },
        { title: 'growth (per-round ratio of the larger size to the smaller)', rows: growthRows },
      ],
      targets: [
        { target: 'lint+compile of 1,000 items < 50 ms (median wall)', measured: `${round(compileSmall)} ms`, met: compileSmall < 50 },
        { target: `lint+compile linear (k ≤ ${LINEAR})`, measured: `k = ${round(compileGrowth.exponent)} (×${round(compileGrowth.ratio.median)} for ×5 items)`, met: compileGrowth.exponent <= LINEAR },
        { target: `form merge linear (k ≤ ${LINEAR})`, measured: `k = ${round(mergeGrowth.exponent)} (×${round(mergeGrowth.ratio.median)} for ×4 fields)`, met: mergeGrowth.exponent <= LINEAR },
      ],
      samples: { runs: samples },
      notes: [
        'Definitions from bench/lib/definitions.ts: items in 100 levels, two dependencies each; forms of 20 items over the fields, a tenth of them conditional.',
        `"Linear" here: the growth exponent k = log(time ratio) / log(size ratio) of the median round is at most ${LINEAR}.`,
      ],
    };
  },
};
