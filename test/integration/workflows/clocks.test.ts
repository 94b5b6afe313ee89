/**
 * Working-day clocks on the time-skipping server: cards, timeout default with a sealed notice,
 * supplements that move the deadline, escalation, overdue items, special steps. Days pass in
 * milliseconds; the calendar activity is the real one (its arithmetic is checked by hand in
 * test/unit/activities/calendar.test.ts).
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addWorkingDays, type WorkingCalendar } from '../../../domain/calendar';
import { MemoryDocumentStore } from '../../../adapters/documents';
import { MemoryKeyStore } from '../../../adapters/keystore';
import { verifySealed, type SealedDocument } from '../../../adapters/sealer';
import { compile } from '../../../definitions/compile';
import type { ExecutionPlan } from '../../../definitions/plan';
import { DefinitionRegistry } from '../../../definitions/registry';
import {
  acceptCase,
  approveItem,
  caseWorkflowId,
  endSpecialStep,
  getItem,
  getProgress,
  itemWorkflowId,
  provideSupplement,
  requestSupplement,
  startSpecialStep,
  type CaseInput,
  type CaseProgress,
  type ItemView,
} from '../../../workflows/contract';
import { enterpriseApplication, restaurantApplication } from '../../fixtures/applications';
import { eventually } from '../../helpers/stack';
import { startWorkflowStack, type WorkflowStack } from '../../helpers/workflow-stack';

let stack: WorkflowStack;
let env: TestWorkflowEnvironment;
let registry: DefinitionRegistry;
let calendar: WorkingCalendar;
let documents: MemoryDocumentStore;
let keys: MemoryKeyStore;

let taskQueue: string;

beforeAll(async () => {
  stack = await startWorkflowStack('clocks');
  ({ env, registry, calendar, documents, keys, taskQueue } = stack);
});
afterAll(async () => {
  await stack?.close();
});

async function startCase(plan: ExecutionPlan, application: ReturnType<typeof restaurantApplication> | ReturnType<typeof enterpriseApplication>) {
  const caseId = `c${Math.random().toString(36).slice(2, 12)}`;
  const input: CaseInput = {
    caseId,
    plan,
    application: { applicant: application.applicant, form: application.form, materials: application.materials },
    submittedAt: new Date(await env.currentTimeMs()).toISOString(),
  };
  const handle = await env.client.workflow.start('caseWorkflow', { taskQueue, workflowId: caseWorkflowId(caseId), args: [input] });
  await handle.executeUpdate(acceptCase, { args: [{ actor: { department: plan.window.department } }] });
  return { caseId, handle };
}

const item = (caseId: string, itemId: string) => env.client.workflow.getHandle(itemWorkflowId(caseId, itemId));

/** The item's view once its clock is set (the first clock activity has answered). */
function clocked(caseId: string, itemId: string): Promise<ItemView> {
  return eventually(() => item(caseId, itemId).query(getItem).catch(() => undefined), (v) => Boolean(v?.clock.deadline), `${itemId}'s clock`) as Promise<ItemView>;
}

function progressOf(caseId: string): Promise<CaseProgress> {
  return env.client.workflow.getHandle(caseWorkflowId(caseId)).query(getProgress);
}

const sleepUntil = (instant: string, plusMs = 0): Promise<void> => stack.sleepUntil(instant, plusMs);

const restaurant = () => registry.get('open-restaurant').plan;
const HOUR = 3_600_000;

describe('timeout default (超时默认)', () => {
  it('approves an undecided item at exactly its deadline, with a sealed notice, and the case completes', async () => {
    const { caseId, handle } = await startCase(restaurant(), restaurantApplication({ sellsTobacco: false }));
    const before = await clocked(caseId, 'business-licence');
    expect(before.clock.deadline).toBe(addWorkingDays(calendar, before.startedAt, 3).instant);

    await sleepUntil(before.clock.deadline!, 1000);
    const defaulted = await eventually(() => item(caseId, 'business-licence').query(getItem), (v) => v.status === 'defaulted', 'the default');
    expect(defaulted.decidedAt).toBe(before.clock.deadline); // at exactly the deadline, not later
    expect(defaulted.clock.card).toBe('overdue');
    expect(defaulted.timeoutNoticeId).toBeTruthy();

    // The notice is sealed with the department's key, by default, and verifies.
    const [notice] = (await documents.list<SealedDocument<{ type: string; documentId: string }>>(`${caseId}/business-licence/timeout-default-notice`));
    expect(notice!.documentId).toBe(defaulted.timeoutNoticeId);
    const report = await verifySealed(keys, documents, notice!.body);
    expect(report).toMatchObject({ status: 'valid', department: 'market-regulation', appliedBy: 'default', signedAt: before.clock.deadline });
    const tampered = structuredClone(notice!.body) as SealedDocument<Record<string, unknown>>;
    tampered.document.deadline = '2099-01-01T00:00:00.000Z';
    expect((await verifySealed(keys, documents, tampered)).status).toBe('invalid');

    // Dependents go ahead as if approved; the 'none' items wait for people, the others default too.
    for (const id of ['food-permit', 'fire-check']) {
      await clocked(caseId, id);
      await item(caseId, id).executeUpdate(approveItem, { args: [{ actor: { department: id === 'food-permit' ? 'market-regulation' : 'fire-rescue' } }] });
    }
    const done = await handle.result();
    expect(done.status).toBe('completed');
    const licence = done.items.find((i: { id: string }) => i.id === 'business-licence');
    expect(licence).toMatchObject({ status: 'defaulted', timeoutNoticeId: defaulted.timeoutNoticeId });
    expect(done.events.some((e: { type: string; item?: string }) => e.type === 'item-defaulted' && e.item === 'business-licence')).toBe(true);
    const result = done.results.find((r: { itemId: string }) => r.itemId === 'business-licence');
    expect(result.decision).toBe('defaulted');
    const sealedResult = (await documents.get<SealedDocument<{ documentId: string }>>(`${caseId}/business-licence/result`))!;
    expect(await verifySealed(keys, documents, sealedResult.body)).toMatchObject({ status: 'valid', appliedBy: 'default' });
  });
});

