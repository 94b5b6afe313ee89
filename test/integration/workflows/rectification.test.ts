/**
 * 好差评 end to end on the time-skipping server: the applicant (王小明, signed in at the embedded OIDC
 * provider) rates his completed case; 非常不满意 on an item opens a rectification for its department
 * whose deadline is 15 working days of the case's calendar away, across a holiday of that calendar;
 * it turns yellow at 50% and red at 90% (in the store, on the workflow and in the department's
 * notifications), and closes with the call-back (回访); a second bad rating left open turns overdue.
 * Statistics count both, and the integrator that started the case hears of the rating and the
 * rectification through its webhook (a real receiver). Days pass in milliseconds; the worker, the API,
 * the store (PGlite) and the calendar arithmetic are the real ones.
 *
 * The holiday: every real one of the years with data lies before today, so the test counts in a region
 * of its own (`calendars/review-test.json` in a copy of the holiday data, extending the national
 * calendar as a province's local days do) whose three days off are the 5th to 7th working days from now.
 */
import { copyFile, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CALENDAR_DATA_DIR, loadCalendar } from '../../../adapters/calendar-data';
import { PostgresOutbox } from '../../../adapters/db/outbox';
import type { Database } from '../../../adapters/db/schema';
import type { Rectification, Review } from '../../../adapters/reviews';
import { BearerAuthenticator, JwtAuthenticator } from '../../../api/oidc';
import { addWorkingDays, instantAtFraction, localDateOf, type WorkingCalendar } from '../../../domain/calendar';
import { getRectification, rectificationWorkflowId, type CaseProgress, type RectificationState } from '../../../workflows/contract';
import { restaurantApplication } from '../../fixtures/applications';
import { openTestPglite } from '../../helpers/databases';
import { signIn, startTestOidc, type TestOidc } from '../../helpers/oidc';
import { eventually, startStack, type Stack } from '../../helpers/stack';
import { createTimeSkippingEnv } from '../../helpers/temporal-env';

const BUNDLE = 'review-restaurant';
const REGION = 'review-test';
const DAY = 86_400_000;

let env: TestWorkflowEnvironment;
let oidc: TestOidc;
let db: Kysely<Database>;
let stack: Stack;
let dataDir: string;
/** The test region's calendar, and the national one it extends. */
let calendar: WorkingCalendar;
let national: WorkingCalendar;
let holidays: string[];
let wang: string;
let company: string;
/** What the integrator's webhook receiver was sent: each message by its `webhook-id`. */
const received = new Map<string, { type: string; data: Record<string, unknown> }>();
let receiver: Server;

