/**
 * The Temporal worker: runs the case and item workflows and the activities on the task queue.
 */
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { NativeConnection, Worker, bundleWorkflowCode, type WorkflowBundle } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities';
import { TASK_QUEUE } from '../workflows/contract';
import { testClockBanner, testClockFromEnv } from './test-clock';

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
  /** Workflows kept in memory between tasks (0: replay every task from history, no sticky queue); default {@link workerCacheConfig}. */
  maxCachedWorkflows?: number;
  /** How long a task waits on this worker's sticky queue before any worker may take it; default {@link workerCacheConfig}. */
  stickyQueueScheduleToStartTimeoutMs?: number;
}

/**
 * Workflows a worker keeps in memory by default. The cache, not the number of open cases, bounds the
 * worker's memory: a case evicted from it is replayed from history when it next has work (measured in
 * bench/README.md, memory). With {@link DEFAULT_WORKFLOW_HEAP_MB}, chosen so that 10,000 open cases
 * stay under 1 GiB of worker RSS: about 280 MiB warm, and at most 2.4 MiB per cached engine workflow
 * as measured.
 */
export const DEFAULT_MAX_CACHED_WORKFLOWS = 150;
/** The SDK's own default: after this a task on the sticky queue goes to the shared queue. */
export const DEFAULT_STICKY_QUEUE_TIMEOUT_MS = 10_000;
/**
 * V8's old-space limit for the thread the workflows run in, in MiB. Evicted workflows are garbage, and
 * V8 sizes a heap from the machine's memory, so without a limit the worker's RSS grows with every
 * eviction long after the cache is full; with it, it stays flat (bench/README.md, memory).
 */
export const DEFAULT_WORKFLOW_HEAP_MB = 512;

export interface WorkerCacheConfig {
  maxCachedWorkflows: number;
  stickyQueueScheduleToStartTimeoutMs: number;
  /** 0: V8's own limit. */
  workflowHeapMb: number;
}

/**
 * `YJS_MAX_CACHED_WORKFLOWS` (0 or more), `YJS_STICKY_QUEUE_TIMEOUT_MS` (1000 or more) and
 * `YJS_WORKFLOW_HEAP_MB` (0, or 128 or more), else the defaults above.
 */
export function workerCacheConfig(env: NodeJS.ProcessEnv = process.env): WorkerCacheConfig {
  const heap = wholeNumber(env, 'YJS_WORKFLOW_HEAP_MB', 0);
  if (heap !== undefined && heap > 0 && heap < 128) throw new Error(`YJS_WORKFLOW_HEAP_MB must be 0 or at least 128, not ${heap}`);
  return {
    maxCachedWorkflows: wholeNumber(env, 'YJS_MAX_CACHED_WORKFLOWS', 0) ?? DEFAULT_MAX_CACHED_WORKFLOWS,
    stickyQueueScheduleToStartTimeoutMs: wholeNumber(env, 'YJS_STICKY_QUEUE_TIMEOUT_MS', 1000) ?? DEFAULT_STICKY_QUEUE_TIMEOUT_MS,
    workflowHeapMb: heap ?? DEFAULT_WORKFLOW_HEAP_MB,
  };
}

/**
 * Sets V8's old-space limit for isolates created from now on (the workflow thread the worker starts),
 * unless node was started with a limit of its own (`--max-old-space-size`, also in NODE_OPTIONS).
 */
function limitWorkflowHeap(mb: number): void {
  const given = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)].some((arg) => arg.startsWith('--max-old-space-size'));
  if (mb > 0 && !given) setFlagsFromString(`--max-old-space-size=${mb}`);
}

function wholeNumber(env: NodeJS.ProcessEnv, name: string, min: number): number | undefined {
  const value = env[name];
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be a whole number of at least ${min}, not ${JSON.stringify(value)}`);
  return n;
}

/** The deps with the test clock of `YJS_TEST_CLOCK_DAY_SECONDS` (runtime/test-clock.ts), announced loudly, when one is set. */
function withTestClock(deps: ActivityDeps): ActivityDeps {
  const testClock = deps.testClock ?? testClockFromEnv();
  if (!testClock) return deps;
  console.error(testClockBanner(testClock));
  return { ...deps, testClock };
}

export async function createWorker(options: WorkerOptions): Promise<Worker> {
  const activities = options.activities ?? (options.deps ? createActivities(withTestClock(options.deps)) : undefined);
  if (!activities) throw new Error('createWorker needs activities or their deps');
  const cache = workerCacheConfig();
  limitWorkflowHeap(cache.workflowHeapMb);
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace ?? 'default',
    taskQueue: options.taskQueue ?? TASK_QUEUE,
    activities,
    ...(options.workflowBundle
      ? { workflowBundle: options.workflowBundle }
      : { workflowsPath: WORKFLOWS_PATH, bundlerOptions: { preloadModules: SHARED_WORKFLOW_MODULES } }),
    shutdownGraceTime: options.shutdownGraceTime ?? '10 seconds',
    maxCachedWorkflows: options.maxCachedWorkflows ?? cache.maxCachedWorkflows,
    stickyQueueScheduleToStartTimeout: options.stickyQueueScheduleToStartTimeoutMs ?? cache.stickyQueueScheduleToStartTimeoutMs,
  });
}

/**
 * Modules of the workflow bundle evaluated once per worker and shared by every workflow it runs,
 * instead of once in every new workflow (the SDK's `preloadModules`, with the reusable V8 context):
 * zod and xstate, the contract's message schemas, the lifecycle machines and the pure rules workflows
 * call. Building zod schemas and xstate machines was half the worker's CPU per case. This is safe only
 * for modules whose module scope is pure and which keep no state between calls (they are, and must
 * stay so: docs/architecture.md); workflow state lives in `CaseRun` and `ItemRun`, which are per
 * workflow. Specifiers are resolved from `workflows/`.
 */
export const SHARED_WORKFLOW_MODULES = [
  'zod',
  'xstate',
  './contract',
  './lifecycle',
  './errors',
  '../domain/commitments',
  '../domain/licences',
  '../definitions/condition',
  '../definitions/special-steps',
];

/** Bundles the workflow code once (webpack); workers created with the result start in milliseconds. */
export async function bundleWorkflows(): Promise<WorkflowBundle> {
  return bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, preloadModules: SHARED_WORKFLOW_MODULES, logger: quietLogger });
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