describe('cards', () => {
  it('turns yellow at 50% and red at 90% of the limit, on the item and its search attribute', async () => {
    const { caseId } = await startCase(restaurant(), restaurantApplication());
    const start = await clocked(caseId, 'business-licence');
    expect(start.clock.card).toBe('none');
    expect(Date.parse(start.clock.yellowAt!)).toBeLessThan(Date.parse(start.clock.redAt!));

    await sleepUntil(start.clock.yellowAt!, 1000);
    const yellow = await eventually(() => item(caseId, 'business-licence').query(getItem), (v) => v.clock.card === 'yellow', 'yellow');
    expect(yellow.status).toBe('in-review');
    expect((await item(caseId, 'business-licence').describe()).searchAttributes.Card).toEqual(['yellow']);

    await sleepUntil(start.clock.redAt!, 1000);
    await eventually(() => item(caseId, 'business-licence').query(getItem), (v) => v.clock.card === 'red', 'red');
    expect((await item(caseId, 'business-licence').describe()).searchAttributes.Card).toEqual(['red']);
    const events = (await progressOf(caseId)).events.map((e) => e.type);
    expect(events).toEqual(expect.arrayContaining(['item-card-yellow', 'item-card-red']));
  });
});

describe('supplements (补正)', () => {
  it('pauses the clock for 4 working days, moves the deadline by exactly 4, and defaults at the moved deadline', async () => {
    const { caseId } = await startCase(restaurant(), restaurantApplication());
    const before = await clocked(caseId, 'business-licence');
    const licence = item(caseId, 'business-licence');
    const paused = await licence.executeUpdate(requestSupplement, {
      args: [{ actor: { department: 'market-regulation' }, reason: '经营场所证明不清晰', materials: [{ material: 'premises-proof', description: '清晰的房产证复印件' }] }],
    });
    expect(paused.status).toBe('supplementing');
    expect(paused.clock.paused).toBe(true);
    await eventually(() => progressOf(caseId), (p) => p.status === 'supplementing', 'the case to be supplementing');

    // The supplement arrives during the 4th working day after the request.
    const requestedAt = paused.supplements[0]!.requestedAt;
    await sleepUntil(addWorkingDays(calendar, requestedAt, 4).instant, -HOUR);
    await licence.executeUpdate(provideSupplement, { args: [{ materials: [{ id: 'premises-proof', ref: 'upload-1' }] }] });
    const resumed = await eventually(() => licence.query(getItem), (v) => v.status === 'in-review' && v.clock.pausedDays === 4, 'the resumed clock');
    const oldDeadline = before.clock.deadline!;
    expect(resumed.clock.deadline).toBe(addWorkingDays(calendar, before.startedAt, 3 + 4).instant);
    // Exactly 4 working days after the old deadline's day.
    expect(resumed.clock.deadline).toBe(addWorkingDays(calendar, new Date(Date.parse(oldDeadline) - 1).toISOString(), 4).instant);
    await eventually(() => progressOf(caseId), (p) => p.status === 'processing', 'the case to resume');

    await sleepUntil(oldDeadline, HOUR);
    expect((await licence.query(getItem)).status).toBe('in-review'); // not at the old deadline

    await sleepUntil(resumed.clock.deadline!, 1000);
    const defaulted = await eventually(() => licence.query(getItem), (v) => v.status === 'defaulted', 'the default at the moved deadline');
    expect(defaulted.decidedAt).toBe(resumed.clock.deadline);
    const events = (await progressOf(caseId)).events.map((e) => e.type);
    expect(events).toEqual(expect.arrayContaining(['supplement-requested', 'supplement-received']));
  });

  it('refuses a supplement from someone else than the applicant’s channel while none is requested', async () => {
    const { caseId } = await startCase(restaurant(), restaurantApplication());
    await clocked(caseId, 'business-licence');
    await expect(item(caseId, 'business-licence').executeUpdate(provideSupplement, { args: [{ materials: [{ id: 'premises-proof' }] }] })).rejects.toMatchObject({
      cause: { type: 'IllegalTransition' },
    });
  });
});

