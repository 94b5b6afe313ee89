/**
 * Patch `conditional-at-issue`, on the time-skipping server: a case completed on an open commitment
 * seals the granted result as issued on it (the letter named in the signed body), so it is conditional
 * from its first moment, and the commitment's watch records only what changes after (kept: one record).
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryDocumentStore } from '../../../adapters/documents';
import { MemoryKeyStore } from '../../../adapters/keystore';
import { verifySealed, type ConditionRecord, type SealedDocument } from '../../../adapters/sealer';
import type { ResultDocument } from '../../../activities/issue';
import { DefinitionRegistry } from '../../../definitions/registry';
import {
  acceptCase,
  approveItem,
  caseWorkflowId,
  getItem,
  getProgress,
  itemWorkflowId,
  supplyCommitmentMaterials,
  type CaseInput,
} from '../../../workflows/contract';
import { restaurantApplication } from '../../fixtures/applications';
import { eventually } from '../../helpers/stack';
import { startWorkflowStack, type WorkflowStack } from '../../helpers/workflow-stack';

let stack: WorkflowStack;
let env: TestWorkflowEnvironment;
let registry: DefinitionRegistry;
let documents: MemoryDocumentStore;
let keys: MemoryKeyStore;
let taskQueue: string;

beforeAll(async () => {
  stack = await startWorkflowStack('conditional-at-issue');
  ({ env, registry, documents, keys, taskQueue } = stack);
});
afterAll(async () => {
  await stack?.close();
});

const GOOD = '420104199003071234'; // good credit in the sample subjects
const DEPARTMENTS: Record<string, string> = {
  'business-licence': 'market-regulation',
  'food-permit': 'market-regulation',
  'outdoor-sign': 'urban-management',
  'fire-check': 'fire-rescue',
};

const sealedResult = async (caseId: string, itemId: string) =>
  (await documents.get<SealedDocument<ResultDocument>>(`${caseId}/${itemId}/result`))!.body;

describe('results issued on an open commitment', () => {
  it('seals the granted result as issued on the commitment, conditional at once, and records only its fulfilment', async () => {
    const caseId = `c${Math.random().toString(36).slice(2, 12)}`;
    const app = restaurantApplication({ sellsTobacco: false, subjectId: GOOD });
    const input: CaseInput = {
      caseId,
      plan: registry.get('open-restaurant').plan,
      application: { applicant: app.applicant, form: app.form, materials: app.materials.filter((m) => m.id !== 'sign-design') },
      submittedAt: new Date(await env.currentTimeMs()).toISOString(),
    };
    const handle = await env.client.workflow.start('caseWorkflow', { taskQueue, workflowId: caseWorkflowId(caseId), args: [input] });
    const accepted = await handle.executeUpdate(acceptCase, { args: [{ actor: { department: 'gov-service' }, tolerateMissing: true }] });
    const letterDocumentId = accepted.commitment!.letterDocumentId;
    for (const [itemId, department] of Object.entries(DEPARTMENTS)) {
      const item = env.client.workflow.getHandle(itemWorkflowId(caseId, itemId));
      await eventually(() => item.query(getItem).catch(() => undefined), (v) => Boolean(v?.clock.deadline), `${itemId} to start`);
      await item.executeUpdate(approveItem, { args: [{ actor: { department } }] });
    }
    await eventually(() => handle.query(getProgress), (p) => p.status === 'completed', 'completion');

    // In the signed body: the granted result only, naming the commitment letter.
    const sign = await sealedResult(caseId, 'outdoor-sign');
    expect(sign.document.issuedOnCommitment).toEqual({ letterDocumentId });
    expect((await sealedResult(caseId, 'business-licence')).document.issuedOnCommitment).toBeUndefined();
    expect(await verifySealed(keys, documents, sign)).toMatchObject({
      status: 'valid',
      conditional: { since: sign.seal.signedAt, reason: expect.stringContaining(letterDocumentId) },
    });

    // Kept: the watch's one record makes it unconditional (no 'conditional' record before it).
    await handle.executeUpdate(supplyCommitmentMaterials, { args: [{ materials: [{ id: 'sign-design', ref: 'upload-7' }] }] });
    await eventually(() => handle.query(getProgress), (p) => p.results.every((r) => !r.conditional), 'the results to become unconditional');
    const records = await documents.list<ConditionRecord>(`conditions/${sign.document.documentId}/`);
    expect(records.map((r) => [r.body.seq, r.body.state])).toEqual([[1, 'unconditional']]);
    const report = await verifySealed(keys, documents, sign);
    expect(report.status).toBe('valid');
    expect(report.conditional).toBeUndefined();
    expect((await handle.result()).status).toBe('completed');
  });
});
