/**
 * The Temporal worker: runs the case and item workflows and the activities on the task queue.
 */
import { fileURLToPath } from 'node:url';
import { NativeConnection, Worker, bundleWorkflowCode, type WorkflowBundle } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities';
import { TASK_QUEUE } from '../workflows/contract';

export const WORKFLOWS_PATH = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

export interface WorkerOptions {
  connection: NativeConnection;
  namespace?: string;
  taskQueue?: string;
  /** Activities to register; built from `deps` when absent. */
  activities?: object;
  deps?: ActivityDeps;
  /** A pre-built workflow bundle (tests build it once); otherwise workflows are bundled at start. */
  workflowBundle?: WorkflowBundle;
  /** How long running activities may finish on shutdown before they are cancelled. */
  shutdownGraceTime?: string | number;
  /** Workflows kept in memory between tasks (0: replay every task from history, no sticky queue). */
  maxCachedWorkflows?: number;
}

export async function createWorker(options: WorkerOptions): Promise<Worker> {
  const activities = options.activities ?? (options.deps ? createActivities(options.deps) : undefined);
  if (!activities) throw new Error('createWorker needs activities or their deps');
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace ?? 'default',
    taskQueue: options.taskQueue ?? TASK_QUEUE,
    activities,
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
    shutdownGraceTime: options.shutdownGraceTime ?? '10 seconds',
    ...(options.maxCachedWorkflows !== undefined ? { maxCachedWorkflows: options.maxCachedWorkflows } : {}),
  });
}

/** Bundles the workflow code once (webpack); workers created with the result start in milliseconds. */
export async function bundleWorkflows(): Promise<WorkflowBundle> {
  return bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quietLogger });
}

const quietLogger = {
  log() {},
  trace() {},
  debug() {},
  info() {},
  warn(message: string, meta?: unknown) {
    console.warn(message, meta ?? '');
  },
  error(message: string, meta?: unknown) {
    console.error(message, meta ?? '');
  },
};

/**
 * Stops a worker and waits for `run()` to end. The Temporal runtime may already be shutting workers
 * down on its own (it handles SIGINT/SIGTERM), so only a running worker is asked.
 */
export async function stopWorker(worker: Worker, running: Promise<void>): Promise<void> {
  if (worker.getState() === 'RUNNING') worker.shutdown();
  await running;
}
