/**
 * The webhook and notification stores' contracts on PGlite and on a PostgreSQL server: an event is
 * queued once per subscription whatever the retries, only for its owner's subscriptions that want it
 * and existed when it happened; a case's queue in order, held behind a dead letter, replayed in
 * order; an attempt changes only a pending message; a rotated secret signs beside the new one until
 * its overlap ends. Notification deliveries once per (channel, recipient), in-app notices once.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PostgresNoticeStore } from '../../../adapters/db/notices';
import { PostgresOutbox } from '../../../adapters/db/outbox';
import { PostgresWebhookStore } from '../../../adapters/db/webhooks';
import { notificationId } from '../../../adapters/notices';
import { timelineEvents, type WebhookEvent } from '../../../domain/webhooks';
import { testDatabases } from '../../helpers/databases';

const later = (ms: number) => new Date(Date.now() + ms).toISOString();

/** Three events of case `c`, after now: accepted, urged, decided. */
function events(caseId: string): WebhookEvent[] {
  const at = later(1_000);
  return timelineEvents(caseId, 'open-restaurant', [
    { at, type: 'submitted' },
    { at, type: 'accepted', department: 'gov-service' },
    { at, type: 'item-dispatched', item: 'business-licence' },
    { at, type: 'item-urged', item: 'business-licence', detail: '请加快' },
    { at, type: 'item-approved', item: 'business-licence', department: 'market-regulation' },
  ]);
}

describe.each(testDatabases())('PostgresWebhookStore on %s', (backend, database) => {
  let store: PostgresWebhookStore;
  beforeAll(async () => {
    store = new PostgresWebhookStore(await database.open());
  });
  beforeEach(() => database.reset());
  afterAll(() => database.close());

  it('queues each event once for the owner’s subscriptions that want it, and none of another owner or of the past', async () => {
    const all = await store.createSubscription({ owner: 'integrator', url: 'http://127.0.0.1/a', eventTypes: ['case.accepted', 'item.urged', 'item.decided'] });
    const some = await store.createSubscription({ owner: 'integrator', url: 'http://127.0.0.1/b', eventTypes: ['item.decided'] });
    const other = await store.createSubscription({ owner: 'integrator-2', url: 'http://127.0.0.1/c', eventTypes: ['case.accepted'] });
    expect(all.secret).toMatch(/^whsec_/);
    expect(await store.anyWants(['item.decided'])).toBe(true);
    expect(await store.anyWants(['case.completed'])).toBe(false);

    const queued = await Promise.all(Array.from({ length: 5 }, () => store.enqueue('integrator', events('c1'))));
    expect(queued[0]!.sort()).toEqual([all.subscription.id, some.subscription.id].sort());
    const log = await store.listDeliveries(all.subscription.id, { limit: 10 });
    expect(log.map((d) => d.eventType)).toEqual(['item.decided', 'item.urged', 'case.accepted']); // newest first
    expect(log.map((d) => d.messageId)).toEqual(['msg_c1_e4', 'msg_c1_e3', 'msg_c1_e1']);
    expect(await store.listDeliveries(some.subscription.id, { limit: 10 })).toHaveLength(1);
    expect(await store.listDeliveries(other.subscription.id, { limit: 10 })).toEqual([]);
    // An event from before the subscription existed is not queued.
    const old = timelineEvents('c0', 'open-restaurant', [{ at: '2020-01-01T00:00:00Z', type: 'accepted' }]);
    expect(await store.enqueue('integrator', old)).toEqual([]);
  });

  it.runIf(backend === 'postgres')('queues once when two processes (two pools) publish the same timeline', async () => {
    const { subscription } = await store.createSubscription({ owner: 'integrator', url: 'http://127.0.0.1/a', eventTypes: ['case.accepted', 'item.urged'] });
    const other = new PostgresWebhookStore(await database.openAnother());
    await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? store : other).enqueue('integrator', events('c2'))));
    expect(await store.listDeliveries(subscription.id, { limit: 10 })).toHaveLength(2);
  });

  it('gives a case’s messages in order, holds the rest behind a dead letter, and replays them in order', async () => {
    const { subscription } = await store.createSubscription({ owner: 'integrator', url: 'http://127.0.0.1/a', eventTypes: ['case.accepted', 'item.urged', 'item.decided'] });
    await store.enqueue('integrator', events('c3'));
    const first = await store.nextPending(subscription.id, 'c3');
    expect(first).toEqual({ messageId: 'msg_c3_e1' });
    await store.recordAttempt(subscription.id, 'msg_c3_e1', { at: new Date().toISOString(), ok: true, status: 204 });
    await store.recordAttempt(subscription.id, 'msg_c3_e1', { at: new Date().toISOString(), ok: false, error: 'late' }); // ignored: delivered
    expect(await store.nextPending(subscription.id, 'c3')).toEqual({ messageId: 'msg_c3_e3' });
    await store.recordAttempt(subscription.id, 'msg_c3_e3', { at: new Date().toISOString(), ok: false, status: 503, error: 'HTTP 503' });
    expect(await store.deadLetter(subscription.id, 'c3', 'msg_c3_e3', 'window closed')).toBe(2);
    expect(await store.nextPending(subscription.id, 'c3')).toBeUndefined();

    const dead = await store.listDeliveries(subscription.id, { limit: 10, status: 'dead' });
    expect(dead.map((d) => [d.messageId, d.lastError])).toEqual([
      ['msg_c3_e4', 'held behind msg_c3_e3, in the dead-letter list'],
      ['msg_c3_e3', 'HTTP 503'],
    ]);
    // A later event of the case waits behind them too.
    await store.enqueue('integrator', [{ messageId: 'msg_c3_e9', type: 'item.urged', caseId: 'c3', at: later(2_000), data: { caseId: 'c3' } }]);
    expect(await store.nextPending(subscription.id, 'c3')).toBeUndefined();
    expect(await store.listDeliveries(subscription.id, { limit: 10, status: 'dead' })).toHaveLength(3);

    expect(await store.replay(subscription.id, 'c3')).toEqual({ messages: 3, cases: ['c3'] });
    const order: string[] = [];
    for (let next = await store.nextPending(subscription.id, 'c3'); next; next = await store.nextPending(subscription.id, 'c3')) {
      order.push(next.messageId);
      await store.recordAttempt(subscription.id, next.messageId, { at: new Date().toISOString(), ok: true, status: 200 });
    }
    expect(order).toEqual(['msg_c3_e3', 'msg_c3_e4', 'msg_c3_e9']);
    expect((await store.target(subscription.id, 'msg_c3_e3'))?.delivery).toMatchObject({ status: 'delivered', attempts: 2, replays: 1 });
  });

  it('signs with the previous secret beside the new one until the overlap ends; a deleted subscription has no target', async () => {
    const { subscription, secret } = await store.createSubscription({ owner: 'integrator', url: 'http://127.0.0.1/a', eventTypes: ['case.accepted'] });
    await store.enqueue('integrator', events('c4'));
    const rotated = await store.rotateSecret(subscription.id, 60_000);
    expect(rotated?.subscription.previousSecretExpiresAt).toBeDefined();
    expect((await store.target(subscription.id, 'msg_c4_e1'))?.secrets).toEqual([rotated!.secret, secret]);
    const again = await store.rotateSecret(subscription.id, 0);
    expect((await store.target(subscription.id, 'msg_c4_e1'))?.secrets).toEqual([again!.secret]);
    expect(await store.deleteSubscription(subscription.id)).toBe(true);
    expect(await store.target(subscription.id, 'msg_c4_e1')).toBeUndefined();
    expect(await store.deleteSubscription(subscription.id)).toBe(false);
  });
});

