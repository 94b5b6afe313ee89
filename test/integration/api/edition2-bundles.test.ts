/**
 * The bundles of the definition format's second edition, end to end over HTTP on the time-skipping
 * server: a case of each run to completion through the API. 企业注销 (simple procedure): its 20-day
 * public notice starts when the deregistration reaches its department, holds the decision, and ends by
 * itself; the customs filing is registered when its check period ends, the bank and seal filings at
 * once, each with a sealed receipt. 二手房过户: the register search is decided at the window within the
 * acceptance, the utilities follow the recorded transfer as filings (a household) or approvals (a shop
 * above 100 kVA), the gas filing after its check period; the transfer's result names the contract filing
 * merged into it. The general procedure: the liquidation group filed at once, the creditors' notice
 * alone (the simple procedure's step left out by its condition), a filing registered early, an
 * objection during the notice ending the case. Every case carries its case number (办件编号) in
 * progress, on its results and in the search attributes.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseProgress, ItemProgress } from '../../../workflows/contract';
import { caseWorkflowId, CaseNumberKey, getItem, itemWorkflowId } from '../../../workflows/contract';
import { deregistrationApplication, propertyTransferApplication } from '../../fixtures/applications';
import { eventually, startStack, type Stack } from '../../helpers/stack';
import { createTimeSkippingEnv } from '../../helpers/temporal-env';

let env: TestWorkflowEnvironment;
let stack: Stack;

beforeAll(async () => {
  env = await createTimeSkippingEnv();
  stack = await startStack(env);
});
afterAll(async () => {
  await stack?.close();
  await env?.teardown();
});

interface Answer {
  status: number;
  body: any;
}

async function call(who: string, method: 'GET' | 'POST', url: string, payload?: object, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await stack.as(who, { method, url, headers, ...(payload ? { payload } : {}) });
  return { status: response.statusCode, body: response.body ? response.json() : undefined };
}

async function ok(answer: Promise<Answer>, status = 200): Promise<any> {
  const a = await answer;
  expect(a.status, JSON.stringify(a.body)).toBe(status);
  return a.body;
}

const progress = (caseId: string): Promise<CaseProgress> => ok(call('supervisor', 'GET', `/cases/${caseId}`));
const item = (p: CaseProgress, id: string): ItemProgress => p.items.find((i) => i.id === id)!;
const until = (caseId: string, accept: (p: CaseProgress) => boolean, what: string) => eventually(() => progress(caseId), accept, what);
const approve = (department: string, caseId: string, itemId: string) => call(`officer-${department}`, 'POST', `/cases/${caseId}/items/${itemId}/approve`, {});

async function sleepUntil(instant: string, plusMs = 0): Promise<void> {
  const ms = Date.parse(instant) + plusMs - (await env.currentTimeMs());
  if (ms > 0) await env.sleep(ms);
}

/** Every result's document is sealed by its department, and the seal verifies. */
async function expectSealed(caseId: string, results: CaseProgress['results']): Promise<void> {
  const documents: Array<{ documentId: string; document: any; seal: any }> = await ok(call('integrator', 'GET', `/cases/${caseId}/documents`));
  for (const result of results) {
    const doc = documents.find((d) => d.documentId === result.documentId);
    expect(doc, result.itemId).toBeDefined();
    const verified = await stack.app.inject({ method: 'POST', url: '/seals/verify', payload: { document: doc!.document, seal: doc!.seal } });
    expect(verified.json(), result.itemId).toMatchObject({ status: 'valid', department: result.department });
  }
}

