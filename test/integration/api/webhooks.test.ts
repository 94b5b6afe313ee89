/**
 * Webhooks for integrators end to end on a real Temporal dev server, with real HTTP receivers on
 * 127.0.0.1: cases driven over the API, their events signed (Standard Webhooks, checked with the
 * official `standardwebhooks` package), retried with backoff by Temporal across a worker restart,
 * delivered once per webhook-id and in case order; a receiver down past the retry window ends in the
 * dead-letter list, and a replay delivers it; a rotated secret signs beside the old one.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseProgress } from '../../../workflows/contract';
import { restaurantApplication } from '../../fixtures/applications';
import { freePort } from '../../helpers/processes';
import { eventually, startStack, type Stack } from '../../helpers/stack';
import { createDevServerEnv } from '../../helpers/temporal-env';
import { startReceiver, webhookHeaders, type Receiver } from '../../helpers/webhook-receiver';

let env: TestWorkflowEnvironment;
let stack: Stack;

beforeAll(async () => {
  env = await createDevServerEnv();
  stack = await startStack(env, {
    principals: [{ id: 'integrator-2', roles: ['integrator'] }],
    webhookRetry: { initialIntervalMs: 300, maximumIntervalMs: 1_000, windowMs: 120_000, attemptTimeoutMs: 2_000 },
  });
}, 120_000);
afterAll(async () => {
  await stack?.close();
  await env?.teardown();
});

// --- the API ------------------------------------------------------------------------------------

async function ok(response: Promise<{ statusCode: number; body: string; json: () => any }>, status = 200): Promise<any> {
  const r = await response;
  expect(r.statusCode, r.body).toBe(status);
  return r.body ? r.json() : undefined;
}

const post = (who: string, url: string, payload: unknown = {}) => stack.as(who, { method: 'POST', url, payload: payload as object });
const get = (who: string, url: string) => stack.as(who, { method: 'GET', url });
const progress = (caseId: string): Promise<CaseProgress> => ok(get('supervisor', `/cases/${caseId}`));

async function subscribe(who: string, url: string, eventTypes: string[]): Promise<{ id: string; secret: string }> {
  return ok(post(who, '/webhooks/subscriptions', { url, eventTypes, description: '省政务服务平台' }), 201);
}

/** A restaurant case (no tobacco) started by `who`, accepted by the window, its items dispatched. */
async function acceptedCase(who = 'integrator'): Promise<string> {
  const { caseId } = await ok(post(who, '/cases', restaurantApplication({ sellsTobacco: false })), 201);
  await ok(post('window-gov-service', `/cases/${caseId}/accept`));
  await eventually(() => progress(caseId), (p) => p.items.find((i) => i.id === 'business-licence')?.status === 'in-review', 'dispatch', 30_000);
  return caseId;
}

// --- the tests ----------------------------------------------------------------------------------

