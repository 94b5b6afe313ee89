/**
 * In-app notices and failed deliveries over HTTP, on a real Temporal dev server: a notification put
 * in the outbox (PGlite) is delivered by its workflow; the applicant signed in at the embedded OIDC
 * provider reads it at GET /me/notices and marks it read, another applicant sees none of it, API keys
 * are refused; a channel that keeps failing shows in GET /admin/notifications/failures, and
 * POST /admin/notifications/{id}/retry sends it once the channel works.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresOutbox } from '../../../adapters/db/outbox';
import type { Database } from '../../../adapters/db/schema';
import { MemoryContactBook, notificationId, startNoticeDelivery, type NoticeSender, type OutgoingNotice } from '../../../adapters/notices';
import { BearerAuthenticator, JwtAuthenticator } from '../../../api/oidc';
import { openTestPglite } from '../../helpers/databases';
import { signIn, startTestOidc, type TestOidc } from '../../helpers/oidc';
import { eventually, startStack, type Stack } from '../../helpers/stack';
import { createDevServerEnv } from '../../helpers/temporal-env';

const WANG = '420104199003071234';

/** An SMS channel that refuses everything until it is fixed, and remembers what it sent. */
class FlakySms implements NoticeSender {
  readonly channel = 'sms' as const;
  working = false;
  readonly sent: OutgoingNotice[] = [];
  async send(message: OutgoingNotice): Promise<void> {
    if (!this.working) throw new Error('gateway unreachable');
    this.sent.push(message);
  }
}

let env: TestWorkflowEnvironment;
let oidc: TestOidc;
let db: Kysely<Database>;
let stack: Stack;
let wang: string;
let company: string;
const sms = new FlakySms();

beforeAll(async () => {
  [env, oidc, db] = await Promise.all([createDevServerEnv(), startTestOidc(), openTestPglite()]);
  const verifier = new JwtAuthenticator({ issuer: oidc.issuer, audience: oidc.audience });
  stack = await startStack(env, {
    database: db,
    principals: [{ id: 'admin', roles: ['admin'] }],
    authenticator: (apiKeys) => new BearerAuthenticator(verifier, apiKeys),
    notices: {
      senders: [sms],
      contacts: new MemoryContactBook({ 'department:market-regulation': { phone: '02700000001' } }),
      retry: { initialIntervalMs: 200, maximumIntervalMs: 400, windowMs: 2_000, attemptTimeoutMs: 1_000 },
    },
  });
  [wang, company] = await Promise.all([signIn(oidc.issuer, 'wang-xiaoming'), signIn(oidc.issuer, 'yijianshi-tech')]).then((t) => t.map((x) => x.access_token));
}, 120_000);
afterAll(async () => {
  await stack?.close();
  await oidc?.close();
  await env?.teardown();
  await db?.destroy();
});

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

async function ok(response: Promise<{ statusCode: number; body: string; json: () => any }>, status = 200): Promise<any> {
  const r = await response;
  expect(r.statusCode, r.body).toBe(status);
  return r.body ? r.json() : undefined;
}

describe('GET /me/notices', () => {
  it('shows the signed-in applicant their notices (and no one else’s), marks them read; a failed SMS is listed for admins and a retry sends it', async () => {
    const caseId = `n${Math.random().toString(36).slice(2, 12)}`;
    await new PostgresOutbox(db).put('timeout-default/business-licence', {
      caseId,
      to: [`applicant:${WANG}`, 'department:market-regulation'],
      subject: { zh: '超时默认通知', en: 'Timeout default' },
      body: { zh: '营业执照审批超过承诺时限未作决定，视为同意。', en: 'The business licence was deemed approved.' },
      at: '2026-03-02T01:00:00.000Z',
    });
    await startNoticeDelivery(env.client, stack.taskQueue, { caseId, key: 'timeout-default/business-licence', retry: stack.notices.retry });

    const mine = await eventually(() => ok(stack.app.inject({ method: 'GET', url: '/me/notices', headers: bearer(wang) })), (l) => l.notices.length === 1, 'the notice');
    expect(mine).toMatchObject({ unread: 1, notices: [{ caseId, subject: { zh: '超时默认通知' }, at: '2026-03-02T01:00:00.000Z' }] });
    expect(mine.notices[0].readAt).toBeUndefined();
    expect(await ok(stack.app.inject({ method: 'GET', url: '/me/notices', headers: bearer(company) }))).toEqual({ notices: [], unread: 0 });

    const id = mine.notices[0].id;
    await ok(stack.app.inject({ method: 'POST', url: `/me/notices/${id}/read`, headers: bearer(company) }), 404);
    const read = await ok(stack.app.inject({ method: 'POST', url: `/me/notices/${id}/read`, headers: bearer(wang) }));
    expect(read.readAt).toEqual(expect.any(String));
    expect((await ok(stack.app.inject({ method: 'GET', url: '/me/notices', headers: bearer(wang) }))).unread).toBe(0);
    await ok(stack.as('integrator', { method: 'GET', url: '/me/notices' }), 403);
    await ok(stack.as('admin', { method: 'GET', url: '/me/notices' }), 403);

    // The department's SMS: refused until the retry window closes, then failed and listed.
    const failures = await eventually(() => ok(stack.as('admin', { method: 'GET', url: '/admin/notifications/failures' })), (f) => f.length === 1, 'the failure', 30_000);
    expect(failures[0]).toMatchObject({ notificationId: notificationId(caseId, 'timeout-default/business-licence'), channel: 'sms', recipient: 'department:market-regulation', address: '02700000001', status: 'failed', lastError: 'gateway unreachable' });
    expect(failures[0].attempts).toBeGreaterThanOrEqual(2);
    await ok(stack.as('supervisor', { method: 'GET', url: '/admin/notifications/failures' }), 403);

    sms.working = true;
    const retried = await ok(stack.as('admin', { method: 'POST', url: `/admin/notifications/${failures[0].notificationId}/retry` }), 202);
    expect(retried).toEqual({ caseId, key: 'timeout-default/business-licence' });
    await eventually(async () => sms.sent.length, (n) => n === 1, 'the SMS sent', 30_000);
    expect(sms.sent[0]).toMatchObject({ address: '02700000001', recipient: 'department:market-regulation' });
    await eventually(() => ok(stack.as('admin', { method: 'GET', url: '/admin/notifications/failures' })), (f) => f.length === 0, 'no failure left');
    await ok(stack.as('admin', { method: 'POST', url: `/admin/notifications/${failures[0].notificationId}/retry` }), 404);
    // Still one notice for the applicant: in-app was delivered once.
    expect((await ok(stack.app.inject({ method: 'GET', url: '/me/notices', headers: bearer(wang) }))).notices).toHaveLength(1);
  }, 180_000);
});