describe('企业注销 (enterprise-deregistration), simple procedure', () => {
  it('completes over HTTP: the 20-day notice ends by itself, the filings are registered with sealed receipts', async () => {
    const started = await ok(call('integrator', 'POST', '/cases', deregistrationApplication(), { 'idempotency-key': `dereg-${Math.random()}` }), 201);
    const caseId: string = started.caseId;
    expect(started.caseNumber).toMatch(/^QYZX-\d{8}-\d{6}$/);
    expect((await progress(caseId)).caseNumber).toBe(started.caseNumber);
    const described = await env.client.workflow.getHandle(caseWorkflowId(caseId)).describe();
    expect(described.typedSearchAttributes.get(CaseNumberKey)).toBe(started.caseNumber);

    await ok(call('window-gov-service', 'POST', `/cases/${caseId}/accept`, {}));
    const dispatched = await until(
      caseId,
      (p) => ['tax-deregistration', 'customs-deregistration', 'enterprise-deregistration'].every((id) => item(p, id).status === 'in-review') && !!item(p, 'enterprise-deregistration').timedStep,
      'the first items, the notice running',
    );
    // The general procedure's filing does not apply; the notice is the simple procedure's, not the creditors'.
    expect(item(dispatched, 'liquidation-filing').status).toBe('skipped');
    const notice = item(dispatched, 'enterprise-deregistration').timedStep!;
    expect(notice).toMatchObject({ step: 'simple-notice', counted: false });
    // 20 calendar days from the day after dispatch, to the end of a working day.
    expect(Date.parse(notice.endsAt) - Date.parse(notice.startedAt)).toBeGreaterThanOrEqual(20 * 86_400_000);
    expect(item(dispatched, 'enterprise-deregistration').clock?.paused).toBe(true); // the notice is not the department's time
    expect(dispatched.events.some((e) => e.type === 'item-step-timer-start' && e.item === 'enterprise-deregistration')).toBe(true);

    // During the notice the department cannot grant deregistration.
    const early = await approve('market-regulation', caseId, 'enterprise-deregistration');
    expect(early.status).toBe(409);
    expect(JSON.stringify(early.body)).toMatch(/timed step/);
    await ok(approve('taxation', caseId, 'tax-deregistration'));

    // Time passes: the customs filing's check period ends first (registered), then the notice.
    await sleepUntil(notice.endsAt, 1000);
    const afterNotice = await until(
      caseId,
      (p) => !item(p, 'enterprise-deregistration').timedStep && item(p, 'customs-deregistration').status === 'filed',
      'the notice to end by itself and customs to be filed',
    );
    expect(item(afterNotice, 'enterprise-deregistration').status).toBe('in-review');
    expect(item(afterNotice, 'enterprise-deregistration').clock?.paused).toBe(false);
    expect(afterNotice.events.some((e) => e.type === 'item-step-timer-end' && e.item === 'enterprise-deregistration')).toBe(true);
    expect(afterNotice.events.some((e) => e.type === 'item-filed' && e.item === 'customs-deregistration')).toBe(true);

    await ok(approve('market-regulation', caseId, 'enterprise-deregistration'));
    await until(caseId, (p) => item(p, 'social-insurance-deregistration').status === 'in-review', 'social insurance after deregistration');
    await ok(approve('human-resources', caseId, 'social-insurance-deregistration'));

    const done = await until(caseId, (p) => p.status === 'completed', 'completion');
    expect(Object.fromEntries(done.items.map((i) => [i.id, i.status]))).toEqual({
      'tax-deregistration': 'approved',
      'customs-deregistration': 'filed',
      'liquidation-filing': 'skipped',
      'enterprise-deregistration': 'approved',
      'social-insurance-deregistration': 'approved',
      'bank-account-closure': 'filed',
      'seal-deregistration': 'filed',
    });
    const receipts = done.results.filter((r) => r.decision === 'filed');
    expect(receipts.map((r) => [r.itemId, r.kind, r.title.zh]).sort()).toEqual([
      ['bank-account-closure', 'filing', '银行账户注销预约回执'],
      ['customs-deregistration', 'filing', '报关单位备案注销回执'],
      ['seal-deregistration', 'filing', '印章注销备案回执'],
    ]);
    expect(done.results).toHaveLength(6);
    expect(done.results.every((r) => r.caseNumber === started.caseNumber)).toBe(true);
    await expectSealed(caseId, done.results);
  });
});

