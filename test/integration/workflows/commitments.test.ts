/**
 * Tolerated missing materials with a commitment (容缺受理 + 告知承诺), on the time-skipping server:
 * fulfilment on the last day, breach with revocation and a credit record, refusals at the window,
 * and a supplied material that a department sends back.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addWorkingDays, type WorkingCalendar } from '../../../domain/calendar';
import { notificationKey } from '../../../adapters/outbox';
import type { FileCreditProvider } from '../../../adapters/credit';
import { MemoryDocumentStore } from '../../../adapters/documents';
import { MemoryKeyStore } from '../../../adapters/keystore';
import { verifySealed, type SealedDocument } from '../../../adapters/sealer';
import { DefinitionRegistry } from '../../../definitions/registry';
import {
  acceptCase,
  approveItem,
  caseWorkflowId,
  getItem,
  getProgress,
  itemWorkflowId,
  rejectCommitmentMaterial,
  supplyCommitmentMaterials,
  type CaseInput,
  type CaseProgress,
} from '../../../workflows/contract';
import { restaurantApplication } from '../../fixtures/applications';
import { eventually } from '../../helpers/stack';
import { startWorkflowStack, type WorkflowStack } from '../../helpers/workflow-stack';

let stack: WorkflowStack;
let env: TestWorkflowEnvironment;
let registry: DefinitionRegistry;
let calendar: WorkingCalendar;
let documents: MemoryDocumentStore;
let keys: MemoryKeyStore;
let credit: FileCreditProvider;
let taskQueue: string;

beforeAll(async () => {
  stack = await startWorkflowStack('commitments');
  ({ env, registry, calendar, documents, keys, taskQueue, credit } = stack);
});
afterAll(async () => {
  await stack?.close();
});

const GOOD = '420104199003071234'; // good credit in the sample subjects
const ORDINARY = '420106198511200025'; // ordinary credit, no broken commitment (yet)
const BAD = '91420100MA4KBAD001'; // bad credit
const WINDOW = { department: 'gov-service' };
const DEPARTMENTS: Record<string, string> = {
  'business-licence': 'market-regulation',
  'food-permit': 'market-regulation',
  'outdoor-sign': 'urban-management',
  'fire-check': 'fire-rescue',
};

/** A restaurant application (no tobacco) without the given materials. */
async function startCase(subjectId: string, without: string[]) {
  const caseId = `c${Math.random().toString(36).slice(2, 12)}`;
  const app = restaurantApplication({ sellsTobacco: false, subjectId });
  const input: CaseInput = {
    caseId,
    plan: registry.get('open-restaurant').plan,
    application: { applicant: app.applicant, form: app.form, materials: app.materials.filter((m) => !without.includes(m.id)) },
    submittedAt: new Date(await env.currentTimeMs()).toISOString(),
  };
  const handle = await env.client.workflow.start('caseWorkflow', { taskQueue, workflowId: caseWorkflowId(caseId), args: [input] });
  return { caseId, handle };
}

async function approveAll(caseId: string): Promise<void> {
  for (const itemId of Object.keys(DEPARTMENTS)) {
    const handle = env.client.workflow.getHandle(itemWorkflowId(caseId, itemId));
    await eventually(() => handle.query(getItem).catch(() => undefined), (v) => Boolean(v?.clock.deadline), `${itemId} to start`);
    await handle.executeUpdate(approveItem, { args: [{ actor: { department: DEPARTMENTS[itemId]! } }] });
  }
}

const sealedResult = async (caseId: string, itemId: string) =>
  (await documents.get<SealedDocument<{ documentId: string }>>(`${caseId}/${itemId}/result`))!.body;

const sleepUntil = (instant: string, plusMs = 0): Promise<void> => stack.sleepUntil(instant, plusMs);

