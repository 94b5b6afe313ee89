/**
 * Sample statistics for the benchmarks: quantiles by the nearest-rank method on sorted copies, and
 * ratios of interleaved rounds (A and B measured in the same round, one ratio per round).
 */

/** The q-quantile (0 ≤ q ≤ 1) by nearest rank; NaN for no samples. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank]!;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function min(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : Math.min(...values);
}

export function max(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : Math.max(...values);
}

export function mean(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : values.reduce((sum, v) => sum + v, 0) / values.length;
}

export interface Summary {
  n: number;
  min: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

export function summarize(values: readonly number[]): Summary {
  return {
    n: values.length,
    min: min(values),
    p50: quantile(values, 0.5),
    p95: quantile(values, 0.95),
    p99: quantile(values, 0.99),
    max: max(values),
    mean: mean(values),
  };
}

/**
 * One ratio per round (A's value over B's, both measured in that round), and their min and median:
 * the figures a comparison reports, because absolute numbers on a shared machine are noise.
 */
export interface RoundRatios {
  perRound: number[];
  min: number;
  median: number;
  max: number;
}

export function roundRatios(a: readonly number[], b: readonly number[]): RoundRatios {
  if (a.length !== b.length) throw new Error(`ratio over ${a.length} and ${b.length} rounds`);
  const perRound = a.map((value, i) => value / b[i]!);
  return { perRound, min: min(perRound), median: median(perRound), max: max(perRound) };
}

/**
 * Growth exponent between two sizes: time ∝ size^k gives k = log(t2/t1) / log(n2/n1); 1 is linear,
 * 2 quadratic.
 */
export function growthExponent(n1: number, t1: number, n2: number, t2: number): number {
  return Math.log(t2 / t1) / Math.log(n2 / n1);
}

/** A number rounded for tables and JSON: 3 significant digits, integers kept whole. */
export function round(value: number, digits = 3): number {
  if (!Number.isFinite(value)) return value;
  if (Math.abs(value) >= 10 ** digits) return Math.round(value);
  return Number(value.toPrecision(digits));
}
