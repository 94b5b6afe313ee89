import { defineConfig } from 'vitest/config';

// Integration tests start real Temporal servers and workers: generous timeouts, and at most two
// files at once on a 2-core machine. Timing goals live in bench/, never in tests.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
    maxWorkers: 2,
    fileParallelism: true,
    reporters: ['default'],
  },
});
