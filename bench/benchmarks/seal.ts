/**
 * seal: what one seal costs (issue 8), by `bench/seal-verify.ts` in its own process, its JSON result
 * carried into this runner's format: CPU ms per operation in interleaved rounds, and the ≤ 2 ms target
 * per verification.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { BenchContext, BenchOutput, Benchmark } from '../lib/bench';
import { bySize, roundsFor } from '../lib/bench';
import { median, min, round } from '../lib/stats';

const SCRIPT = fileURLToPath(new URL('../seal-verify.ts', import.meta.url));

export const sealBenchmark: Benchmark = {
  name: 'seal',
  description: 'seal verification and sealing, CPU per operation (bench/seal-verify.ts)',
  async run(ctx: BenchContext): Promise<BenchOutput> {
    const rounds = roundsFor(ctx, { quick: 3, default: 15, large: 30 });
    const batch = bySize(ctx.size, { quick: 5, default: 40, large: 80 });
    const dir = await mkdtemp(join(tmpdir(), 'yjs-bench-seal-'));
    try {
      const json = join(dir, 'seal.json');
      await promisify(execFile)(process.execPath, ['--import', 'tsx', SCRIPT, '--rounds', String(rounds), '--batch', String(batch), '--json', json], { maxBuffer: 4 * 1024 * 1024 });
      const result = JSON.parse(await readFile(json, 'utf8')) as { targetMs: number; samples: Record<string, number[]> };
      const floor = median(result.samples['openssl-verify'] ?? []);
      const rows = Object.entries(result.samples).map(([operation, values]) => ({
        operation,
        'CPU ms min': round(min(values)),
        'CPU ms median': round(median(values)),
        '× openssl-verify': round(median(values) / floor),
      }));
      const targets = ['verifySeal', 'verifySealed'].map((name) => {
        const ms = median(result.samples[name] ?? []);
        return { target: `${name} ≤ ${result.targetMs} ms CPU (median)`, measured: `${round(ms)} ms`, met: ms <= result.targetMs };
      });
      ctx.log(`verifySealed ${round(median(result.samples.verifySealed ?? []))} ms`);
      return {
        options: { rounds, batch },
        summary: Object.fromEntries(Object.entries(result.samples).map(([name, values]) => [name, { min: min(values), median: median(values) }])),
        tables: [{ title: `CPU ms per operation, ${rounds} interleaved rounds of ${batch}`, rows }],
        targets,
        samples: result.samples,
        notes: ['openssl-verify is node:crypto\'s SM2 verification of a message of the same size: the floor the others are compared with.'],
      };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
};