describe('a commitment kept', () => {
  it('accepts with a tolerable material missing, issues the granted result conditionally, and makes it unconditional when supplied on the last working day', async () => {
    const { caseId, handle } = await startCase(GOOD, ['sign-design']);
    const accepted = await handle.executeUpdate(acceptCase, { args: [{ actor: WINDOW, tolerateMissing: true }] });
    const commitment = accepted.commitment!;
    expect(commitment).toMatchObject({ status: 'open', grants: ['outdoor-sign'], credit: { rating: 'good' } });
    expect(commitment.materials).toEqual([
      expect.objectContaining({ material: 'sign-design', status: 'missing', deadline: addWorkingDays(calendar, commitment.acceptedAt, 7).instant }),
    ]);
    // The commitment letter is a sealed document, sealed by the window.
    const letter = (await documents.get<SealedDocument<{ documentId: string; materials: unknown[] }>>(`${caseId}/commitment/letter`))!;
    expect(letter.documentId).toBe(commitment.letterDocumentId);
    expect(await verifySealed(keys, documents, letter.body)).toMatchObject({ status: 'valid', department: 'gov-service', appliedBy: 'person' });

    await approveAll(caseId);
    const completed = await eventually(() => handle.query(getProgress), (p) => p.status === 'completed' && p.results.some((r) => r.conditional), 'completion');
    expect(completed.results.filter((r) => r.conditional).map((r) => r.itemId)).toEqual(['outdoor-sign']);
    // The condition is recorded by the commitment's watch just after the results are issued.
    const conditional = await eventually(
      async () => verifySealed(keys, documents, await sealedResult(caseId, 'outdoor-sign')),
      (report) => report.conditional !== undefined,
      'the granted result to verify as conditional',
    );
    expect(conditional).toMatchObject({ status: 'valid', conditional: expect.any(Object) });
    expect((await verifySealed(keys, documents, await sealedResult(caseId, 'business-licence'))).conditional).toBeUndefined();

    // Supplied during the last working day before the deadline.
    const deadline = commitment.materials[0]!.deadline;
    await sleepUntil(deadline, -12 * 3_600_000);
    const supplied = await handle.executeUpdate(supplyCommitmentMaterials, { args: [{ materials: [{ id: 'sign-design', ref: 'upload-7' }] }] });
    expect(supplied.commitment).toMatchObject({ status: 'fulfilled', materials: [expect.objectContaining({ status: 'supplied' })] });
    await eventually(() => handle.query(getProgress), (p) => p.results.every((r) => !r.conditional), 'the results to become unconditional');
    const report = await verifySealed(keys, documents, await sealedResult(caseId, 'outdoor-sign'));
    expect(report.status).toBe('valid');
    expect(report.conditional).toBeUndefined();

    const final: CaseProgress = await handle.result();
    expect(final.status).toBe('completed');
    expect(final.commitment?.status).toBe('fulfilled');
    expect((await credit.standing(GOOD)).brokenCommitments).toEqual([]);
  });
});

describe('a commitment broken', () => {
  it('terminates the case at the deadline, revokes the granted result only, records the breach and refuses the subject tolerance next time', async () => {
    const { caseId, handle } = await startCase(ORDINARY, ['sign-design']);
    const accepted = await handle.executeUpdate(acceptCase, { args: [{ actor: WINDOW, tolerateMissing: true }] });
    const deadline = accepted.commitment!.materials[0]!.deadline;
    await approveAll(caseId);

    const final: CaseProgress = await handle.result(); // time skips to the deadline
    expect(final.status).toBe('terminated');
    expect(final.terminatedAt).toBe(deadline);
    expect(final.commitment).toMatchObject({ status: 'broken', broken: { at: deadline, materials: ['sign-design'] } });
    expect(final.results.find((r) => r.itemId === 'outdoor-sign')?.revoked?.at).toBe(deadline);
    expect(final.results.filter((r) => r.revoked).map((r) => r.itemId)).toEqual(['outdoor-sign']);
    expect(final.events.map((e) => e.type)).toEqual(expect.arrayContaining(['commitment-broken', 'results-revoked']));

    const revoked = await verifySealed(keys, documents, await sealedResult(caseId, 'outdoor-sign'));
    expect(revoked).toMatchObject({ status: 'revoked', revoked: { at: deadline, reason: expect.stringContaining('承诺') } });
    for (const independent of ['business-licence', 'food-permit', 'fire-check']) {
      expect((await verifySealed(keys, documents, await sealedResult(caseId, independent))).status).toBe('valid');
    }

    const standing = await credit.standing(ORDINARY);
    expect(standing.brokenCommitments).toEqual([expect.objectContaining({ caseId, materials: ['sign-design'], brokenAt: deadline })]);
    const notice = await documents.get<{ to: string[] }>(notificationKey(caseId, 'commitment-broken'));
    expect(notice?.body.to).toEqual(expect.arrayContaining([`applicant:${ORDINARY}`, 'department:urban-management']));

    // The same subject applies again: no tolerance.
    const next = await startCase(ORDINARY, ['sign-design']);
    await expect(next.handle.executeUpdate(acceptCase, { args: [{ actor: WINDOW, tolerateMissing: true }] })).rejects.toMatchObject({
      cause: { type: 'NotEligible', message: expect.stringContaining(caseId) },
    });
    expect((await next.handle.query(getProgress)).status).toBe('submitted');
  });
});

