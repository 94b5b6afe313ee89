/**
 * Webhook delivery survives a Temporal server restart (issue 14): the dev server keeps its state in a
 * SQLite file (`--db-filename`, as `npm start` runs it); a subscription's receiver is down, so the
 * case's messages wait in Temporal's activity retries; the server is stopped and started again on the
 * same file while they wait, the worker and the API keeping their connections (they reconnect); then
 * the receiver comes up and gets each event exactly once by webhook-id, signed, in the case's order.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { provisionTemporal, type ProvisionedTemporal } from '../../../runtime/temporal';
import type { CaseProgress } from '../../../workflows/contract';
import { restaurantApplication } from '../../fixtures/applications';
import { freePort } from '../../helpers/processes';
import { eventually, startStack, type Stack } from '../../helpers/stack';
import { startReceiver, webhookHeaders } from '../../helpers/webhook-receiver';

let dataDir: string;
let port: number;
let uiPort: number;
let server: ProvisionedTemporal | undefined;
let env: TestWorkflowEnvironment | undefined;
let stack: Stack | undefined;

/** The CLI dev server on the test's db file and port (no SDK download: the CLI in .tools/ is the product's). */
const startServer = () => provisionTemporal({ env: {}, dataDir, port, uiPort, reuseRunning: false, sdkDownload: false, log: () => undefined });

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'yjs-webhooks-restart-'));
  port = await freePort();
  uiPort = await freePort();
  server = await startServer();
  env = await TestWorkflowEnvironment.createFromExistingServer({ address: server.address, namespace: server.namespace });
  stack = await startStack(env, { webhookRetry: { initialIntervalMs: 300, maximumIntervalMs: 2_000, windowMs: 600_000, attemptTimeoutMs: 2_000 } });
}, 120_000);
afterAll(async () => {
  await stack?.close();
  await env?.teardown();
  await server?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

async function ok(response: Promise<{ statusCode: number; body: string; json: () => any }>, status = 200): Promise<any> {
  const r = await response;
  expect(r.statusCode, r.body).toBe(status);
  return r.body ? r.json() : undefined;
}
const post = (who: string, url: string, payload: unknown = {}) => stack!.as(who, { method: 'POST', url, payload: payload as object });
const get = (who: string, url: string) => stack!.as(who, { method: 'GET', url });
const progress = (caseId: string): Promise<CaseProgress> => ok(get('supervisor', `/cases/${caseId}`));

/** A row of a subscription's delivery log. */
interface Delivery {
  messageId: string;
  status: string;
  attempts: number;
}
const deliveries = (subscriptionId: string): Promise<{ deliveries: Delivery[] }> => ok(get('integrator', `/webhooks/subscriptions/${subscriptionId}/deliveries`));

describe('webhook delivery across a Temporal server restart', () => {
  it('delivers every pending event exactly once by webhook-id, signed and in case order, once the receiver is up after the server restarted on its db file', async () => {
    const receiverPort = await freePort(); // nothing listens yet: every attempt is refused
    const subscription = await ok(
      post('integrator', '/webhooks/subscriptions', { url: `http://127.0.0.1:${receiverPort}/hooks/yijianshi`, eventTypes: ['case.accepted', 'item.urged', 'item.decided'] }),
      201,
    );

    const { caseId } = await ok(post('integrator', '/cases', restaurantApplication({ sellsTobacco: false })), 201);
    await ok(post('window-gov-service', `/cases/${caseId}/accept`));
    await eventually(() => progress(caseId), (p) => p.items.find((i) => i.id === 'business-licence')?.status === 'in-review', 'dispatch', 30_000);
    await ok(post('supervisor', `/cases/${caseId}/items/business-licence/urge`, { note: '请加快办理' }));

    // Both messages are queued and the first has been tried (and refused) at least twice: it waits in Temporal's retries.
    const pendingBefore = await eventually(
      () => deliveries(subscription.id),
      (page) => page.deliveries.length === 2 && page.deliveries.some((d) => d.attempts >= 2),
      'two pending messages, one tried twice',
      60_000,
    );
    expect(pendingBefore.deliveries.every((d) => d.status === 'pending')).toBe(true);

    // The server goes away while they wait, and comes back on the same db file and port.
    await server!.stop();
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const t0 = Date.now();
    server = await startServer();
    console.log(`Temporal dev server restarted on its db file in ${Date.now() - t0} ms`);

    // A third event after the restart, through the same API client and worker (reconnected).
    await eventually(
      async () => (await post('officer-market-regulation', `/cases/${caseId}/items/business-licence/approve`, { comment: '准予许可' })).statusCode,
      (status) => status === 200,
      'the approval after the restart',
      60_000,
    );

    // The receiver comes up.
    const receiver = await startReceiver(() => 204, receiverPort);
    try {
      const delivered = await eventually(async () => receiver.accepted(), (r) => r.length >= 3, 'three events delivered', 120_000);
      // Nothing more arrives: no message is sent twice after being accepted.
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      const all = receiver.accepted();
      const payloads = all.map((r) => JSON.parse(r.body) as { type: string; data: { caseId: string; sequence: number } });
      expect(payloads.map((p) => p.type)).toEqual(['case.accepted', 'item.urged', 'item.decided']);
      expect(payloads.every((p) => p.data.caseId === caseId)).toBe(true);
      const sequences = payloads.map((p) => p.data.sequence);
      expect(sequences).toEqual([...sequences].sort((a, b) => a - b));

      // Exactly once by webhook-id, each verifiably signed with the subscription's secret.
      const ids = delivered.map((r) => r.id);
      expect(new Set(all.map((r) => r.id)).size).toBe(all.length);
      expect(receiver.received.length).toBe(3); // the receiver answered 2xx at once: one request per message
      const verifier = new Webhook(subscription.secret);
      for (const r of all) expect(verifier.verify(r.body, webhookHeaders(r.headers))).toMatchObject({ type: expect.any(String) });

      const log = await eventually(
        () => deliveries(subscription.id),
        (page) => page.deliveries.length === 3 && page.deliveries.every((d) => d.status === 'delivered'),
        'the log to record the deliveries',
      );
      expect(log.deliveries.map((d) => d.messageId).sort()).toEqual([...ids].sort());
      // Refused before the restart, delivered after it: the attempts count across the restart.
      const attemptsOf = (page: { deliveries: Delivery[] }) => page.deliveries.find((d) => d.messageId === ids[0])?.attempts ?? 0;
      expect(attemptsOf(log)).toBeGreaterThan(attemptsOf(pendingBefore));
    } finally {
      await receiver.close();
    }
  }, 360_000);
});