describe('企业注销 (enterprise-deregistration), general procedure', () => {
  it('files the liquidation group at once, runs the creditors\' notice alone, registers customs early, and ends on an objection', async () => {
    const application = deregistrationApplication({ procedure: 'general', bankAccounts: 0 });
    const started = await ok(call('integrator', 'POST', '/cases', application, { 'idempotency-key': `general-${Math.random()}` }), 201);
    const caseId: string = started.caseId;
    await ok(call('window-gov-service', 'POST', `/cases/${caseId}/accept`, {}));
    const p = await until(
      caseId,
      (x) => item(x, 'liquidation-filing').status === 'filed' && !!item(x, 'enterprise-deregistration').timedStep,
      'the liquidation group filed, then the notice',
    );
    // No account to close (bankAccounts ≥ 1 does not hold); the filing decided nothing, by no one.
    expect(item(p, 'bank-account-closure').status).toBe('skipped');
    expect(item(p, 'liquidation-filing').decidedBy).toBeUndefined();
    expect(item(p, 'enterprise-deregistration').timedStep).toMatchObject({ step: 'creditor-notice', counted: false });
    // The step for the other procedure is not there at all.
    const view = await env.client.workflow.getHandle(itemWorkflowId(caseId, 'enterprise-deregistration')).query(getItem);
    expect(view.work!.steps.map((s) => [s.id, s.timed?.days])).toEqual([
      ['creditor-notice', 45],
      ['accept', undefined],
      ['review', undefined],
      ['decide', undefined],
    ]);

    // A filing approved within its check period is registered early: filed, not approved.
    await until(caseId, (x) => item(x, 'customs-deregistration').status === 'in-review', 'customs');
    const early = await ok(approve('customs', caseId, 'customs-deregistration'));
    expect(early.status).toBe('filed');

    // Nothing else may stop the clock during the notice; an objection rejects.
    const supplement = await call('officer-market-regulation', 'POST', `/cases/${caseId}/items/enterprise-deregistration/supplement-requests`, {
      reason: '补充清算报告',
      materials: [{ material: 'liquidation-report', description: '签字页' }],
    });
    expect(supplement.status, JSON.stringify(supplement.body)).toBe(409);
    await ok(call('officer-market-regulation', 'POST', `/cases/${caseId}/items/enterprise-deregistration/reject`, { reason: '公告期内债权人提出异议' }));
    const ended = await until(caseId, (x) => x.status === 'rejected' && item(x, 'tax-deregistration').status === 'cancelled', 'the case to end');
    expect(ended.rejection).toMatchObject({ item: 'enterprise-deregistration', reason: '公告期内债权人提出异议' });
    expect(ended.results).toEqual([]);
  });
});