describe('acceptance refused', () => {
  it('refuses acceptance when a core material is missing, listing it', async () => {
    const { handle } = await startCase(GOOD, ['fire-safety-plan', 'sign-design']);
    await expect(handle.executeUpdate(acceptCase, { args: [{ actor: WINDOW, tolerateMissing: true }] })).rejects.toMatchObject({
      cause: { type: 'NotEligible', message: expect.stringContaining('fire-safety-plan') },
    });
    expect((await handle.query(getProgress)).status).toBe('submitted');
  });

  it('refuses tolerance to an applicant with bad credit, with the reason', async () => {
    const { handle } = await startCase(BAD, ['sign-design']);
    await expect(handle.executeUpdate(acceptCase, { args: [{ actor: WINDOW, tolerateMissing: true }] })).rejects.toMatchObject({
      cause: { type: 'NotEligible', message: expect.stringMatching(/bad credit/) },
    });
  });

  it('asks the window to say it tolerates missing materials', async () => {
    const { handle } = await startCase(GOOD, ['sign-design']);
    await expect(handle.executeUpdate(acceptCase, { args: [{ actor: WINDOW }] })).rejects.toMatchObject({
      cause: { type: 'InvalidRequest', message: expect.stringContaining('sign-design') },
    });
  });
});

describe('a supplied material sent back', () => {
  it('reopens the material with the remaining time when its department rejects it', async () => {
    const { handle } = await startCase(GOOD, ['sign-design']);
    const accepted = await handle.executeUpdate(acceptCase, { args: [{ actor: WINDOW, tolerateMissing: true }] });
    const deadline = accepted.commitment!.materials[0]!.deadline;
    await sleepUntil(addWorkingDays(calendar, accepted.commitment!.acceptedAt, 2).instant, -3_600_000);
    await handle.executeUpdate(supplyCommitmentMaterials, { args: [{ materials: [{ id: 'sign-design', ref: 'wrong-file' }] }] });

    await expect(
      handle.executeUpdate(rejectCommitmentMaterial, { args: [{ actor: { department: 'fire-rescue' }, material: 'sign-design', reason: 'x' }] }),
    ).rejects.toMatchObject({ cause: { type: 'WrongDepartment' } });
    const reopened = await handle.executeUpdate(rejectCommitmentMaterial, {
      args: [{ actor: { department: 'urban-management' }, material: 'sign-design', reason: '设计图未标注尺寸' }],
    });
    expect(reopened.commitment).toMatchObject({
      status: 'open',
      materials: [expect.objectContaining({ status: 'missing', deadline, rejections: [expect.objectContaining({ reason: '设计图未标注尺寸' })] })],
    });

    const again = await handle.executeUpdate(supplyCommitmentMaterials, { args: [{ materials: [{ id: 'sign-design', ref: 'right-file' }] }] });
    expect(again.commitment?.status).toBe('fulfilled');
    await expect(handle.executeUpdate(supplyCommitmentMaterials, { args: [{ materials: [{ id: 'sign-design' }] }] })).rejects.toMatchObject({
      cause: { type: 'IllegalTransition' },
    });
  });
});

describe('a commitment kept before the results', () => {
  it('stops watching once its time is over, and issues the results unconditional', async () => {
    const { caseId, handle } = await startCase(GOOD, ['sign-design']);
    const accepted = await handle.executeUpdate(acceptCase, { args: [{ actor: WINDOW, tolerateMissing: true }] });
    await handle.executeUpdate(supplyCommitmentMaterials, { args: [{ materials: [{ id: 'sign-design', ref: 'upload-1' }] }] });
    // The commitment's time runs out while the departments are still working.
    await sleepUntil(accepted.commitment!.materials[0]!.deadline, 3 * 3_600_000);
    await env.sleep('1 hour');
    const timers = (await handle.fetchHistory()).events?.filter((e) => e.timerStartedEventAttributes).length ?? 0;
    expect(timers).toBeLessThan(5); // no busy wait on the past deadline

    // The licence defaulted meanwhile (3 working days); the others still wait for their departments.
    for (const itemId of ['food-permit', 'fire-check', 'outdoor-sign']) {
      const item = env.client.workflow.getHandle(itemWorkflowId(caseId, itemId));
      await eventually(() => item.query(getItem).catch(() => undefined), (v) => v?.status === 'in-review', `${itemId} in review`);
      await item.executeUpdate(approveItem, { args: [{ actor: { department: DEPARTMENTS[itemId]! } }] });
    }
    const final: CaseProgress = await handle.result();
    expect(final.status).toBe('completed');
    expect(final.results.every((r) => !r.conditional)).toBe(true);
    const report = await verifySealed(keys, documents, await sealedResult(caseId, 'outdoor-sign'));
    expect(report.status).toBe('valid');
    expect(report.conditional).toBeUndefined();
  });
});
