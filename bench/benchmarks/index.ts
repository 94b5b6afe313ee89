/** Every benchmark, in the order `npm run bench` runs them (quick ones first). */
import type { Benchmark } from '../lib/bench';
import { apiBenchmark } from './api';
import { engineBenchmark } from './engine';
import { inboxBenchmark } from './inbox';
import { limitBenchmark } from './limit';
import { memoryBenchmark } from './memory';
import { pureBenchmark } from './pure';
import { readModelBenchmark } from './read-model';
import { sealBenchmark } from './seal';

export const benchmarks: Benchmark[] = [pureBenchmark, sealBenchmark, limitBenchmark, engineBenchmark, apiBenchmark, inboxBenchmark, readModelBenchmark, memoryBenchmark];