describe('二手房转移登记及水电气网联动过户 (property-transfer-utilities)', () => {
  it('completes a household\'s case over HTTP: the register search decided at the window, utilities filed, gas after its check period', async () => {
    const started = await ok(call('integrator', 'POST', '/cases', propertyTransferApplication(), { 'idempotency-key': `home-${Math.random()}` }), 201);
    const caseId: string = started.caseId;
    expect(started.caseNumber).toMatch(/^ESFGH-\d{8}-\d{6}$/);

    const accepted = await ok(call('window-real-estate-registration', 'POST', `/cases/${caseId}/accept`, {}));
    expect(accepted.status).toBe('accepted');
    // 即办件 of the window's own department: decided within the acceptance, by the officer who accepted.
    const first = await until(caseId, (p) => item(p, 'transaction-tax').status === 'in-review', 'the taxes');
    expect(item(first, 'register-inquiry')).toMatchObject({ status: 'approved', decidedBy: { department: 'real-estate-registration' } });
    expect(item(first, 'register-inquiry').reason).toMatch(/即办件/);
    // An instant item elsewhere: due the same working day.
    const taxClock = item(first, 'transaction-tax').clock!;
    expect(taxClock.deadline!.slice(0, 10) <= new Date(Date.parse(item(first, 'transaction-tax').startedAt!) + 86_400_000).toISOString().slice(0, 10)).toBe(true);

    await ok(approve('taxation', caseId, 'transaction-tax'));
    await until(caseId, (p) => item(p, 'transfer-registration').status === 'in-review', 'the transfer');
    await ok(approve('real-estate-registration', caseId, 'transfer-registration'));

    // A household: water and power filed at once, network at once, gas checked for a working day.
    const linked = await until(
      caseId,
      (p) => ['water-transfer', 'power-transfer', 'network-transfer'].every((id) => item(p, id).status === 'filed') && item(p, 'gas-transfer').status === 'in-review',
      'the utility transfers',
    );
    const gasDeadline = item(linked, 'gas-transfer').clock!.deadline!;
    await sleepUntil(gasDeadline, 1000);
    const done = await until(caseId, (p) => p.status === 'completed', 'completion');
    expect(item(done, 'gas-transfer').status).toBe('filed');

    const byItem = Object.fromEntries(done.results.map((r) => [r.itemId, r]));
    expect(Object.keys(byItem).sort()).toEqual(['gas-transfer', 'network-transfer', 'power-transfer', 'register-inquiry', 'transaction-tax', 'transfer-registration', 'water-transfer']);
    expect(byItem['water-transfer']).toMatchObject({ decision: 'filed', kind: 'filing', title: { zh: '供水过户备案回执' } });
    expect(byItem['power-transfer']).toMatchObject({ decision: 'filed', kind: 'filing', title: { zh: '供电过户备案回执' } });
    expect(byItem['transfer-registration']).toMatchObject({ decision: 'approved', absorbs: [{ code: '999990019000', title: { zh: '存量房买卖合同网签备案' } }] });
    await expectSealed(caseId, done.results);
  });

  it('makes a shop above 100 kVA an approval for water and power, without writing the items twice', async () => {
    const started = await ok(call('integrator', 'POST', '/cases', propertyTransferApplication({ propertyUse: 'non-residential', contractedCapacityKva: 200 }), { 'idempotency-key': `shop-${Math.random()}` }), 201);
    const caseId: string = started.caseId;
    await ok(call('window-real-estate-registration', 'POST', `/cases/${caseId}/accept`, {}));
    await until(caseId, (p) => item(p, 'transaction-tax').status === 'in-review', 'the taxes');
    await ok(approve('taxation', caseId, 'transaction-tax'));
    await until(caseId, (p) => item(p, 'transfer-registration').status === 'in-review', 'the transfer');
    await ok(approve('real-estate-registration', caseId, 'transfer-registration'));
    // Water and power wait for their departments; the network transfer is still a filing, registered at once.
    const linked = await until(
      caseId,
      (p) => item(p, 'water-transfer').status === 'in-review' && item(p, 'power-transfer').status === 'in-review' && item(p, 'network-transfer').status === 'filed',
      'the approvals',
    );
    await ok(approve('water', caseId, 'water-transfer'));
    await ok(approve('power', caseId, 'power-transfer'));
    await sleepUntil(item(linked, 'gas-transfer').clock!.deadline!, 1000);
    const done = await until(caseId, (p) => p.status === 'completed', 'completion');
    const byItem = Object.fromEntries(done.results.map((r) => [r.itemId, r]));
    expect(byItem['water-transfer']).toMatchObject({ decision: 'approved', kind: 'registration', title: { zh: '供水用户变更确认书' } });
    expect(byItem['power-transfer']).toMatchObject({ decision: 'approved', kind: 'registration' });
    // Numbers are drawn per bundle code and day: this case's follows the household's.
    expect(Number(started.caseNumber.slice(-6))).toBeGreaterThan(1);
  });
});
