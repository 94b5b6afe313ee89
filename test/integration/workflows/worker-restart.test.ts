/**
 * Workers come and go; cases do not notice. A worker restarted in the middle of a case, or killed in
 * the middle of issuing results, leaves a completed case with exactly one document per result.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Context } from '@temporalio/activity';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileDocumentStore, type DocumentStore } from '../../../adapters/documents';
import { MemoryKeyStore } from '../../../adapters/keystore';
import { verifySealed } from '../../../adapters/sealer';
import { DefinitionRegistry } from '../../../definitions/registry';
import { PROJECT_ROOT } from '../../../runtime/config';
import { createWorker, stopWorker } from '../../../runtime/worker';
import { acceptCase, approveItem, caseWorkflowId, getProgress, itemWorkflowId, type CaseInput } from '../../../workflows/contract';
import { restaurantApplication } from '../../fixtures/applications';
import { eventually, workflowBundle } from '../../helpers/stack';
import { testCreditProvider } from '../../helpers/credit';
import { createTimeSkippingEnv } from '../../helpers/temporal-env';

let env: TestWorkflowEnvironment;
let registry: DefinitionRegistry;
let dir: string;
/** One key store for every worker, as a deployment shares its key directory. */
const keys = new MemoryKeyStore();

beforeAll(async () => {
  env = await createTimeSkippingEnv();
  registry = await DefinitionRegistry.open({ bundlesDir: join(PROJECT_ROOT, 'definitions', 'bundles') });
  dir = await mkdtemp(join(tmpdir(), 'yjs-docs-'));
});
afterAll(async () => {
  await env?.teardown();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const DEPARTMENTS: Record<string, string> = {
  'business-licence': 'market-regulation',
  'food-permit': 'market-regulation',
  'outdoor-sign': 'urban-management',
  'fire-check': 'fire-rescue',
  'tobacco-permit': 'tobacco',
};

async function workerOn(taskQueue: string, documents: DocumentStore): Promise<{ worker: Worker; running: Promise<void> }> {
  const worker = await createWorker({
    connection: env.nativeConnection,
    taskQueue,
    deps: { documents, keys, credit: testCreditProvider() },
    workflowBundle: await workflowBundle(),
    shutdownGraceTime: '200 ms',
    // No sticky cache: a new worker must rebuild every case from history, as after a crash. (The
    // time-skipping server also never fails a dead worker's sticky queue over for queries.)
    maxCachedWorkflows: 0,
  });
  return { worker, running: worker.run() };
}

async function stop(w: { worker: Worker; running: Promise<void> }): Promise<void> {
  await stopWorker(w.worker, w.running);
}

async function startRestaurantCase(taskQueue: string): Promise<string> {
  const caseId = `c${Math.random().toString(36).slice(2, 12)}`;
  const application = restaurantApplication();
  const input: CaseInput = {
    caseId,
    plan: registry.get('open-restaurant').plan,
    application: { applicant: application.applicant, form: application.form, materials: application.materials },
    submittedAt: new Date().toISOString(),
  };
  await env.client.workflow.start('caseWorkflow', { taskQueue, workflowId: caseWorkflowId(caseId), args: [input] });
  return caseId;
}

async function approve(caseId: string, itemId: string): Promise<void> {
  const handle = env.client.workflow.getHandle(itemWorkflowId(caseId, itemId));
  await eventually(() => handle.query('getItem').then(() => true, () => false), Boolean, `item ${itemId} to start`);
  await handle.executeUpdate(approveItem, { args: [{ actor: { department: DEPARTMENTS[itemId]! } }] });
}

describe('worker restarts', () => {
  it('completes a case whose worker was restarted in the middle, issuing nothing twice', async () => {
    const taskQueue = `restart-${Math.random()}`;
    const documents = new FileDocumentStore(join(dir, 'restart'));
    const first = await workerOn(taskQueue, documents);
    const caseId = await startRestaurantCase(taskQueue);
    const handle = env.client.workflow.getHandle(caseWorkflowId(caseId));
    await handle.executeUpdate(acceptCase, { args: [{ actor: { department: 'gov-service' } }] });
    await approve(caseId, 'business-licence');
    await approve(caseId, 'food-permit');
    await stop(first);

    const second = await workerOn(taskQueue, documents);
    try {
      for (const itemId of ['outdoor-sign', 'fire-check', 'tobacco-permit']) await approve(caseId, itemId);
      const result = await handle.result();
      expect(result.status).toBe('completed');
      expect(result.results).toHaveLength(5);
      expect(await documents.list(`${caseId}/`)).toHaveLength(5);
    } finally {
      await stop(second);
    }
  });

  it('leaves exactly one sealed document per result when a worker dies while sealing', async () => {
    const taskQueue = `kill-${Math.random()}`;
    const shared = new FileDocumentStore(join(dir, 'kill'));
    // The first worker's store writes two documents, then hangs as a crashing process would, until
    // the worker's shutdown cancels the activity.
    let written = 0;
    const dying: DocumentStore = {
      get: (key) => shared.get(key),
      list: (prefix) => shared.list(prefix),
      async createOnce(key, make) {
        if (written >= 2) await new Promise((_, reject) => Context.current().cancelled.catch(reject));
        written++;
        return shared.createOnce(key, make);
      },
    };
    const first = await workerOn(taskQueue, dying);
    const caseId = await startRestaurantCase(taskQueue);
    const handle = env.client.workflow.getHandle(caseWorkflowId(caseId));
    await handle.executeUpdate(acceptCase, { args: [{ actor: { department: 'gov-service' } }] });
    for (const itemId of Object.keys(DEPARTMENTS)) await approve(caseId, itemId);
    await eventually(() => shared.list(`${caseId}/`), (docs) => docs.length === 2, 'two documents before the crash');
    const before = await shared.list(`${caseId}/`);
    expect((await handle.query(getProgress)).status).toBe('issuing');
    await stop(first);

    const second = await workerOn(taskQueue, shared);
    try {
      const result = await handle.result();
      expect(result.status).toBe('completed');
      const after = await shared.list(`${caseId}/`);
      expect(after).toHaveLength(5);
      expect(new Set(after.map((d) => d.documentId)).size).toBe(5);
      // The two documents sealed before the crash are the ones the case issued, seal and all.
      for (const doc of before) expect(after.find((d) => d.key === doc.key)).toEqual(doc);
      // Every result carries exactly one seal, and it verifies.
      for (const doc of after) expect(await verifySealed(keys, shared, doc.body)).toMatchObject({ status: 'valid', appliedBy: 'person' });
      expect(result.results.map((r: { documentId: string }) => r.documentId).sort()).toEqual(after.map((d) => d.documentId).sort());
    } finally {
      await stop(second);
    }
  });
});
