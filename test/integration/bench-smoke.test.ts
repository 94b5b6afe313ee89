/**
 * The benchmark harness still runs (bench/README.md): `pure` and `engine` at `--quick`, each writing its
 * JSON result. No timing is asserted; the figures of a smoke run mean nothing. The other benchmarks
 * take about a minute more at `--quick` (`npm run bench -- --quick`).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('npm run bench -- pure engine --quick', () => {
  let out: string | undefined;
  afterAll(async () => {
    if (out) await rm(out, { recursive: true, force: true });
  });

  it('writes a result with machine, commit, options, targets and raw samples for each benchmark', async () => {
    out = await mkdtemp(join(tmpdir(), 'yjs-bench-smoke-'));
    const { stdout } = await run(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'bench', 'run.ts'), 'pure', 'engine', '--quick', '--out', out], {
      cwd: PROJECT_ROOT,
      maxBuffer: 16 * 1024 * 1024,
    });
    expect(stdout).toContain('2/2 benchmarks ran');
    const files = (await readdir(out)).sort();
    expect(files).toHaveLength(2);
    for (const [file, name] of [
      [files[0]!, 'engine'],
      [files[1]!, 'pure'],
    ] as const) {
      expect(file).toMatch(new RegExp(`^${name}-\\d{4}-\\d\\d-\\d\\dT.*\\.json$`));
      const result = JSON.parse(await readFile(join(out, file), 'utf8'));
      expect(result).toMatchObject({ benchmark: name, options: { size: 'quick' }, git: { commit: expect.any(String) } });
      expect(result.machine).toMatchObject({ cpuModel: expect.any(String), cores: expect.any(Number), memoryBytes: expect.any(Number) });
      expect(Date.parse(result.startedAt)).not.toBeNaN();
      expect(result.targets.length).toBeGreaterThan(0);
      expect(Object.keys(result.samples).length).toBeGreaterThan(0);
    }
    const engine = JSON.parse(await readFile(join(out, files[0]!), 'utf8'));
    expect(engine.summary.errors).toBe(0);
    expect(engine.summary.history.engine.events).toBeGreaterThan(0);
    expect(engine.summary.history.handwritten.events).toBeGreaterThan(0);
  });
});
