/**
 * `npm run bench -- [name…] [--quick | --large] [--rounds N] [--out DIR]`: runs the named benchmarks (all, in
 * the order below, when none is named), each on its own fresh in-memory Temporal dev server. Each
 * writes `bench/results/<name>-<timestamp>.json` (or into DIR: machine, date, commit, options, raw samples) and
 * prints its summary table and targets. See bench/README.md.
 */
import { benchmarks } from './benchmarks';
import type { Size } from './lib/bench';
import { gitState, machine, table, writeResult, type BenchResult } from './lib/report';

interface Args {
  names: string[];
  size: Size;
  rounds?: number;
  list: boolean;
  /** Where the JSON results go; default bench/results. */
  out?: string;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { names: [], size: 'default', list: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--quick') args.size = 'quick';
    else if (arg === '--large') args.size = 'large';
    else if (arg === '--list') args.list = true;
    else if (arg === '--rounds') {
      const n = Number(argv[++i]);
      if (!Number.isInteger(n) || n < 3) throw new Error('--rounds needs a whole number of at least 3');
      args.rounds = n;
    } else if (arg === '--out') {
      const dir = argv[++i];
      if (!dir) throw new Error('--out needs a directory');
      args.out = dir;
    } else if (arg.startsWith('--')) throw new Error(`unknown option ${arg} (options: --quick, --large, --rounds N, --out DIR, --list)`);
    else args.names.push(arg);
  }
  return args;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.list) {
    for (const b of benchmarks) console.log(`${b.name.padEnd(8)} ${b.description}`);
    return;
  }
  const unknown = args.names.filter((n) => !benchmarks.some((b) => b.name === n));
  if (unknown.length > 0) throw new Error(`unknown benchmark ${unknown.join(', ')}; one of ${benchmarks.map((b) => b.name).join(', ')}`);
  const selected = args.names.length > 0 ? benchmarks.filter((b) => args.names.includes(b.name)) : benchmarks;
  const started = Date.now();
  const failed: string[] = [];
  const written: string[] = [];
  for (const benchmark of selected) {
    const startedAt = new Date();
    const host = machine();
    const log = (line: string): void => {
      process.stderr.write(`[${benchmark.name}] ${line}\n`);
    };
    log(`${benchmark.description} (${args.size}${args.rounds ? `, ${args.rounds} rounds` : ''})`);
    try {
      const output = await benchmark.run({ size: args.size, ...(args.rounds ? { rounds: args.rounds } : {}), log });
      const finishedAt = new Date();
      const result: BenchResult = {
        benchmark: benchmark.name,
        startedAt: startedAt.toISOString(),
        finishedAt: finishedAt.toISOString(),
        durationMs: finishedAt.getTime() - startedAt.getTime(),
        machine: host,
        git: gitState(),
        options: { size: args.size, ...output.options },
        summary: output.summary,
        targets: output.targets,
        samples: output.samples,
        notes: output.notes,
      };
      const path = writeResult(result, args.out);
      written.push(path);
      console.log(`\n## ${benchmark.name}: ${benchmark.description}`);
      console.log(`${host.cpuModel}, ${host.cores} cores, ${(host.memoryBytes / 2 ** 30).toFixed(1)} GiB, load ${host.loadAverage.join(' ')}; ${result.startedAt}; ${result.git.commit.slice(0, 10)}${result.git.dirty ? ' (dirty)' : ''}; ${(result.durationMs / 1000).toFixed(0)} s`);
      for (const t of output.tables) console.log(`\n${t.title}\n${table(t.rows)}`);
      if (output.targets.length > 0) {
        console.log(`\ntargets\n${table(output.targets.map((t) => ({ target: t.target, measured: t.measured, met: t.met ? 'yes' : 'NO' })))}`);
      }
      for (const note of output.notes) console.log(`- ${note}`);
      console.log(`→ ${path}`);
    } catch (err) {
      failed.push(benchmark.name);
      console.error(`[${benchmark.name}] failed: ${(err as Error).stack ?? err}`);
    }
  }
  console.log(`\n${selected.length - failed.length}/${selected.length} benchmarks ran in ${((Date.now() - started) / 1000).toFixed(0)} s${failed.length ? `; failed: ${failed.join(', ')}` : ''}`);
  if (failed.length > 0) process.exitCode = 1;
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (err) => {
    console.error((err as Error).message);
    process.exit(2);
  },
);