describe.each(testDatabases())('PostgresNoticeStore on %s', (_backend, database) => {
  let store: PostgresNoticeStore;
  let outbox: PostgresOutbox;
  beforeAll(async () => {
    const db = await database.open();
    store = new PostgresNoticeStore(db);
    outbox = new PostgresOutbox(db);
  });
  beforeEach(() => database.reset());
  afterAll(() => database.close());

  it('records each delivery once, delivers it once, marks the outbox entry delivered when all are, and keeps one in-app notice', async () => {
    const notice = { caseId: 'c5', to: ['applicant:S1', 'department:d1'], subject: { zh: '主题', en: 'Subject' }, body: { zh: '正文', en: 'Body' }, at: '2026-03-02T01:00:00.000Z' };
    await outbox.put('k', notice);
    const planned = [
      { channel: 'in-app' as const, recipient: 'applicant:S1', address: 'S1' },
      { channel: 'email' as const, recipient: 'department:d1', address: 'd1@example.gov.cn' },
    ];
    await Promise.all([store.plan('c5', 'k', planned), store.plan('c5', 'k', planned)]);
    expect(await store.plan('c5', 'k', planned)).toHaveLength(2);
    expect(await store.notification('c5', 'k')).toEqual(notice);

    await store.addInApp('c5', 'k', 'S1', notice);
    await store.addInApp('c5', 'k', 'S1', notice);
    await store.recordAttempt('c5', 'k', 'in-app', 'applicant:S1', { ok: true, at: new Date().toISOString() });
    expect(await store.settle('c5', 'k')).toBe(false);
    await store.recordAttempt('c5', 'k', 'email', 'department:d1', { ok: false, at: new Date().toISOString(), error: 'ECONNREFUSED' });
    await store.markFailed('c5', 'k', 'email', 'department:d1', 'window closed');
    expect(await store.failures(10)).toEqual([expect.objectContaining({ notificationId: notificationId('c5', 'k'), status: 'failed', lastError: 'ECONNREFUSED', attempts: 1 })]);
    expect(await store.resetFailed(notificationId('c5', 'k'))).toEqual({ caseId: 'c5', key: 'k' });
    await store.recordAttempt('c5', 'k', 'email', 'department:d1', { ok: true, at: new Date().toISOString() });
    expect(await store.settle('c5', 'k')).toBe(true);
    expect(await store.resetFailed(notificationId('c5', 'k'))).toBeUndefined();

    const inApp = await store.inApp('S1', 10);
    expect(inApp).toMatchObject({ unread: 1, notices: [{ caseId: 'c5', subject: { zh: '主题' } }] });
    expect(await store.markRead('S2', inApp.notices[0]!.id)).toBeUndefined();
    expect((await store.markRead('S1', inApp.notices[0]!.id))?.readAt).toBeDefined();
    expect((await store.inApp('S1', 10)).unread).toBe(0);
  });
});
