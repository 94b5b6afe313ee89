/**
 * Officers signed in at the embedded OIDC provider work a restaurant case's items through their steps
 * over HTTP: 受理 claimed and completed, 退回 once, completed again, 审查, then the head's decision;
 * another item 转办 to a second handler who takes it on; a 会签 step signed by two roles; a supervisor's
 * 催办 in the outbox and on the timeline. People of the wrong role or department are refused with 403
 * and nothing changes.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../adapters/db/schema';
import { PeopleDirectory } from '../../../adapters/people';
import { BearerAuthenticator, JwtAuthenticator } from '../../../api/oidc';
import { PROJECT_ROOT } from '../../../runtime/config';
import type { CaseProgress, ItemView } from '../../../workflows/contract';
import { restaurantApplication } from '../../fixtures/applications';
import { openTestPglite } from '../../helpers/databases';
import { signIn, startTestOidc, type TestOidc } from '../../helpers/oidc';
import { eventually, startStack, type Stack } from '../../helpers/stack';
import { createDevServerEnv } from '../../helpers/temporal-env';

const BUNDLE = 'open-restaurant-cosign';
let env: TestWorkflowEnvironment;
let oidc: TestOidc;
let db: Kysely<Database>;
let stack: Stack;
const tokens = new Map<string, string>();

beforeAll(async () => {
  [env, oidc, db] = await Promise.all([createDevServerEnv(), startTestOidc(), openTestPglite()]);
  const verifier = new JwtAuthenticator({ issuer: oidc.issuer, audience: oidc.audience });
  stack = await startStack(env, { database: db, people: await PeopleDirectory.fromFile(), authenticator: (apiKeys) => new BearerAuthenticator(verifier, apiKeys) });
  // The restaurant bundle with a 会签 review of the shop sign: its reviewer and its head both sign.
  const definition = JSON.parse(await readFile(join(PROJECT_ROOT, 'definitions', 'bundles', 'open-restaurant.json'), 'utf8'));
  definition.id = BUNDLE;
  const sign = definition.items.find((i: { id: string }) => i.id === 'outdoor-sign');
  sign.steps.find((s: { id: string }) => s.id === 'review').countersign = { roles: ['reviewer', 'head'], mode: 'all' };
  const published = await stack.as('designer', { method: 'POST', url: '/definitions', payload: definition });
  expect(published.statusCode, published.body).toBe(201);
});
afterAll(async () => {
  await stack?.close();
  await oidc?.close();
  await db?.destroy();
  await env?.teardown();
});

async function tokenOf(person: string): Promise<string> {
  if (!tokens.has(person)) tokens.set(person, (await signIn(oidc.issuer, person)).access_token);
  return tokens.get(person)!;
}

async function as(person: string, url: string, payload: unknown = {}, method: 'GET' | 'POST' = 'POST') {
  return stack.app.inject({ method, url, headers: { authorization: `Bearer ${await tokenOf(person)}` }, ...(method === 'POST' ? { payload: payload as object } : {}) });
}

/** A step act by a person, which must succeed: the item's view. */
async function step(person: string, caseId: string, item: string, stepId: string, act: string, payload: unknown = {}): Promise<ItemView> {
  const response = await as(person, `/cases/${caseId}/items/${item}/steps/${stepId}/${act}`, payload);
  expect(response.statusCode, `${person} ${act} ${item}/${stepId}: ${response.body}`).toBe(200);
  return response.json();
}

const progress = async (caseId: string): Promise<CaseProgress> => (await stack.as('supervisor', { method: 'GET', url: `/cases/${caseId}` })).json();
const itemOf = async (caseId: string, item: string) => (await progress(caseId)).items.find((i) => i.id === item)!;
const inReview = (caseId: string, item: string) => eventually(() => itemOf(caseId, item), (i) => i.status === 'in-review', `${item} in review`);

