/**
 * Amending a rating (好差评, issue 14) over HTTP on a real Temporal dev server: the applicant (王小明,
 * signed in at the embedded OIDC provider) rates his refused case 非常不满意, which opens a
 * rectification; within the window the definition states he changes it to 满意 — a new version, the
 * earlier one kept, statistics counting the new level and the rectification as withdrawn (its
 * workflow told, and ended) — and back to 不满意, which opens another. Nobody else may change it:
 * officers, supervisors, integrators and another applicant are refused. A bundle whose definition
 * gives a window of seconds refuses an amendment after it with a 409 naming when it closed. The
 * integrator hears each amendment as `review.amended` on its webhook.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Rectification, Review } from '../../../adapters/reviews';
import { BearerAuthenticator, JwtAuthenticator } from '../../../api/oidc';
import { PROJECT_ROOT } from '../../../runtime/config';
import { rectificationWorkflowId, type CaseProgress, type RectificationState } from '../../../workflows/contract';
import { restaurantApplication } from '../../fixtures/applications';
import { signIn, startTestOidc, type TestOidc } from '../../helpers/oidc';
import { eventually, startStack, type Stack } from '../../helpers/stack';
import { createDevServerEnv } from '../../helpers/temporal-env';
import { startReceiver, type Receiver } from '../../helpers/webhook-receiver';

/** A copy of the restaurant bundle whose ratings may be amended for 7.2 seconds. */
const SHORT_WINDOW_BUNDLE = 'amend-window-restaurant';
const SHORT_WINDOW_HOURS = 0.002;

let env: TestWorkflowEnvironment;
let oidc: TestOidc;
let stack: Stack;
let wang: string;
let company: string;
let receiver: Receiver;

beforeAll(async () => {
  [env, oidc] = await Promise.all([createDevServerEnv(), startTestOidc()]);
  const verifier = new JwtAuthenticator({ issuer: oidc.issuer, audience: oidc.audience });
  stack = await startStack(env, { authenticator: (apiKeys) => new BearerAuthenticator(verifier, apiKeys) });
  const definition = structuredClone(stack.registry.get('open-restaurant').definition) as unknown as Record<string, unknown>;
  await stack.registry.publish({ ...definition, id: SHORT_WINDOW_BUNDLE, reviews: { amendWithinHours: SHORT_WINDOW_HOURS } }, 'api');
  [wang, company] = await Promise.all([signIn(oidc.issuer, 'wang-xiaoming'), signIn(oidc.issuer, 'yijianshi-tech')]).then((t) => t.map((x) => x.access_token));
  receiver = await startReceiver(() => 204);
}, 120_000);
afterAll(async () => {
  await receiver?.close();
  await stack?.close();
  await oidc?.close();
  await env?.teardown();
});

interface Answer {
  status: number;
  headers: Record<string, unknown>;
  body: any;
}

/** A request with a bearer token: a person's access token, or a principal's API key by name. */
async function call(who: string, method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const token = stack.tokens[who] ?? who;
  const response = await stack.app.inject({ method, url, headers: { authorization: `Bearer ${token}`, ...headers }, ...(payload === undefined ? {} : { payload: payload as object }) });
  return { status: response.statusCode, headers: response.headers, body: response.body ? response.json() : undefined };
}

async function ok(answer: Promise<Answer>, status = 200): Promise<any> {
  const a = await answer;
  expect(a.status, JSON.stringify(a.body)).toBe(status);
  return a.body;
}

const progress = (caseId: string): Promise<CaseProgress> => ok(call('supervisor', 'GET', `/cases/${caseId}`));
const rectification = (id: string): Promise<Rectification> => ok(call('supervisor', 'GET', `/rectifications/${id}`));
const reviewFigures = async () => (await ok(call('supervisor', 'GET', '/statistics?bundleId=open-restaurant'))).reviews;

/** 王小明's restaurant case, started by the integrator and refused at the window: it has ended. */
async function refusedCase(bundleId = 'open-restaurant'): Promise<string> {
  const { caseId } = await ok(call('integrator', 'POST', '/cases', { ...restaurantApplication({ sellsTobacco: false }), bundleId }), 201);
  await ok(call('window-gov-service', 'POST', `/cases/${caseId}/refuse`, { reasons: ['经营场所不符合要求'] }));
  await eventually(() => progress(caseId), (p) => p.status === 'refused', 'the refusal');
  return caseId;
}