describe('webhook delivery', () => {
  let firstSubscription: { id: string; secret: string };
  let firstReceiver: Receiver;

  it('delivers each event exactly once by webhook-id, signed and in case order, to a receiver that fails twice, across a worker restart', async () => {
    // 503 for the first two attempts of every message, then 204.
    firstReceiver = await startReceiver((_id, attempt) => (attempt <= 2 ? 503 : 204));
    firstSubscription = await subscribe('integrator', firstReceiver.url, ['case.accepted', 'item.decided', 'item.urged', 'case.withdrawn']);
    expect(firstSubscription.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);

    const caseId = await acceptedCase();
    // The first attempt of case.accepted failed: restart the worker while its retries wait on Temporal.
    await eventually(async () => firstReceiver.received.length, (n) => n >= 1, 'the first attempt', 30_000);
    await stack.restartWorker();

    await ok(post('supervisor', `/cases/${caseId}/items/business-licence/urge`, { note: '请加快办理' }));
    await ok(post('officer-market-regulation', `/cases/${caseId}/items/business-licence/approve`, { comment: '准予许可' }));
    // A case another principal started (the window itself) is not the integrator's: nothing of it is sent.
    const notMine = await acceptedCase('window-gov-service');

    const delivered = await eventually(
      async () => firstReceiver.accepted(),
      (r) => r.length >= 3,
      'three events delivered',
      90_000,
    );
    const payloads = delivered.map((r) => JSON.parse(r.body) as { type: string; timestamp: string; data: { caseId: string; sequence: number; itemId?: string; decision?: string } });
    expect(payloads.map((p) => p.type)).toEqual(['case.accepted', 'item.urged', 'item.decided']);
    expect(payloads[2]!.data).toMatchObject({ caseId, itemId: 'business-licence', decision: 'approve' });
    // In the case's order: the timeline positions rise.
    const sequences = payloads.map((p) => p.data.sequence);
    expect(sequences).toEqual([...sequences].sort((a, b) => a - b));

    // Exactly once by webhook-id: one 2xx each, after two failures each; every attempt verifiably signed.
    const ids = delivered.map((r) => r.id);
    expect(new Set(ids).size).toBe(3);
    for (const id of ids) {
      expect(firstReceiver.received.filter((r) => r.id === id).map((r) => r.status)).toEqual([503, 503, 204]);
    }
    const verifier = new Webhook(firstSubscription.secret);
    for (const attempt of firstReceiver.received) {
      expect(verifier.verify(attempt.body, webhookHeaders(attempt.headers))).toMatchObject({ type: expect.any(String) });
    }
    expect(() => new Webhook(`whsec_${Buffer.alloc(32, 1).toString('base64')}`).verify(delivered[0]!.body, webhookHeaders(delivered[0]!.headers))).toThrow();

    // The delivery log says the same (once the last 2xx is recorded: the receiver answers before the record).
    const log = await eventually(
      () => ok(get('integrator', `/webhooks/subscriptions/${firstSubscription.id}/deliveries`)),
      (page: { deliveries: Array<{ status: string; messageId: string }> }) => page.deliveries.length === 3 && page.deliveries.every((d) => d.status === 'delivered'),
      'the log to record the deliveries',
    );
    expect(log.deliveries.map((d: { messageId: string }) => d.messageId).sort()).toEqual([...ids].sort());
    for (const d of log.deliveries) expect(d).toMatchObject({ status: 'delivered', attempts: 3, lastStatus: 204, caseId });

    // Give the other case's events time to have been published: none reached the receiver.
    await eventually(() => progress(notMine), (p) => p.events.some((e) => e.type === 'accepted'), 'the other acceptance');
    await eventually(() => progress(caseId), (p) => p.items.find((i) => i.id === 'fire-check')?.status === 'in-review', 'the fire check');
    await ok(post('supervisor', `/cases/${caseId}/items/fire-check/urge`, { note: '再次催办' }));
    await eventually(async () => firstReceiver.accepted().length, (n) => n >= 4, 'the second urge', 60_000);
    expect(firstReceiver.received.some((r) => r.body.includes(notMine))).toBe(false);
  }, 240_000);

  it('keeps subscriptions to their owner: another integrator neither lists nor deletes them, and a deleted one is sent nothing more', async () => {
    const mine = await ok(get('integrator', '/webhooks/subscriptions'));
    expect(mine.map((s: { id: string }) => s.id)).toContain(firstSubscription.id);
    expect(mine[0]).not.toHaveProperty('secret');
    expect(await ok(get('integrator-2', '/webhooks/subscriptions'))).toEqual([]);
    await ok(stack.as('integrator-2', { method: 'DELETE', url: `/webhooks/subscriptions/${firstSubscription.id}` }), 404);
    await ok(get('integrator-2', `/webhooks/subscriptions/${firstSubscription.id}/deliveries`), 404);
    await ok(post('window-gov-service', '/webhooks/subscriptions', { url: firstReceiver.url, eventTypes: ['case.accepted'] }), 403);
    const bad = await ok(post('integrator', '/webhooks/subscriptions', { url: 'ftp://example.com/x', eventTypes: ['case.accepted'] }), 422);
    expect(bad.detail).toContain('http');

    await ok(stack.as('integrator', { method: 'DELETE', url: `/webhooks/subscriptions/${firstSubscription.id}` }), 204);
    const before = firstReceiver.received.length;
    const caseId = await acceptedCase();
    await eventually(() => progress(caseId), (p) => p.events.some((e) => e.type === 'accepted'), 'acceptance');
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(firstReceiver.received.length).toBe(before);
    await firstReceiver.close();
  }, 120_000);

  it('moves a message to the dead-letter list after the retry window (the case’s later ones held behind it), and a replay delivers them in order', async () => {
    Object.assign(stack.webhooks.retry, { initialIntervalMs: 200, maximumIntervalMs: 500, windowMs: 3_000 });
    const port = await freePort(); // nothing listens: every attempt is refused
    const subscription = await subscribe('integrator', `http://127.0.0.1:${port}/hooks/yijianshi`, ['case.accepted', 'item.urged']);

    const caseId = await acceptedCase();
    await ok(post('supervisor', `/cases/${caseId}/items/business-licence/urge`, { note: '请加快' }));
    const dead = await eventually(
      () => ok(get('integrator', `/webhooks/subscriptions/${subscription.id}/dead-letters`)),
      (page: { deliveries: unknown[] }) => page.deliveries.length >= 2,
      'two dead letters',
      60_000,
    );
    const [urged, accepted] = dead.deliveries as Array<{ messageId: string; eventType: string; attempts: number; lastError: string; status: string }>;
    expect(accepted).toMatchObject({ eventType: 'case.accepted', status: 'dead', lastError: expect.stringMatching(/ECONNREFUSED|fetch failed/) });
    expect(accepted!.attempts).toBeGreaterThanOrEqual(3);
    // Held behind it, never tried out of order.
    expect(urged).toMatchObject({ eventType: 'item.urged', status: 'dead', attempts: 0, lastError: expect.stringContaining(accepted!.messageId) });

    // The receiver comes back; the integrator replays.
    const receiver = await startReceiver(() => 200, port);
    try {
      const replay = await ok(post('integrator', `/webhooks/subscriptions/${subscription.id}/dead-letters/replay`, { caseId }), 202);
      expect(replay).toEqual({ messages: 2, cases: [caseId] });
      const got = await eventually(async () => receiver.accepted(), (r) => r.length >= 2, 'the replayed messages', 60_000);
      expect(got.map((r) => r.id)).toEqual([accepted!.messageId, urged!.messageId]);
      for (const r of got) expect(new Webhook(subscription.secret).verify(r.body, webhookHeaders(r.headers))).toBeTruthy();
      const log = await eventually(
        () => ok(get('integrator', `/webhooks/subscriptions/${subscription.id}/deliveries?status=delivered`)),
        (page: { deliveries: unknown[] }) => page.deliveries.length >= 2,
        'the replayed deliveries recorded',
      );
      expect(log.deliveries).toEqual(expect.arrayContaining([expect.objectContaining({ messageId: accepted!.messageId, replays: 1, status: 'delivered' })]));
      expect((await ok(get('integrator', `/webhooks/subscriptions/${subscription.id}/dead-letters`))).deliveries).toEqual([]);

      // Rotation without a gap: the next message is signed by the new and the old secret.
      Object.assign(stack.webhooks.retry, { windowMs: 120_000 });
      const rotated = await ok(post('integrator', `/webhooks/subscriptions/${subscription.id}/secret/rotate`, { overlapSeconds: 3_600 }));
      expect(rotated.secret).not.toBe(subscription.secret);
      expect(Date.parse(rotated.previousSecretExpiresAt)).toBeGreaterThan(Date.now());
      await ok(post('supervisor', `/cases/${caseId}/items/business-licence/urge`, { note: '轮换之后' }));
      const next = await eventually(async () => receiver.accepted(), (r) => r.length >= 3, 'a message after the rotation', 60_000);
      const last = next[2]!;
      expect(String(last.headers['webhook-signature']).split(' ')).toHaveLength(2);
      expect(new Webhook(rotated.secret).verify(last.body, webhookHeaders(last.headers))).toMatchObject({ type: 'item.urged' });
      expect(new Webhook(subscription.secret).verify(last.body, webhookHeaders(last.headers))).toMatchObject({ type: 'item.urged' });
    } finally {
      await receiver.close();
    }
  }, 240_000);
});
