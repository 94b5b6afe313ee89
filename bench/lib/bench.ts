/** What a benchmark is to the runner (`bench/run.ts`): a name, a size, and what it measured. */
import type { Row, TargetCheck } from './report';

/** `--quick` (a smoke run: smallest sizes), the default (all in under 15 minutes on 2 cores), `--large`. */
export type Size = 'quick' | 'default' | 'large';

export interface BenchContext {
  size: Size;
  /** `--rounds N` overrides the size's number of interleaved rounds (at least 3 where there is a comparison). */
  rounds?: number;
  log(line: string): void;
}

export interface BenchOutput {
  options: Record<string, unknown>;
  summary: Record<string, unknown>;
  /** Printed as the summary table, in this order. */
  tables: Array<{ title: string; rows: Row[] }>;
  targets: TargetCheck[];
  samples: Record<string, unknown>;
  notes: string[];
}

export interface Benchmark {
  name: string;
  description: string;
  run(ctx: BenchContext): Promise<BenchOutput>;
}

/** The value for the run's size. */
export function bySize<T>(size: Size, values: { quick: T; default: T; large: T }): T {
  return values[size];
}

/** Rounds for a comparison: `--rounds` if given (never fewer than 3), else the size's. */
export function roundsFor(ctx: BenchContext, values: { quick: number; default: number; large: number }): number {
  return Math.max(3, ctx.rounds ?? values[ctx.size]);
}