describe('amending a rating (好差评)', () => {
  it('lets the applicant change it within the window: versions kept, statistics follow, the rectification withdrawn and another opened; nobody else may', async () => {
    const subscription = await ok(call('integrator', 'POST', '/webhooks/subscriptions', { url: receiver.url, eventTypes: ['review.received', 'review.amended'] }), 201);
    const caseId = await refusedCase();
    const rated = await ok(call(wang, 'POST', `/cases/${caseId}/reviews`, { level: 1, comment: '材料要求没讲清楚' }), 201);
    const review: Review = rated.review;
    expect(review).toMatchObject({ version: 1, level: 1, department: 'gov-service' });
    // The default window: 24 hours from the rating.
    expect(Date.parse(review.amendableUntil!) - Date.parse(review.createdAt)).toBe(24 * 3_600_000);
    const first: Rectification = rated.rectification;
    await eventually(() => rectification(first.id), (r) => r.deadline !== undefined, 'the rectification clock');
    expect((await reviewFigures()).rectifications).toMatchObject({ opened: 1, open: 1, withdrawn: 0 });

    // Nobody but the applicant: officers, supervisors, integrators and another applicant are refused, and nothing changes.
    const url = `/cases/${caseId}/reviews/${review.id}`;
    for (const who of ['window-gov-service', 'officer-market-regulation', 'supervisor', 'integrator', company]) {
      const refused = await call(who, 'PUT', url, { level: 5 });
      expect(refused.status, `${who}: ${JSON.stringify(refused.body)}`).toBe(403);
    }
    // A second rating by POST is still refused, pointing to the amendment.
    const again = await call(wang, 'POST', `/cases/${caseId}/reviews`, { level: 4 });
    expect(again.status).toBe(409);
    expect(again.body.detail).toContain(`PUT ${url}`);

    // 非常不满意 → 满意: a new version; the open rectification withdrawn.
    const key = { 'idempotency-key': 'amend-1' };
    const amended = await ok(call(wang, 'PUT', url, { level: 4, comment: '窗口后来电话解释清楚了', indicators: { efficiency: 4 } }, key));
    expect(amended.review).toMatchObject({ id: review.id, version: 2, level: 4, comment: '窗口后来电话解释清楚了', createdAt: review.createdAt });
    expect(amended.withdrawn).toMatchObject({ id: first.id, status: 'withdrawn', reviewVersion: 1 });
    expect(amended.opened).toBeUndefined();
    // A retry under the same key writes nothing and says so; the same key for something else is refused.
    const retry = await call(wang, 'PUT', url, { level: 4, comment: '窗口后来电话解释清楚了', indicators: { efficiency: 4 } }, key);
    expect(retry.status).toBe(200);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.body.review.version).toBe(2);
    expect((await call(wang, 'PUT', url, { level: 2 }, key)).status).toBe(422);

    // Every version kept, with its time.
    const history = await ok(call('supervisor', 'GET', `${url}/versions`));
    expect(history.versions.map((v: { version: number; level: number }) => [v.version, v.level])).toEqual([
      [1, 1],
      [2, 4],
    ]);
    expect(history.versions[0].createdAt).toBe(review.createdAt);
    expect(history.review.amendedAt).toBe(history.versions[1].createdAt);

    // The rectification is withdrawn in the store and its workflow has ended, told so; the department cannot close it.
    expect(await rectification(first.id)).toMatchObject({ status: 'withdrawn', reviewVersion: 1 });
    const handle = env.client.workflow.getHandle(rectificationWorkflowId(first.id));
    const state = (await handle.result()) as RectificationState;
    expect(state.status).toBe('withdrawn');
    if (process.env.YJS_RECORD_HISTORIES === '1') {
      // The replay fixture of a withdrawn rectification (test/integration/workflows/replay.test.ts).
      const file = join(PROJECT_ROOT, 'test', 'fixtures', 'histories', 'rectification-withdrawn.json');
      await writeFile(file, `${JSON.stringify(JSON.parse(historyToJSON(await handle.fetchHistory())), null, 1)}\n`);
    }
    const close = await call('officer-gov-service', 'POST', `/rectifications/${first.id}/close`, { measures: '已改进', callback: { outcome: 'satisfied' } });
    expect(close.status, JSON.stringify(close.body)).toBe(409);

    // Statistics count the current level, and the withdrawn rectification apart (neither on time nor late).
    let figures = await reviewFigures();
    expect(figures).toMatchObject({ count: 1, byLevel: { 1: 0, 4: 1 }, satisfactionRate: 1, bad: 0 });
    expect(figures.rectifications).toMatchObject({ opened: 1, withdrawn: 1, open: 0, closed: 0, closedOnTime: 0, overdue: 0, rectificationRate: 0, onTimeRate: 0 });

    // 满意 → 不满意: another rectification opens, and its workflow runs.
    const worse = await ok(call(wang, 'PUT', url, { level: 2, comment: '又想了想，还是不满意' }));
    expect(worse.review).toMatchObject({ version: 3, level: 2, rectificationId: worse.opened.id });
    expect(worse.opened).toMatchObject({ status: 'open', reviewVersion: 3, department: 'gov-service' });
    await eventually(() => rectification(worse.opened.id), (r) => r.deadline !== undefined, 'the new rectification clock');
    figures = await reviewFigures();
    expect(figures).toMatchObject({ count: 1, byLevel: { 2: 1, 4: 0 }, bad: 1 });
    expect(figures.rectifications).toMatchObject({ opened: 2, withdrawn: 1, open: 1 });

    // The integrator heard the rating and each amendment once.
    const heard = await eventually(async () => receiver.accepted(), (r) => r.length >= 3, 'the review events', 60_000);
    const events = heard.map((r) => JSON.parse(r.body) as { type: string; data: Record<string, unknown> });
    expect(events.map((e) => e.type)).toEqual(['review.received', 'review.amended', 'review.amended']);
    expect(events[1]!.data).toMatchObject({ reviewId: review.id, version: 2, previousLevel: 1, level: 4, withdrawnRectificationId: first.id });
    expect(events[2]!.data).toMatchObject({ reviewId: review.id, version: 3, previousLevel: 4, level: 2, rectificationId: worse.opened.id });
    expect(new Set(heard.map((r) => r.id)).size).toBe(heard.length);
    expect(subscription.id).toBeDefined();
  }, 180_000);

  it('refuses an amendment after the window the definition states, saying when it closed', async () => {
    const caseId = await refusedCase(SHORT_WINDOW_BUNDLE);
    const { review } = await ok(call(wang, 'POST', `/cases/${caseId}/reviews`, { level: 5 }), 201);
    expect(Date.parse(review.amendableUntil) - Date.parse(review.createdAt)).toBe(SHORT_WINDOW_HOURS * 3_600_000);
    const wait = Date.parse(review.amendableUntil) - Date.now() + 500;
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));

    const late = await call(wang, 'PUT', `/cases/${caseId}/reviews/${review.id}`, { level: 1 });
    expect(late.status, JSON.stringify(late.body)).toBe(409);
    expect(late.body.detail).toContain(review.amendableUntil);
    const history = await ok(call(wang, 'GET', `/cases/${caseId}/reviews/${review.id}/versions`));
    expect(history.versions).toHaveLength(1);
    expect(history.review).toMatchObject({ level: 5, version: 1 });
    // Another applicant is refused as before, not told about the window.
    expect((await call(company, 'PUT', `/cases/${caseId}/reviews/${review.id}`, { level: 1 })).status).toBe(403);
    // A review that is not the case's is not found under it; another applicant learns not even that.
    expect((await call(wang, 'PUT', `/cases/${caseId}/reviews/nosuchreview`, { level: 1 })).status).toBe(404);
    expect((await call(company, 'PUT', `/cases/${caseId}/reviews/nosuchreview`, { level: 1 })).status).toBe(403);
  }, 120_000);
});
