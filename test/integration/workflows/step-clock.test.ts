/**
 * A step's own limit (`limitDays`): the step turns yellow, red and overdue, counted from when the item
 * reached it and again from the start after 退回; the case's timeline and progress show it. On the dev
 * server with real time, the clock activity answering the step's 2-day limit in seconds (as the
 * supervision tests do; the working-day arithmetic has its own tests). In our runs the time-skipping
 * test server refused this workflow's task completions ("invalid history builder state for action"),
 * which the dev server accepts.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../../../definitions/compile';
import {
  acceptCase,
  caseWorkflowId,
  completeStep,
  getItem,
  getProgress,
  itemWorkflowId,
  sendBackStep,
  type CaseInput,
  type CaseProgress,
  type ItemView,
} from '../../../workflows/contract';
import { restaurantApplication } from '../../fixtures/applications';
import { eventually } from '../../helpers/stack';
import { startStack, type Stack } from '../../helpers/stack';
import { createDevServerEnv } from '../../helpers/temporal-env';
import { computeItemClock, type ItemClockRequest } from '../../../activities/clock';
import type { ItemClock } from '../../../domain/calendar';

let stack: Stack;
let env: TestWorkflowEnvironment;

/** The step's 2-day limit in 12 seconds (yellow at 3 s, red at 7 s); every other limit as the calendar says. */
async function clock(request: ItemClockRequest): Promise<ItemClock> {
  if (request.days !== 2) return computeItemClock(request);
  const start = Date.parse(request.start);
  const at = (ms: number) => new Date(start + ms).toISOString();
  return { deadline: at(12_000), yellowAt: at(3000), redAt: at(7000), pausedDays: 0, paused: false, estimated: false };
}

beforeAll(async () => {
  env = await createDevServerEnv();
  stack = await startStack(env, { activityOverrides: { computeItemClock: clock } });
});
afterAll(async () => {
  await stack?.close();
  await env?.teardown();
});

const handler = { department: 'market-regulation', officer: 'h', name: '承办人', role: 'handler' as const };
const reviewer = { department: 'market-regulation', officer: 'r', name: '审核人', role: 'reviewer' as const };

describe("a step's own limit", () => {
  it('shows yellow, red and overdue on the step, and starts again after a send-back', async () => {
    const definition = structuredClone(stack.registry.get('open-restaurant').definition);
    definition.id = 'open-restaurant-step-limits';
    const licence = definition.items.find((i) => i.id === 'business-licence')!;
    licence.steps.find((s) => s.id === 'review')!.limitDays = 2;
    const plan = compile(definition);
    const application = restaurantApplication();
    const caseId = `s${Math.random().toString(36).slice(2, 12)}`;
    const input: CaseInput = { caseId, plan, application: { applicant: application.applicant, form: application.form, materials: application.materials }, submittedAt: new Date().toISOString() };
    const caseHandle = await env.client.workflow.start('caseWorkflow', { taskQueue: stack.taskQueue, workflowId: caseWorkflowId(caseId), args: [input] });
    await caseHandle.executeUpdate(acceptCase, { args: [{ actor: { department: plan.window.department } }] });
    const item = env.client.workflow.getHandle(itemWorkflowId(caseId, 'business-licence'));
    await eventually(() => item.query(getItem).catch(() => undefined), (v) => v?.work?.step === 'accept', 'the licence at its first step');

    await item.executeUpdate(completeStep, { args: [{ actor: handler, step: 'accept', opinion: '受理' }] });
    const reviewing = await eventually(() => item.query(getItem), (v: ItemView) => v.work?.clock?.step === 'review', 'the review step clocked');
    const first = reviewing.work!.clock!;
    expect(first).toMatchObject({ card: 'none', deadline: expect.any(String), yellowAt: expect.any(String), redAt: expect.any(String) });

    await eventually(() => item.query(getItem), (v: ItemView) => v.work?.clock?.card === 'yellow', 'yellow');
    await eventually(() => item.query(getItem), (v: ItemView) => v.work?.clock?.card === 'red', 'red');

    // Sent back and completed again: the review's limit counts from the start.
    await item.executeUpdate(sendBackStep, { args: [{ actor: reviewer, step: 'review', to: 'accept', reason: '请补充核对' }] });
    await item.executeUpdate(completeStep, { args: [{ actor: handler, step: 'accept', opinion: '已核对' }] });
    const again = await eventually(() => item.query(getItem), (v: ItemView) => v.work?.clock?.step === 'review' && v.work.clock.deadline !== first.deadline, 'a new review clock');
    expect(again.work?.clock?.card).toBe('none');
    await eventually(() => item.query(getItem), (v: ItemView) => v.work?.clock?.card === 'overdue', 'overdue');
    // The item itself stays in review: its own limit and timeout policy decide, not the step's.
    const view = await item.query(getItem);
    expect(view.status).toBe('in-review');

    const progress = await eventually(
      () => caseHandle.query(getProgress),
      (p: CaseProgress) => p.events.some((e) => e.type === 'item-step-card-overdue'),
      'the overdue step on the timeline',
    );
    expect(progress.events.map((e) => e.type)).toEqual(expect.arrayContaining(['item-step-card-yellow', 'item-step-card-red', 'item-step-card-overdue']));
    expect(progress.items.find((i) => i.id === 'business-licence')?.stepClock).toMatchObject({ card: 'overdue' });
  });
});
