/**
 * A worker process for the benchmarks (spawned by `workers.ts`, never run by hand): one Temporal
 * worker per task queue in `BENCH_WORKER_CONFIG`, each on a pre-built workflow bundle, all with the
 * project's activities over in-memory stores, created by `runtime/worker.ts` as the product creates
 * its worker. Runs alone in its process, so its CPU time and RSS are the worker's own.
 *
 * Answers IPC requests: `stats` (memory, CPU, cached workflows per worker), `gc` (a full collection,
 * then stats), `stop`.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DefaultLogger, NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { DEFAULT_CREDIT_SAMPLE_FILE, FileCreditProvider } from '../../adapters/credit';
import { MemoryDocumentStore } from '../../adapters/documents';
import { MemoryKeyStore } from '../../adapters/keystore';
import { createWorker } from '../../runtime/worker';

export interface WorkerSpec {
  taskQueue: string;
  /** A file holding the workflow bundle's code (`bundles.ts`). */
  bundleFile: string;
}

export interface HostConfig {
  address: string;
  namespace: string;
  workers: WorkerSpec[];
  /** Passed to `createWorker`; absent: the worker's configured default (YJS_MAX_CACHED_WORKFLOWS or its built-in one). */
  maxCachedWorkflows?: number;
}

export interface HostStats {
  rssBytes: number;
  heapUsedBytes: number;
  heapTotalBytes: number;
  externalBytes: number;
  cpuUserMicros: number;
  cpuSystemMicros: number;
  workers: Array<{ taskQueue: string; cachedWorkflows: number; inFlightActivations: number }>;
}

export type HostRequest = { id: number; type: 'stats' | 'gc' | 'stop' };
export type HostMessage = { type: 'ready' } | { type: 'reply'; id: number; stats?: HostStats; error?: string };

async function main(): Promise<void> {
  const config = JSON.parse(process.env.BENCH_WORKER_CONFIG ?? '') as HostConfig;
  // Worker state changes and the like would drown the benchmark's own output.
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const connection = await NativeConnection.connect({ address: config.address });
  const activities = createActivities({
    documents: new MemoryDocumentStore(),
    keys: new MemoryKeyStore(),
    credit: new FileCreditProvider(DEFAULT_CREDIT_SAMPLE_FILE, mkdtempSync(join(tmpdir(), 'yjs-bench-credit-'))),
  });
  const workers: Array<{ spec: WorkerSpec; worker: Worker; running: Promise<void> }> = [];
  for (const spec of config.workers) {
    const worker = await createWorker({
      connection,
      namespace: config.namespace,
      taskQueue: spec.taskQueue,
      activities,
      workflowBundle: { code: readFileSync(spec.bundleFile, 'utf8') },
      shutdownGraceTime: '1 second',
      ...(config.maxCachedWorkflows !== undefined ? { maxCachedWorkflows: config.maxCachedWorkflows } : {}),
    });
    workers.push({ spec, worker, running: worker.run() });
  }

  const stats = (): HostStats => {
    const memory = process.memoryUsage();
    const cpu = process.cpuUsage();
    return {
      rssBytes: memory.rss,
      heapUsedBytes: memory.heapUsed,
      heapTotalBytes: memory.heapTotal,
      externalBytes: memory.external,
      cpuUserMicros: cpu.user,
      cpuSystemMicros: cpu.system,
      workers: workers.map(({ spec, worker }) => {
        const status = worker.getStatus();
        return { taskQueue: spec.taskQueue, cachedWorkflows: status.numCachedWorkflows, inFlightActivations: status.numInFlightWorkflowActivations };
      }),
    };
  };
  const reply = (message: HostMessage): void => {
    process.send?.(message);
  };

  process.on('message', (request: HostRequest) => {
    void (async () => {
      try {
        if (request.type === 'gc') {
          (globalThis as { gc?: () => void }).gc?.();
          await new Promise((resolve) => setTimeout(resolve, 100));
          (globalThis as { gc?: () => void }).gc?.();
        }
        if (request.type === 'stop') {
          for (const { worker } of workers) if (worker.getState() === 'RUNNING') worker.shutdown();
          await Promise.all(workers.map((w) => w.running));
          await connection.close();
          reply({ type: 'reply', id: request.id });
          process.disconnect?.();
          return;
        }
        reply({ type: 'reply', id: request.id, stats: stats() });
      } catch (err) {
        reply({ type: 'reply', id: request.id, error: (err as Error).stack ?? String(err) });
      }
    })();
  });
  // The harness going away takes the worker with it.
  process.on('disconnect', () => {
    for (const { worker } of workers) if (worker.getState() === 'RUNNING') worker.shutdown();
    setTimeout(() => process.exit(0), 3_000).unref();
  });
  reply({ type: 'ready' });
}

main().catch((err) => {
  console.error('[bench worker]', err);
  process.exit(1);
});
