/**
 * Cards, defaults and seals as departments, supervisors and verifiers see them over HTTP, on a real
 * dev server (visibility queries need it). The dev server's time is real, so the clock activity is
 * replaced by one whose limits pass in seconds; everything else (workflows, sealing, visibility) is
 * the real thing, and the calendar arithmetic has its own tests.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ItemClock } from '../../../domain/calendar';
import type { ItemClockRequest } from '../../../activities/clock';
import type { Statistics } from '../../../api/services/statistics';
import type { CaseProgress } from '../../../workflows/contract';
import { restaurantApplication } from '../../fixtures/applications';
import { eventually, startStack, type Stack } from '../../helpers/stack';
import { createDevServerEnv } from '../../helpers/temporal-env';

let env: TestWorkflowEnvironment;
let stack: Stack;

/**
 * A clock where every limit passes in 14 seconds: yellow at 4 s, red at 10 s (not 50%/90%: the card
 * windows are kept wide so a busy machine cannot skip one; the real fractions are tested on the
 * time-skipping server).
 */
async function fastClock(request: ItemClockRequest): Promise<ItemClock> {
  const start = Date.parse(request.start);
  const at = (ms: number) => new Date(start + ms).toISOString();
  return { deadline: at(14_000), yellowAt: at(4000), redAt: at(10_000), pausedDays: 0, paused: false, estimated: false };
}

beforeAll(async () => {
  env = await createDevServerEnv();
  stack = await startStack(env, { activityOverrides: { computeItemClock: fastClock } });
});
afterAll(async () => {
  await stack?.close();
  await env?.teardown();
});

async function startAcceptedCase(): Promise<string> {
  const started = await stack.as('integrator', { method: 'POST', url: '/cases', payload: restaurantApplication() });
  expect(started.statusCode, started.body).toBe(201);
  const caseId = started.json().caseId as string;
  expect((await stack.as('window-gov-service', { method: 'POST', url: `/cases/${caseId}/accept`, payload: {} })).statusCode).toBe(200);
  return caseId;
}

const inbox = (query: string) =>
  stack.as('officer-market-regulation', { method: 'GET', url: `/departments/market-regulation/inbox?${query}` }).then((r) => r.json());
const supervision = (query: string) => stack.as('supervisor', { method: 'GET', url: `/supervision/items?${query}` }).then((r) => r.json());
const has = (caseId: string) => (page: { items: Array<{ caseId: string; itemId: string }> }) =>
  page.items.some((i) => i.caseId === caseId && i.itemId === 'business-licence');

describe('cards and defaults over HTTP', () => {
  it('shows the item yellow, then red in the inbox filter, then defaulted at the supervision desk with a verifiable notice', async () => {
    const caseId = await startAcceptedCase();
    const yellow = await eventually(() => inbox('card=yellow'), has(caseId), 'a yellow card in the inbox');
    const entry = yellow.items.find((i: { caseId: string }) => i.caseId === caseId);
    expect(entry).toMatchObject({ status: 'in-review', card: 'yellow', deadline: expect.any(String) });
    expect(has(caseId)(await inbox('card=red'))).toBe(false);

    await eventually(() => inbox('card=red'), has(caseId), 'a red card in the inbox');
    await eventually(() => supervision('status=defaulted'), has(caseId), 'the default at the supervision desk');
    // Settled items are listed when their status is asked for; the open ones by default.
    expect(has(caseId)(await supervision('status=defaulted&card=overdue'))).toBe(true);
    expect(has(caseId)(await supervision('card=overdue'))).toBe(false);

    const progress = await eventually(
      async (): Promise<CaseProgress> => (await stack.as('supervisor', { method: 'GET', url: `/cases/${caseId}` })).json(),
      (p) => p.items.some((i) => i.id === 'business-licence' && i.status === 'defaulted'),
      'the case to record the default',
    );
    const licence = progress.items.find((i) => i.id === 'business-licence')!;
    expect(licence).toMatchObject({ status: 'defaulted', timeoutNoticeId: expect.any(String) });
    expect(progress.events.map((e) => e.type)).toEqual(expect.arrayContaining(['item-card-yellow', 'item-card-red', 'item-defaulted']));

    // The notice is a sealed document anyone can verify; one changed byte makes it invalid.
    const documents = (await stack.as('integrator', { method: 'GET', url: `/cases/${caseId}/documents` })).json();
    const notice = documents.find((d: { type: string }) => d.type === 'timeout-default-notice');
    expect(notice.documentId).toBe(licence.timeoutNoticeId);
    const verify = (body: object) => stack.app.inject({ method: 'POST', url: '/seals/verify', payload: body }).then((r) => r.json());
    expect(await verify({ document: notice.document, seal: notice.seal })).toMatchObject({
      status: 'valid',
      department: 'market-regulation',
      appliedBy: 'default',
    });
    const tampered = { ...notice.document, holder: { ...notice.document.holder, name: `${notice.document.holder.name}x` } };
    expect((await verify({ document: tampered, seal: notice.seal })).status).toBe('invalid');
  });

  it('keeps the supervision desk to supervisors', async () => {
    const response = await stack.as('officer-market-regulation', { method: 'GET', url: '/supervision/items?card=red' });
    expect(response.statusCode).toBe(403);
  });
});

