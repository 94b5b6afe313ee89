/** Fixed-concurrency load: `concurrency` lanes take tasks until `count` have run. */

export interface PoolRun<T> {
  results: T[];
  /** Per task, in completion order. */
  latenciesMs: number[];
  wallMs: number;
  errors: string[];
}

export async function runPool<T>(count: number, concurrency: number, task: (index: number) => Promise<T>): Promise<PoolRun<T>> {
  const results: T[] = [];
  const latenciesMs: number[] = [];
  const errors: string[] = [];
  let next = 0;
  const started = performance.now();
  const lane = async (): Promise<void> => {
    for (;;) {
      const index = next++;
      if (index >= count) return;
      const t0 = performance.now();
      try {
        results.push(await task(index));
        latenciesMs.push(performance.now() - t0);
      } catch (err) {
        errors.push((err as Error).message ?? String(err));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
  return { results, latenciesMs, wallMs: performance.now() - started, errors };
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
