/**
 * The workflows on the time-skipping server for a test file: a worker with the real activities over
 * in-memory stores, the repository's bundles, and the calendar the clock activity uses.
 */
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createActivities } from '../../activities';
import type { WorkingCalendar } from '../../domain/calendar';
import { loadCalendar } from '../../adapters/calendar-data';
import type { FileCreditProvider } from '../../adapters/credit';
import { MemoryDocumentStore } from '../../adapters/documents';
import { MemoryKeyStore } from '../../adapters/keystore';
import { DefinitionRegistry } from '../../definitions/registry';
import { PROJECT_ROOT } from '../../runtime/config';
import { createWorker, stopWorker } from '../../runtime/worker';
import { testCreditProvider } from './credit';
import { workflowBundle } from './stack';
import { createTimeSkippingEnv } from './temporal-env';

export interface WorkflowStack {
  env: TestWorkflowEnvironment;
  registry: DefinitionRegistry;
  /** In the clock activity's mode: a year without data is estimated, never guessed silently. */
  calendar: WorkingCalendar;
  documents: MemoryDocumentStore;
  keys: MemoryKeyStore;
  credit: FileCreditProvider;
  taskQueue: string;
  /** Skips test time to `instant` (plus `plusMs`), if it is still ahead. */
  sleepUntil(instant: string, plusMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startWorkflowStack(name: string): Promise<WorkflowStack> {
  const env = await createTimeSkippingEnv();
  const documents = new MemoryDocumentStore();
  const keys = new MemoryKeyStore();
  const credit = testCreditProvider();
  const taskQueue = `${name}-${Math.random().toString(36).slice(2)}`;
  const worker = await createWorker({
    connection: env.nativeConnection,
    taskQueue,
    activities: createActivities({ documents, keys, credit }),
    workflowBundle: await workflowBundle(),
  });
  const running = worker.run();
  return {
    env,
    registry: await DefinitionRegistry.open({ bundlesDir: join(PROJECT_ROOT, 'definitions', 'bundles') }),
    calendar: await loadCalendar('cn', { unknownYears: 'weekends-only' }),
    documents,
    keys,
    credit,
    taskQueue,
    async sleepUntil(instant, plusMs = 0) {
      const ms = Date.parse(instant) + plusMs - (await env.currentTimeMs());
      if (ms > 0) await env.sleep(ms);
    },
    async close() {
      await stopWorker(worker, running);
      await env.teardown();
    },
  };
}
