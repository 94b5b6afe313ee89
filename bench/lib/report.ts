/**
 * What every benchmark result carries (machine, date, commit, options) and where it goes:
 * `bench/results/<name>-<timestamp>.json` (git-ignored), plus a summary table on stdout.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, freemem, loadavg, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const RESULTS_DIR = join(PROJECT_ROOT, 'bench', 'results');

export interface Machine {
  cpuModel: string;
  /** Logical CPUs the OS reports, and how many this process may use. */
  cores: number;
  availableParallelism: number;
  memoryBytes: number;
  freeMemoryBytes: number;
  /** 1, 5 and 15 minute load averages when the benchmark started: other work on a shared machine shows here. */
  loadAverage: number[];
  platform: string;
  kernel: string;
  node: string;
}

export function machine(): Machine {
  const cpuList = cpus();
  return {
    cpuModel: cpuList[0]?.model.trim() ?? 'unknown',
    cores: cpuList.length,
    availableParallelism: availableParallelism(),
    memoryBytes: totalmem(),
    freeMemoryBytes: freemem(),
    loadAverage: loadavg().map((v) => Number(v.toFixed(2))),
    platform: process.platform,
    kernel: release(),
    node: process.version,
  };
}

export interface GitState {
  commit: string;
  /** Uncommitted changes in the work tree when the benchmark ran (numbers may not match the commit). */
  dirty: boolean;
}

export function gitState(): GitState {
  const git = (...args: string[]): string => execFileSync('git', args, { cwd: PROJECT_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  try {
    return { commit: git('rev-parse', 'HEAD'), dirty: git('status', '--porcelain', '--untracked-files=no').length > 0 };
  } catch {
    return { commit: 'unknown', dirty: false };
  }
}

/** One target of issue 10 and how this run measured against it. */
export interface TargetCheck {
  target: string;
  measured: string;
  met: boolean;
}

export interface BenchResult {
  benchmark: string;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  machine: Machine;
  git: GitState;
  options: Record<string, unknown>;
  /** The figures the table shows. */
  summary: Record<string, unknown>;
  targets: TargetCheck[];
  /** Raw samples: every latency, every round's counts, as measured. */
  samples: Record<string, unknown>;
  notes: string[];
}

/** `bench/results/<name>-<timestamp>.json`; the directory is made when missing. Returns the path. */
export function writeResult(result: BenchResult, dir = RESULTS_DIR): string {
  mkdirSync(dir, { recursive: true });
  const stamp = result.startedAt.replace(/[:.]/g, '-');
  const path = join(dir, `${result.benchmark}-${stamp}.json`);
  writeFileSync(path, `${JSON.stringify(result, null, 1)}\n`);
  return path;
}

export type Row = Record<string, string | number | boolean | undefined>;

/** A plain-text table (markdown pipes, so it pastes into bench/README.md). */
export function table(rows: readonly Row[]): string {
  if (rows.length === 0) return '(no rows)';
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const cell = (value: Row[string]): string => (value === undefined ? '' : typeof value === 'number' ? formatNumber(value) : String(value));
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((row) => cell(row[c]).length)));
  const line = (values: string[]): string => `| ${values.map((v, i) => v.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(columns), line(widths.map((w) => '-'.repeat(w))), ...rows.map((row) => line(columns.map((c) => cell(row[c]))))].join('\n');
}

export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value)) return String(value);
  const abs = Math.abs(value);
  return abs >= 100 ? value.toFixed(0) : abs >= 10 ? value.toFixed(1) : abs >= 1 ? value.toFixed(2) : value.toPrecision(2);
}

export const MiB = 1024 * 1024;