beforeAll(async () => {
  [env, oidc, db] = await Promise.all([createTimeSkippingEnv(), startTestOidc(), openTestPglite()]);
  national = await loadCalendar('cn', { unknownYears: 'weekends-only' });
  // The 5th, 6th and 7th working days from now become days off of the region.
  const now = new Date(await env.currentTimeMs()).toISOString();
  holidays = [5, 6, 7].map((n) => localDateOf(new Date(Date.parse(addWorkingDays(national, now, n).instant) - 1).toISOString()));
  dataDir = await mkdtemp(join(tmpdir(), 'yjs-review-calendar-'));
  for (const folder of ['holidays', 'calendars']) {
    await mkdir(join(dataDir, folder));
    for (const file of await readdir(join(DEFAULT_CALENDAR_DATA_DIR, folder))) await copyFile(join(DEFAULT_CALENDAR_DATA_DIR, folder, file), join(dataDir, folder, file));
  }
  const region = {
    id: REGION,
    extends: 'cn',
    name: { zh: '好差评测试地区', en: 'Review test region' },
    source: 'TEST FIXTURE written by test/integration/workflows/rectification.test.ts: three local days off from now on.',
    holidays: holidays.map((date) => ({ name: '测试假日', from: date, to: date })),
    workdays: [],
  };
  await writeFile(join(dataDir, 'calendars', `${REGION}.json`), JSON.stringify(region));
  calendar = await loadCalendar(REGION, { dataDir, unknownYears: 'weekends-only' });

  const verifier = new JwtAuthenticator({ issuer: oidc.issuer, audience: oidc.audience });
  stack = await startStack(env, { database: db, calendarDataDir: dataDir, authenticator: (apiKeys) => new BearerAuthenticator(verifier, apiKeys) });
  const definition = structuredClone(stack.registry.get('open-restaurant').definition) as unknown as Record<string, unknown>;
  await stack.registry.publish({ ...definition, id: BUNDLE, calendar: REGION }, 'api');
  [wang, company] = await Promise.all([signIn(oidc.issuer, 'wang-xiaoming'), signIn(oidc.issuer, 'yijianshi-tech')]).then((t) => t.map((x) => x.access_token));
  receiver = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      const message = JSON.parse(body) as { type: string; data: Record<string, unknown> };
      received.set(String(request.headers['webhook-id']), { type: message.type, data: message.data });
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  receiver?.close();
  await stack?.close();
  await oidc?.close();
  await env?.teardown();
  await db?.destroy();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

interface Answer {
  status: number;
  headers: Record<string, unknown>;
  body: any;
}

/** A request with a bearer token: a person's access token, or a principal's API key by name. */
async function call(who: string, method: 'GET' | 'POST', url: string, payload?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
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
const sleepUntil = async (instant: string, plusMs = 0) => {
  const ms = Date.parse(instant) + plusMs - (await env.currentTimeMs());
  if (ms > 0) await env.sleep(ms);
};

/** 王小明's restaurant case (no tobacco) started by an integrator, accepted and every item approved by its department: completed. */
async function completedCase(): Promise<string> {
  const started = await ok(call('integrator', 'POST', '/cases', { ...restaurantApplication({ sellsTobacco: false }), bundleId: BUNDLE }), 201);
  const caseId: string = started.caseId;
  await ok(call('window-gov-service', 'POST', `/cases/${caseId}/accept`, {}));
  const early = await call(wang, 'POST', `/cases/${caseId}/reviews`, { level: 5 });
  expect(early.status, 'rated before the case ended').toBe(409);
  for (const [item, department] of [['business-licence', 'market-regulation'], ['food-permit', 'market-regulation'], ['outdoor-sign', 'urban-management'], ['fire-check', 'fire-rescue']]) {
    await eventually(() => progress(caseId), (p) => p.items.find((i) => i.id === item)?.status === 'in-review', `${item} in review`);
    await ok(call(`officer-${department}`, 'POST', `/cases/${caseId}/items/${item}/approve`, {}));
  }
  await eventually(() => progress(caseId), (p) => p.status === 'completed', 'the case to complete');
  return caseId;
}

describe('好差评: a case rated 非常不满意', () => {
  it('opens a rectification due 15 working days later across a holiday, turns red at 90%, closes with a call-back; statistics count it', async () => {
    const port = (receiver.address() as AddressInfo).port;
    const subscription = { url: `http://127.0.0.1:${port}/hooks`, eventTypes: ['review.received', 'rectification.due', 'rectification.closed'] };
    await ok(call('integrator', 'POST', '/webhooks/subscriptions', subscription), 201);
    const caseId = await completedCase();
    const badRating = { level: 1, itemId: 'business-licence', indicators: { efficiency: 1, guideAccuracy: 2, convenience: 2, usability: 3 }, comment: '审批太慢，窗口指引不清' };

    // Only the applicant themself rates: an API key, and another applicant, are refused.
    expect((await call('integrator', 'POST', `/cases/${caseId}/reviews`, badRating)).status).toBe(403);
    const other = await call(company, 'POST', `/cases/${caseId}/reviews`, badRating);
    expect(other.status).toBe(403);
    expect(other.body.type).toBe('/problems/forbidden');
    // A skipped item served nobody.
    expect((await call(wang, 'POST', `/cases/${caseId}/reviews`, { level: 1, itemId: 'tobacco-permit' })).status).toBe(409);

    const rated = await ok(call(wang, 'POST', `/cases/${caseId}/reviews`, badRating), 201);
    const review: Review = rated.review;
    expect(review).toMatchObject({ caseId, itemId: 'business-licence', bundleId: BUNDLE, department: 'market-regulation', level: 1, ratedBy: 'wang-xiaoming', comment: badRating.comment, indicators: badRating.indicators });
    expect(rated.rectification).toMatchObject({ reviewId: review.id, department: 'market-regulation', status: 'open', days: 15, calendar: REGION, subjectId: '420104199003071234' });
    const id: string = rated.rectification.id;
    expect(review.rectificationId).toBe(id);

    // 一次一评 / 一事一评: the same rating again is a retry, answered with the stored one; another is refused.
    const retry = await call(wang, 'POST', `/cases/${caseId}/reviews`, badRating);
    expect(retry.status).toBe(200);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.body.review).toEqual(review);
    expect((await call(wang, 'POST', `/cases/${caseId}/reviews`, { ...badRating, level: 3 })).status).toBe(409);
    // The whole case, rated on its own: 满意, no rectification; about the window.
    const whole = await ok(call(wang, 'POST', `/cases/${caseId}/reviews`, { level: 4, comment: '整体还行' }), 201);
    expect(whole.review).toMatchObject({ department: 'gov-service', level: 4 });
    expect(whole.rectification).toBeUndefined();
    // 不满意 on another item: a second rectification, left open below.
    const second = await ok(call(wang, 'POST', `/cases/${caseId}/reviews`, { level: 2, itemId: 'fire-check' }), 201);
    expect(second.rectification).toMatchObject({ department: 'fire-rescue', status: 'open' });

    // The clock: the end of the 15th working day of the region after the day it opened, three local days off skipped.
    const open = await eventually(() => rectification(id), (r) => r.deadline !== undefined, 'the clock');
    const openedAt = open.openedAt!;
    expect(open.deadline).toBe(addWorkingDays(calendar, openedAt, 15).instant);
    expect(open.deadline).toBe(addWorkingDays(national, openedAt, 18).instant); // 15 + the three days off
    expect(Date.parse(open.deadline!) - Date.parse(addWorkingDays(national, openedAt, 15).instant)).toBeGreaterThanOrEqual(3 * DAY);
    for (const date of holidays) {
      expect(date > localDateOf(openedAt) && date < localDateOf(open.deadline!), `${date} lies within the limit`).toBe(true);
    }
    expect(open.yellowAt).toBe(instantAtFraction(calendar, openedAt, 15, 0.5).instant);
    expect(open.redAt).toBe(instantAtFraction(calendar, openedAt, 15, 0.9).instant);
    expect(open).toMatchObject({ card: 'none', estimated: false });

    // Readers: the case's followers see its ratings; the department its rectification, another department not.
    expect((await ok(call(wang, 'GET', `/cases/${caseId}/reviews`))).reviews.map((r: Review) => r.itemId ?? 'case')).toEqual(['case', 'business-licence', 'fire-check']);
    expect((await call('officer-fire-rescue', 'GET', `/rectifications/${id}`)).status).toBe(403);
    expect((await ok(call('officer-market-regulation', 'GET', '/rectifications'))).items.map((r: Rectification) => r.id)).toEqual([id]);
    expect((await ok(call('supervisor', 'GET', `/reviews?bundleId=${BUNDLE}&level=1`))).items.map((r: Review) => r.id)).toEqual([review.id]);

    // Yellow at 50%, red at 90%: in the store, on the workflow, in the department's notifications.
    await sleepUntil(open.yellowAt!, 1000);
    await eventually(() => rectification(id), (r) => r.card === 'yellow', 'yellow');
    await sleepUntil(open.redAt!, 1000);
    await eventually(() => rectification(id), (r) => r.card === 'red', 'red');
    const handle = env.client.workflow.getHandle(rectificationWorkflowId(id));
    expect((await handle.query(getRectification)).clock).toMatchObject({ card: 'red', deadline: open.deadline });
    expect((await handle.describe()).searchAttributes.Card).toEqual(['red']);
    const notices = (await new PostgresOutbox(db).list(caseId)).filter((e) => e.key.startsWith(`rectification-${id}-`));
    expect(notices.map((e) => e.key)).toEqual([`rectification-${id}-opened`, `rectification-${id}-yellow`, `rectification-${id}-red`]);
    expect(notices.every((e) => e.notification.to.includes('department:market-regulation'))).toBe(true);
    expect((await ok(call('supervisor', 'GET', '/rectifications?card=red'))).items.map((r: Rectification) => r.id)).toContain(id);

    // Closed by its department with the call-back, before the deadline; another department may not; once.
    const closing = { measures: '已约谈承办人，压缩审查环节并更新办事指南', callback: { outcome: 'satisfied', note: '申请人认可整改' } };
    expect((await call('officer-fire-rescue', 'POST', `/rectifications/${id}/close`, closing)).status).toBe(403);
    const key = { 'idempotency-key': `close-${id}` };
    const closed: Rectification = await ok(call('officer-market-regulation', 'POST', `/rectifications/${id}/close`, closing, key));
    expect(closed).toMatchObject({ status: 'closed', card: 'red', measures: closing.measures, closedBy: 'officer-market-regulation' });
    expect(closed.callback).toEqual({ at: closed.closedAt, outcome: 'satisfied', note: '申请人认可整改', by: 'officer-market-regulation' });
    expect(Date.parse(closed.closedAt!)).toBeLessThanOrEqual(Date.parse(open.deadline!));
    expect(Date.parse(closed.closedAt!)).toBeGreaterThanOrEqual(Date.parse(open.redAt!));
    expect((await call('officer-market-regulation', 'POST', `/rectifications/${id}/close`, closing)).status).toBe(409);
    const replayed = await call('officer-market-regulation', 'POST', `/rectifications/${id}/close`, closing, key); // a retry of the same request
    expect(replayed.status, JSON.stringify(replayed.body)).toBe(200);
    expect(replayed.headers['idempotent-replayed']).toBe('true');
    expect(replayed.body).toEqual(closed);
    const done: RectificationState = await handle.result();
    expect(done).toMatchObject({ status: 'closed', measures: closing.measures, clock: { card: 'red' } });
    expect((await new PostgresOutbox(db).list(caseId)).find((e) => e.key === `rectification-${id}-closed`)?.notification.to).toEqual(['applicant:420104199003071234']);

    // The other one passes its deadline open: overdue, for supervisors to see.
    const late = await rectification(second.rectification.id);
    await sleepUntil(late.deadline!, 1000);
    await eventually(() => rectification(late.id), (r) => r.card === 'overdue', 'overdue');
    expect((await ok(call('supervisor', 'GET', '/rectifications?card=overdue'))).items.map((r: Rectification) => r.id)).toEqual([late.id]);

    // The integrator heard of each rating, of the rectification due (red, then overdue) and closed: each once.
    const heard = await eventually(
      async () => [...received.values()].map((m) => `${m.type} ${String(m.type === 'review.received' ? m.data.reviewId : m.data.rectificationId)} ${String(m.data.card ?? '')}`.trim()).sort(),
      (list) => list.length >= 7,
      'the webhook messages',
    );
    expect(heard).toEqual(
      [
        `rectification.closed ${id}`,
        `rectification.due ${id} red`,
        `rectification.due ${late.id} overdue`,
        `rectification.due ${late.id} red`,
        `review.received ${review.id}`,
        `review.received ${whole.review.id}`,
        `review.received ${second.review.id}`,
      ].sort(),
    );
    expect([...received.values()].find((m) => m.type === 'rectification.closed')!.data).toMatchObject({ caseId, department: 'market-regulation', onTime: true, callback: { outcome: 'satisfied' } });
    expect(JSON.stringify([...received.values()])).not.toContain(badRating.comment); // the rater's words are not sent

    const statistics = await ok(call('supervisor', 'GET', `/statistics?bundleId=${BUNDLE}`));
    expect(statistics.cases.completed).toBe(1); // the existing figures are still there
    expect(statistics.reviews).toMatchObject({
      count: 3,
      byLevel: { 1: 1, 2: 1, 3: 0, 4: 1, 5: 0 },
      bad: 2,
      satisfactionRate: 0.3333,
      rectifications: { opened: 2, open: 1, overdue: 1, closed: 1, closedOnTime: 1, calledBack: 1, rectificationRate: 0.5, onTimeRate: 0.5, callbackRate: 1 },
    });
    expect(statistics.reviews.byDepartment.map((d: { department: string; count: number; bad: number }) => [d.department, d.count, d.bad])).toEqual([
      ['fire-rescue', 1, 1],
      ['gov-service', 1, 0],
      ['market-regulation', 1, 1],
    ]);
  });
});
