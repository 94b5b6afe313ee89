/**
 * Webhooks for integrators: the store of subscriptions and their deliveries (implemented in
 * `db/webhooks.ts`), the Standard Webhooks signature, the HTTP call, and the wake-up of the delivery
 * workflow on Temporal.
 *
 * Signing follows https://www.standardwebhooks.com/ with the `standardwebhooks` package: headers
 * `webhook-id` (the message id, the same on every attempt), `webhook-timestamp` (the attempt's Unix
 * seconds) and `webhook-signature` (`v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">` keyed by the
 * base64 secret after `whsec_`). While a rotated secret's overlap lasts, the message carries a
 * signature by each secret, space-separated, so receivers switch to the new one without a gap.
 */
import { randomBytes } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { Webhook } from 'standardwebhooks';
import {
  WEBHOOK_DELIVERY_WORKFLOW,
  WEBHOOK_WAKE_SIGNAL,
  webhookDeliveryWorkflowId,
  type WebhookDeliveryInput,
  type WebhookEvent,
  type WebhookEventType,
  type WebhookRetryPolicy,
} from '../domain/webhooks';

export interface WebhookSubscription {
  id: string;
  /** The principal (an integrator's API key id) whose cases it follows. */
  owner: string;
  url: string;
  eventTypes: WebhookEventType[];
  description?: string;
  createdAt: string;
  /** Set while the previous secret still signs, after a rotation. */
  previousSecretExpiresAt?: string;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'dead';

/** One message to one subscription, as its delivery log shows it. */
export interface WebhookDelivery {
  messageId: string;
  eventType: WebhookEventType;
  caseId: string;
  status: DeliveryStatus;
  attempts: number;
  lastAttemptAt?: string;
  /** The receiver's last HTTP status, when it answered. */
  lastStatus?: number;
  lastError?: string;
  /** When the next attempt is expected (an estimate: Temporal holds the retry). */
  nextAttemptAt?: string;
  deliveredAt?: string;
  deadAt?: string;
  replays: number;
  createdAt: string;
  payload: unknown;
}

/** What an attempt needs: the message, and where and with which secrets to send it. */
export interface DeliveryTarget {
  delivery: WebhookDelivery;
  url: string;
  /** The current secret first, then the previous one while its overlap lasts. */
  secrets: string[];
}

export interface AttemptOutcome {
  at: string;
  ok: boolean;
  status?: number;
  error?: string;
  nextAttemptAt?: string;
}

export interface NewSubscription {
  owner: string;
  url: string;
  eventTypes: WebhookEventType[];
  description?: string;
}

export interface DeliveryQuery {
  status?: DeliveryStatus;
  limit: number;
  /** The `seq` the previous page ended at (newest first). */
  before?: number;
}

export interface WebhookStore {
  /** A new subscription and its secret (the only time the secret is told). */
  createSubscription(input: NewSubscription): Promise<{ subscription: WebhookSubscription; secret: string }>;
  /** The owner's subscriptions, oldest first (every one's when `owner` is undefined). */
  listSubscriptions(owner?: string): Promise<WebhookSubscription[]>;
  getSubscription(id: string): Promise<WebhookSubscription | undefined>;
  /** Deletes it with its deliveries; whether it was there. */
  deleteSubscription(id: string): Promise<boolean>;
  /** A new secret; the previous one keeps signing until `overlapMs` from now. */
  rotateSecret(id: string, overlapMs: number): Promise<{ subscription: WebhookSubscription; secret: string } | undefined>;
  /**
   * Queues each event for every subscription of `owner` that names its type and existed when it
   * happened, once per (subscription, message id). The subscriptions the events are for (queued now
   * or before: a caller that failed to wake their delivery after queuing wakes it on its retry).
   */
  enqueue(owner: string, events: readonly WebhookEvent[]): Promise<string[]>;
  /** Whether any live subscription names one of these types (so that publishing may stop early). */
  anyWants(types: readonly WebhookEventType[]): Promise<boolean>;
  /**
   * The next message of the queue of (subscription, case), oldest first. When the case has a message
   * in the dead-letter list, the rest are held behind it: they go there too, and nothing is returned.
   */
  nextPending(subscriptionId: string, caseId: string): Promise<{ messageId: string } | undefined>;
  /** The message and where to send it; undefined when the subscription or the message is gone. */
  target(subscriptionId: string, messageId: string): Promise<DeliveryTarget | undefined>;
  /** Records an attempt: delivered on success (once), else its status or error. */
  recordAttempt(subscriptionId: string, messageId: string, outcome: AttemptOutcome): Promise<void>;
  /** Moves the message and every message queued after it for the same case to the dead-letter list; how many. */
  deadLetter(subscriptionId: string, caseId: string, messageId: string, reason: string): Promise<number>;
  /** A subscription's deliveries, newest first. */
  listDeliveries(subscriptionId: string, query: DeliveryQuery): Promise<Array<WebhookDelivery & { seq: number }>>;
  /**
   * Queues the dead letters again (of one case, or all), in their order: how many, and every case
   * that now has messages waiting (whose delivery the caller wakes).
   */
  replay(subscriptionId: string, caseId?: string): Promise<{ cases: string[]; messages: number }>;
}

/** A new `whsec_` secret: 32 random bytes, base64 (Standard Webhooks: 24 to 64 bytes). */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/** The three Standard Webhooks headers of one attempt, signed by every given secret. */
export function signedHeaders(secrets: readonly string[], messageId: string, at: Date, body: string): Record<string, string> {
  const signatures = secrets.map((secret) => new Webhook(secret).sign(messageId, at, body));
  return {
    'webhook-id': messageId,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': signatures.join(' '),
  };
}

/**
 * One attempt: POSTs the body with the signed headers, following no redirects. Any 2xx is delivered;
 * anything else (another status, a refused connection, no answer in `timeoutMs`) is a failure to retry.
 */
export async function postWebhook(target: DeliveryTarget, timeoutMs: number, at = new Date()): Promise<{ ok: boolean; status?: number; error?: string }> {
  const body = JSON.stringify(target.delivery.payload);
  try {
    const response = await fetch(target.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'yijianshi-webhooks/1', ...signedHeaders(target.secrets, target.delivery.messageId, at, body) },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.body?.cancel().catch(() => undefined);
    return response.ok ? { ok: true, status: response.status } : { ok: false, status: response.status, error: `HTTP ${response.status}` };
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    return { ok: false, error: (err as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : (cause?.code ?? cause?.message ?? (err as Error).message) };
  }
}

/**
 * Wakes the delivery workflow of (subscription, case), starting it when it is not running
 * (signal-with-start): it delivers what is queued, in order, and ends when nothing is left.
 */
export async function wakeWebhookDelivery(client: Client, taskQueue: string, input: WebhookDeliveryInput): Promise<void> {
  await client.workflow.signalWithStart(WEBHOOK_DELIVERY_WORKFLOW, {
    workflowId: webhookDeliveryWorkflowId(input.subscriptionId, input.caseId),
    taskQueue,
    args: [input],
    signal: WEBHOOK_WAKE_SIGNAL,
    signalArgs: [],
  });
}

/** The memo key cases are started with naming the principal that started them (`api/services/case-service.ts`). */
const STARTED_BY = 'startedBy';

/** Who started a case (an integrator's key id, from the case workflow's memo): whose subscriptions hear of it. */
export async function caseOwner(client: Client, caseWorkflowId: string): Promise<string | undefined> {
  const { memo } = await client.workflow.getHandle(caseWorkflowId).describe();
  return typeof memo?.[STARTED_BY] === 'string' ? (memo[STARTED_BY] as string) : undefined;
}

/**
 * Publishes events of one case to the subscriptions of its owner that want them, and wakes their
 * deliveries: for events from outside the case workflow's timeline (reviews, rectifications), from
 * the API or an activity. Idempotent by message id. `owner` may be given when known (else asked of
 * Temporal).
 */
export async function publishWebhookEvents(
  client: Client,
  taskQueue: string,
  dispatch: WebhookDispatch,
  caseWorkflowId: string,
  events: readonly WebhookEvent[],
  owner?: string | null,
): Promise<void> {
  if (events.length === 0 || !(await dispatch.store.anyWants(events.map((e) => e.type)))) return;
  const principal = owner === undefined ? await caseOwner(client, caseWorkflowId) : owner;
  if (!principal) return;
  for (const caseId of new Set(events.map((e) => e.caseId))) {
    const subscriptions = await dispatch.store.enqueue(principal, events.filter((e) => e.caseId === caseId));
    for (const subscriptionId of subscriptions) await wakeWebhookDelivery(client, taskQueue, { subscriptionId, caseId, retry: dispatch.retry });
  }
}

/** What the API and the activities need to queue messages and get them delivered. */
export interface WebhookDispatch {
  store: WebhookStore;
  retry: WebhookRetryPolicy;
  /** The only hosts subscriptions may name (`YJS_WEBHOOK_ALLOWED_HOSTS`); any host when absent. */
  allowedHosts?: readonly string[];
}

/** Whether a subscription URL is acceptable: http(s), no user info, no fragment, a host on the allow-list if there is one. */
export function webhookUrlProblem(url: string, allowedHosts?: readonly string[]): string | undefined {
  if (!URL.canParse(url)) return 'not a URL';
  const parsed = new URL(url);
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return 'must be an http or https URL';
  if (parsed.username || parsed.password) return 'must not carry a user name or password';
  if (parsed.hash) return 'must not have a fragment';
  if (allowedHosts && !allowedHosts.includes(parsed.hostname)) return `must name one of the allowed hosts (${allowedHosts.join(', ')})`;
  return undefined;
}
