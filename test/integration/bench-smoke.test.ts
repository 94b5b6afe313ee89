/**
 * The benchmark harness still runs (bench/README.md): `pure` and `engine` at `--quick`, each writing its
 * JSON result. No timing is asserted; the figures of a smoke run mean nothing. The other benchmarks
 * take about a minute more at `--quick` (`npm run bench -- --quick`). Also: the worker memory bound
 * that the memory benchmark measures reads its configuration as documented.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_MAX_CACHED_WORKFLOWS, DEFAULT_STICKY_QUEUE_TIMEOUT_MS, DEFAULT_WORKFLOW_HEAP_MB, workerCacheConfig } from '../../runtime/worker';

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

describe('workerCacheConfig (the worker memory bound the memory benchmark measures)', () => {
  it('takes the defaults when the variables are unset or empty', () => {
    const defaults = { maxCachedWorkflows: DEFAULT_MAX_CACHED_WORKFLOWS, stickyQueueScheduleToStartTimeoutMs: DEFAULT_STICKY_QUEUE_TIMEOUT_MS, workflowHeapMb: DEFAULT_WORKFLOW_HEAP_MB };
    expect(workerCacheConfig({})).toEqual(defaults);
    expect(workerCacheConfig({ YJS_MAX_CACHED_WORKFLOWS: '', YJS_WORKFLOW_HEAP_MB: '' })).toEqual(defaults);
  });

  it('reads YJS_MAX_CACHED_WORKFLOWS, YJS_STICKY_QUEUE_TIMEOUT_MS and YJS_WORKFLOW_HEAP_MB, 0 turning cache and heap limit off', () => {
    expect(workerCacheConfig({ YJS_MAX_CACHED_WORKFLOWS: '0', YJS_STICKY_QUEUE_TIMEOUT_MS: '2500', YJS_WORKFLOW_HEAP_MB: '0' })).toEqual({
      maxCachedWorkflows: 0,
      stickyQueueScheduleToStartTimeoutMs: 2500,
      workflowHeapMb: 0,
    });
  });

  it('refuses values that are not whole numbers in range, naming the variable', () => {
    expect(() => workerCacheConfig({ YJS_MAX_CACHED_WORKFLOWS: '-1' })).toThrow(/YJS_MAX_CACHED_WORKFLOWS/);
    expect(() => workerCacheConfig({ YJS_MAX_CACHED_WORKFLOWS: 'many' })).toThrow(/YJS_MAX_CACHED_WORKFLOWS/);
    expect(() => workerCacheConfig({ YJS_STICKY_QUEUE_TIMEOUT_MS: '10' })).toThrow(/YJS_STICKY_QUEUE_TIMEOUT_MS/);
    expect(() => workerCacheConfig({ YJS_WORKFLOW_HEAP_MB: '64' })).toThrow(/YJS_WORKFLOW_HEAP_MB/);
  });
});