describe('POST /cases/:caseId/supplements', () => {
  it('lets a department request a supplement and the integrator supply it, over HTTP', async () => {
    const caseId = await startAcceptedCase();
    await eventually(() => inbox('status=in-review'), has(caseId), 'the item in review');
    const requested = await stack.as('officer-market-regulation', {
      method: 'POST',
      url: `/cases/${caseId}/items/business-licence/supplement-requests`,
      payload: { reason: '租赁合同缺少签章页', materials: [{ material: 'premises-proof', description: '带签章页的租赁合同' }] },
    });
    expect(requested.statusCode, requested.body).toBe(200);
    expect(requested.json()).toMatchObject({ status: 'supplementing', clock: { paused: true } });
    await eventually(() => inbox('status=supplementing'), has(caseId), 'the item supplementing in the inbox');

    const foreign = await stack.as('officer-fire-rescue', {
      method: 'POST',
      url: `/cases/${caseId}/items/business-licence/supplement-requests`,
      payload: { reason: 'x', materials: [{ description: 'y' }] },
    });
    expect(foreign.statusCode).toBe(403);

    const supplied = await stack.as('integrator', {
      method: 'POST',
      url: `/cases/${caseId}/supplements`,
      payload: { itemId: 'business-licence', materials: [{ id: 'premises-proof', ref: 'upload-42' }] },
    });
    expect(supplied.statusCode, supplied.body).toBe(200);
    expect(supplied.json().supplements[0]).toMatchObject({ reason: '租赁合同缺少签章页', supplied: [{ id: 'premises-proof', ref: 'upload-42' }] });

    const again = await stack.as('integrator', {
      method: 'POST',
      url: `/cases/${caseId}/supplements`,
      payload: { itemId: 'business-licence', materials: [{ id: 'premises-proof' }] },
    });
    expect(again.statusCode).toBe(409);
  });
});

describe('GET /statistics', () => {
  it('reports decided items, on-time and same-day rates and defaults from real cases', async () => {
    const caseId = await startAcceptedCase();
    await eventually(() => inbox('status=in-review'), has(caseId), 'the item in review');
    const approved = await stack.as('officer-market-regulation', { method: 'POST', url: `/cases/${caseId}/items/business-licence/approve`, payload: {} });
    expect(approved.statusCode).toBe(200);

    const stats = await eventually(
      async (): Promise<Statistics> => (await stack.as('supervisor', { method: 'GET', url: '/statistics?bundleId=open-restaurant' })).json(),
      (s) => s.items.approved >= 1 && s.items.defaulted >= 1,
      'statistics with an approval and a default',
    );
    expect(stats.bundleId).toBe('open-restaurant');
    expect(stats.items.decided).toBe(stats.items.approved + stats.items.rejected + stats.items.defaulted);
    expect(stats.instant.sameDay).toBeGreaterThanOrEqual(1); // approved within the day it arrived
    expect(stats.onTime.rate).toBe(Math.round((stats.onTime.count / stats.items.decided) * 100) / 100);
    expect(stats.handlingWorkingDays.meanPromisedLimit).toBeGreaterThan(0);
    expect(stats.cases.processing + stats.cases.completed + stats.cases.terminated).toBeGreaterThanOrEqual(2);
    expect((await stack.as('officer-market-regulation', { method: 'GET', url: '/statistics' })).statusCode).toBe(403);
  });
});