describe('items worked through their steps by signed-in officers', () => {
  it('runs 受理 → 退回 → 审查 → 决定, 转办, 会签 and 催办 with tokens from the embedded provider, refusing the wrong people', async () => {
    const started = await stack.as('integrator', { method: 'POST', url: '/cases', payload: { ...restaurantApplication(), bundleId: BUNDLE } });
    expect(started.statusCode, started.body).toBe(201);
    const caseId: string = started.json().caseId;
    expect((await stack.as('window-gov-service', { method: 'POST', url: `/cases/${caseId}/accept`, payload: {} })).statusCode).toBe(200);
    await inReview(caseId, 'business-licence');

    // --- business licence: claim, complete, send back once, complete again, review, decide.
    const claimed = await step('market-regulation-handler', caseId, 'business-licence', 'accept', 'claim');
    expect(claimed.work).toMatchObject({ step: 'accept', role: 'handler', holder: { officer: 'market-regulation-handler', role: 'handler' } });
    // The wrong role, a second handler while it is held, another department, an API key: refused, nothing changes.
    expect((await as('market-regulation-reviewer', `/cases/${caseId}/items/business-licence/steps/accept/claim`)).statusCode).toBe(403);
    expect((await as('market-regulation-handler-2', `/cases/${caseId}/items/business-licence/steps/accept/complete`, { opinion: '材料齐全' })).statusCode).toBe(409);
    expect((await as('fire-rescue-handler', `/cases/${caseId}/items/business-licence/steps/accept/claim`)).statusCode).toBe(403);
    expect((await stack.as('officer-market-regulation', { method: 'POST', url: `/cases/${caseId}/items/business-licence/steps/accept/claim`, payload: {} })).statusCode).toBe(403);
    expect((await as('market-regulation-head', `/cases/${caseId}/items/business-licence/approve`, {})).statusCode).toBeGreaterThanOrEqual(400);
    const unchanged = await stack.as('supervisor', { method: 'GET', url: `/cases/${caseId}` });
    expect(unchanged.json().items.find((i: { id: string }) => i.id === 'business-licence')).toMatchObject({ status: 'in-review', step: 'accept', holder: { officer: 'market-regulation-handler' } });

    // A person's inbox: the items at their role's steps or held by them; all=true the department's.
    type Page = { items: Array<{ caseId: string; itemId: string; step?: string; stepRole?: string; holder?: string }> };
    const inboxOf = async (person: string, query = ''): Promise<Page> =>
      (await as(person, `/departments/market-regulation/inbox?pageSize=100${query}`, undefined, 'GET')).json();
    const listed = (page: Page) => page.items.some((i) => i.caseId === caseId && i.itemId === 'business-licence');
    await eventually(() => inboxOf('market-regulation-handler'), listed, "the held licence in its handler's inbox");
    expect(listed(await inboxOf('market-regulation-reviewer'))).toBe(false);
    expect(listed(await inboxOf('market-regulation-handler-2'))).toBe(false); // held by the first handler
    expect(listed(await inboxOf('market-regulation-reviewer', '&all=true'))).toBe(true);

    await step('market-regulation-handler', caseId, 'business-licence', 'accept', 'complete', { opinion: '材料齐全，予以受理' });
    const atReview = await eventually(() => inboxOf('market-regulation-reviewer'), listed, "the licence in the reviewer's inbox at 审查");
    expect(atReview.items.find((i) => i.caseId === caseId && i.itemId === 'business-licence')).toMatchObject({ step: 'review', stepRole: 'reviewer' });
    expect(listed(await inboxOf('market-regulation-handler'))).toBe(false);
    const back = await step('market-regulation-reviewer', caseId, 'business-licence', 'review', 'send-back', { to: 'accept', reason: '经营范围填写不规范' });
    expect(back.work).toMatchObject({ step: 'accept', holder: { officer: 'market-regulation-handler' } }); // back to who completed it
    await step('market-regulation-handler', caseId, 'business-licence', 'accept', 'complete', { opinion: '已核对经营范围' });
    await step('market-regulation-reviewer', caseId, 'business-licence', 'review', 'complete', { opinion: '审查通过' });
    expect((await as('market-regulation-reviewer', `/cases/${caseId}/items/business-licence/steps/decide/complete`, { opinion: '同意', decision: 'approve' })).statusCode).toBe(403);
    const decided = await step('market-regulation-head', caseId, 'business-licence', 'decide', 'complete', { opinion: '准予登记', decision: 'approve' });
    expect(decided.status).toBe('approved');
    expect(decided.decidedBy).toMatchObject({ officer: 'market-regulation-head', role: 'head', name: expect.any(String) });

    // --- food permit: 转办 to the second handler, who takes it through; the head decides.
    await inReview(caseId, 'food-permit');
    await step('market-regulation-handler', caseId, 'food-permit', 'accept', 'claim');
    expect((await as('market-regulation-handler', `/cases/${caseId}/items/food-permit/steps/accept/transfer`, { to: { officer: 'market-regulation-reviewer' }, reason: '请假' })).statusCode).toBe(422);
    const transferred = await step('market-regulation-handler', caseId, 'food-permit', 'accept', 'transfer', { to: { officer: 'market-regulation-handler-2' }, reason: '本人出差，转同事办理' });
    expect(transferred.work?.holder).toMatchObject({ officer: 'market-regulation-handler-2' });
    expect((await as('market-regulation-handler', `/cases/${caseId}/items/food-permit/steps/accept/complete`, { opinion: '受理' })).statusCode).toBe(409);
    await step('market-regulation-handler-2', caseId, 'food-permit', 'accept', 'complete', { opinion: '受理' });
    await step('market-regulation-reviewer', caseId, 'food-permit', 'review', 'complete', { opinion: '审查通过' });
    await step('market-regulation-handler-2', caseId, 'food-permit', 'site-check', 'complete', { opinion: '现场核查符合要求' });
    expect((await step('market-regulation-head', caseId, 'food-permit', 'decide', 'complete', { opinion: '准予许可', decision: 'approve' })).status).toBe('approved');

    // --- shop sign: a 会签 review signed by the reviewer and the head, then the head decides.
    await inReview(caseId, 'outdoor-sign');
    await step('urban-management-handler', caseId, 'outdoor-sign', 'accept', 'complete', { opinion: '受理' });
    expect((await as('urban-management-handler', `/cases/${caseId}/items/outdoor-sign/steps/review/sign`, { opinion: '同意', agree: true })).statusCode).toBe(403);
    const half = await step('urban-management-reviewer', caseId, 'outdoor-sign', 'review', 'sign', { opinion: '设置位置符合规划', agree: true });
    expect(half.work).toMatchObject({ step: 'review', signatures: [{ party: 'role:reviewer', agree: true }] });
    expect((await as('urban-management-reviewer', `/cases/${caseId}/items/outdoor-sign/steps/review/sign`, { opinion: '同意', agree: true })).statusCode).toBe(409);
    const signed = await step('urban-management-head', caseId, 'outdoor-sign', 'review', 'sign', { opinion: '同意设置', agree: true });
    expect(signed.work?.step).toBe('decide');
    expect((await step('urban-management-head', caseId, 'outdoor-sign', 'decide', 'complete', { opinion: '准予备案', decision: 'approve' })).status).toBe('approved');

    // --- 催办: the supervisor urges the fire check; its department is notified through the outbox.
    await inReview(caseId, 'fire-check');
    expect((await as('fire-rescue-handler', `/cases/${caseId}/items/fire-check/urge`, { note: '请加快' })).statusCode).toBe(403);
    const urged = await as('supervision-officer', `/cases/${caseId}/items/fire-check/urge`, { note: '开业在即，请加快办理' });
    expect(urged.statusCode, urged.body).toBe(200);
    expect(urged.json().urges).toHaveLength(1);
    const outbox = await eventually(
      () => db.selectFrom('outbox').selectAll().where('case_id', '=', caseId).execute(),
      (rows) => rows.some((r) => r.key === 'urge/fire-check/1'),
      'the urge in the outbox',
    );
    expect(outbox.find((r) => r.key === 'urge/fire-check/1')?.notification).toMatchObject({ to: ['department:fire-rescue'] });

    // Counted at the supervision desk's statistics, from the read model.
    await eventually(
      async () => (await stack.as('supervisor', { method: 'GET', url: `/statistics?bundleId=${BUNDLE}` })).json() as Promise<{ urges: { count: number; items: number } }>,
      (stats) => stats.urges.count === 1 && stats.urges.items === 1,
      'the urge in the statistics',
    );

    // The timeline says who did what; the read model shows where each item is.
    const timeline = await eventually(() => progress(caseId), (p) => p.events.some((e) => e.type === 'item-urged'), 'the urge on the timeline');
    const types = timeline.events.map((e) => e.type);
    for (const type of ['item-step-claim', 'item-step-complete', 'item-step-send-back', 'item-step-transfer', 'item-step-sign', 'item-urged']) expect(types).toContain(type);
    expect(timeline.events.find((e) => e.type === 'item-step-send-back')?.detail).toMatch(/经营范围填写不规范/);
    expect(timeline.items.find((i) => i.id === 'fire-check')).toMatchObject({ step: 'accept', urges: 1 });

    // 抄送: the fire check copied to the health department, which may then read the case (and only read it).
    expect((await stack.as('officer-health', { method: 'GET', url: `/cases/${caseId}` })).statusCode).toBe(403);
    const copied = await as('fire-rescue-handler', `/cases/${caseId}/items/fire-check/copies`, { to: { department: 'health' }, note: '涉及卫生许可，请知悉' });
    expect(copied.statusCode, copied.body).toBe(200);
    await eventually(() => stack.as('officer-health', { method: 'GET', url: `/cases/${caseId}` }), (r) => r.statusCode === 200, 'the copied department reading the case');
    expect((await stack.as('officer-health', { method: 'POST', url: `/cases/${caseId}/items/fire-check/approve`, payload: {} })).statusCode).toBe(403);
    expect((await db.selectFrom('outbox').select('key').where('case_id', '=', caseId).execute()).map((r) => r.key)).toContain('copy/fire-check/1');

    // The fire check and the tobacco permit through their steps: the case completes, and each sealed
    // result names the officer who decided it.
    for (const [item, department] of [['fire-check', 'fire-rescue'], ['tobacco-permit', 'tobacco']] as const) {
      await inReview(caseId, item);
      await step(`${department}-handler`, caseId, item, 'accept', 'complete', { opinion: '受理' });
      await step(`${department}-reviewer`, caseId, item, 'review', 'complete', { opinion: '审查通过' });
      await step(`${department}-handler`, caseId, item, 'site-check', 'complete', { opinion: '现场检查合格' });
      await step(`${department}-head`, caseId, item, 'decide', 'complete', { opinion: '准予', decision: 'approve' });
    }
    await eventually(() => progress(caseId), (p) => p.status === 'completed', 'the case to complete');
    const documents = (await stack.as('supervisor', { method: 'GET', url: `/cases/${caseId}/documents` })).json() as Array<{ document: { type: string; itemId?: string; decidedBy?: unknown } }>;
    const licence = documents.find((d) => d.document.type === 'result' && d.document.itemId === 'business-licence');
    expect(licence?.document.decidedBy).toMatchObject({ department: 'market-regulation', officer: 'market-regulation-head', role: 'head', name: expect.any(String) });

    // An applicant following someone else's case is refused.
    expect((await as('yijianshi-tech', `/cases/${caseId}`, undefined, 'GET')).statusCode).toBe(403);
  });
});