describe('escalate and none', () => {
  it('hands an escalating item to the supervising department with a new deadline, and leaves a none item overdue and open', async () => {
    const { caseId, handle } = await startCase(registry.get('enterprise-startup').plan, enterpriseApplication());
    await clocked(caseId, 'business-registration');
    await item(caseId, 'business-registration').executeUpdate(approveItem, { args: [{ actor: { department: 'market-regulation' } }] });
    const bank = await clocked(caseId, 'bank-account');
    const seal = await clocked(caseId, 'seal-engraving');

    await sleepUntil(bank.clock.deadline!, 1000);
    const escalated = await eventually(() => item(caseId, 'bank-account').query(getItem), (v) => v.department === 'pboc', 'the escalation');
    expect(escalated.status).toBe('in-review');
    expect(escalated.escalations).toEqual([{ at: bank.clock.deadline, from: 'bank', to: 'pboc' }]);
    expect(escalated.clock.card).toBe('none');
    expect(escalated.clock.deadline).toBe(addWorkingDays(calendar, bank.clock.deadline!, 1).instant);
    expect((await item(caseId, 'bank-account').describe()).searchAttributes.Department).toEqual(['pboc']);

    const overdue = await eventually(() => item(caseId, 'seal-engraving').query(getItem), (v) => v.clock.card === 'overdue', 'overdue');
    expect(overdue.status).toBe('in-review'); // 'none': still open, still waiting for a decision
    expect(seal.clock.deadline).toBe(overdue.clock.deadline);

    // The bank may no longer decide; the supervising department may.
    await expect(item(caseId, 'bank-account').executeUpdate(approveItem, { args: [{ actor: { department: 'bank' } }] })).rejects.toMatchObject({
      cause: { type: 'WrongDepartment' },
    });
    await item(caseId, 'bank-account').executeUpdate(approveItem, { args: [{ actor: { department: 'pboc' } }] });
    await item(caseId, 'seal-engraving').executeUpdate(approveItem, { args: [{ actor: { department: 'public-security' } }] });
    const done = await handle.result();
    expect(done.status).toBe('completed');
    const types = done.events.map((e: { type: string }) => e.type);
    expect(types).toEqual(expect.arrayContaining(['item-escalated', 'item-card-overdue', 'item-defaulted']));
    expect(done.items.find((i: { id: string }) => i.id === 'bank-account')).toMatchObject({ status: 'approved', department: 'pboc' });
  });
});

describe('special steps', () => {
  it('pauses the clock during an uncounted inspection and refuses a step that counts', async () => {
    const definition = structuredClone(registry.get('open-restaurant').definition);
    definition.version = 99;
    definition.items.find((i) => i.id === 'business-licence')!.steps.push({
      id: 'expert-panel',
      title: { zh: '专家评审', en: 'Expert review' },
      kind: 'expert-review',
      countsTowardLimit: false,
    });
    const { caseId } = await startCase(compile(definition), restaurantApplication());
    const before = await clocked(caseId, 'business-licence');
    const licence = item(caseId, 'business-licence');
    const actor = { department: 'market-regulation' };
    await expect(licence.executeUpdate(startSpecialStep, { args: [{ actor, step: 'review' }] })).rejects.toMatchObject({ cause: { type: 'InvalidRequest' } });

    const inStep = await licence.executeUpdate(startSpecialStep, { args: [{ actor, step: 'expert-panel' }] });
    expect(inStep).toMatchObject({ status: 'special-step', specialStep: { step: 'expert-panel' } });
    await expect(licence.executeUpdate(approveItem, { args: [{ actor }] })).rejects.toMatchObject({ cause: { type: 'IllegalTransition' } });

    await sleepUntil(addWorkingDays(calendar, inStep.specialStep!.startedAt, 2).instant, -HOUR);
    await licence.executeUpdate(endSpecialStep, { args: [{ actor }] });
    const after = await eventually(() => licence.query(getItem), (v) => v.clock.pausedDays === 2, 'the resumed clock');
    expect(after.clock.deadline).toBe(addWorkingDays(calendar, before.startedAt, 3 + 2).instant);
  });

  it('refuses to pause the clock for an uncounted step that art. 45 does not exempt, in a plan that lint never saw', async () => {
    // As pinned by a case of a version published before lint refused it (compile lints today).
    const plan = structuredClone(restaurant());
    plan.items.find((i) => i.id === 'business-licence')!.steps.find((s) => s.id === 'accept')!.countsTowardLimit = false;
    const { caseId } = await startCase(plan, restaurantApplication());
    await clocked(caseId, 'business-licence');
    const licence = item(caseId, 'business-licence');
    await expect(licence.executeUpdate(startSpecialStep, { args: [{ actor: { department: 'market-regulation' }, step: 'accept' }] })).rejects.toMatchObject({
      cause: { type: 'InvalidRequest', message: expect.stringContaining('"accept" step') },
    });
    expect(await licence.query(getItem)).toMatchObject({ status: 'in-review', clock: { paused: false } });
  });
});
