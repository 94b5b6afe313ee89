/**
 * Webhook activities: publishing a case's new timeline entries as events (from the `projectCase`
 * local activity, after each change of the case), and the steps of the delivery workflow — the next
 * message of a (subscription, case) queue, one signed attempt, the dead-letter list.
 *
 * Publishing is idempotent: message ids are the timeline's positions and the store queues each once,
 * so a retried projection, a replayed case or a restarted worker (which forgets how far it had
 * published and starts again from the first entry) queues nothing twice.
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { caseOwner, postWebhook, publishWebhookEvents, type WebhookDispatch } from '../adapters/webhooks';
import type { CaseProjection } from '../domain/read-model';
import { timelineEvents, type TimelineEntry, type WebhookRetryPolicy } from '../domain/webhooks';

/** Cases whose publishing position and owner a worker remembers (the oldest are forgotten first). */
const REMEMBERED_CASES = 10_000;

export interface DeliverWebhookInput {
  subscriptionId: string;
  messageId: string;
  retry: WebhookRetryPolicy;
}

export function webhookActivities(dispatch: WebhookDispatch | undefined) {
  const published = new BoundedMap<string, number>(REMEMBERED_CASES);
  const owners = new BoundedMap<string, string | null>(REMEMBERED_CASES);

  /** Who started the case (an integrator's key id): whose subscriptions hear of it. */
  async function ownerOf(workflowId: string): Promise<string | null> {
    const known = owners.get(workflowId);
    if (known !== undefined) return known;
    const owner = (await caseOwner(Context.current().client, workflowId)) ?? null;
    owners.set(workflowId, owner);
    return owner;
  }

  return {
    /** Queues the case's timeline entries since the last call as events, and wakes their deliveries. */
    async publishCaseEvents(projection: CaseProjection): Promise<void> {
      if (!dispatch) return;
      const timeline = (projection.progress as { events?: TimelineEntry[] }).events ?? [];
      const events = timelineEvents(projection.caseId, projection.bundleId, timeline, published.get(projection.caseId) ?? 0);
      if (events.length > 0 && (await dispatch.store.anyWants(events.map((e) => e.type)))) {
        const { client, info } = Context.current();
        await publishWebhookEvents(client, info.taskQueue, dispatch, projection.workflowId, events, await ownerOf(projection.workflowId));
      }
      published.set(projection.caseId, timeline.length);
    },

    /** The next message of the (subscription, case) queue, oldest first, unless the case has a dead letter. */
    async nextWebhookDelivery(input: { subscriptionId: string; caseId: string }): Promise<{ messageId: string } | null> {
      return (await required(dispatch).store.nextPending(input.subscriptionId, input.caseId)) ?? null;
    },

    /**
     * One attempt of a message, signed (Standard Webhooks). Delivered, or already settled (delivered,
     * dead, its subscription deleted): done. Otherwise the attempt is recorded and the activity fails,
     * and Temporal retries it with the workflow's backoff until the retry window closes.
     */
    async deliverWebhook(input: DeliverWebhookInput): Promise<{ status: 'delivered' | 'dead' | 'gone' }> {
      const { store } = required(dispatch);
      const target = await store.target(input.subscriptionId, input.messageId);
      if (!target) return { status: 'gone' };
      if (target.delivery.status !== 'pending') return { status: target.delivery.status };
      const at = new Date();
      const result = await postWebhook(target, input.retry.attemptTimeoutMs, at);
      const attempt = Context.current().info.attempt;
      const wait = Math.min(input.retry.initialIntervalMs * 2 ** (attempt - 1), input.retry.maximumIntervalMs);
      await store.recordAttempt(input.subscriptionId, input.messageId, {
        at: at.toISOString(),
        ...result,
        ...(result.ok ? {} : { nextAttemptAt: new Date(at.getTime() + wait).toISOString() }),
      });
      if (!result.ok) throw ApplicationFailure.retryable(`${target.url}: ${result.error}`, 'WebhookDeliveryFailed');
      return { status: 'delivered' };
    },

    /** The retry window closed: the message, and the case's messages queued after it, go to the dead-letter list. */
    async deadLetterWebhooks(input: { subscriptionId: string; caseId: string; messageId: string; reason: string }): Promise<number> {
      return required(dispatch).store.deadLetter(input.subscriptionId, input.caseId, input.messageId, input.reason);
    },
  };
}

function required(dispatch: WebhookDispatch | undefined): WebhookDispatch {
  if (!dispatch) throw ApplicationFailure.nonRetryable('this worker has no webhook store', 'WebhooksNotConfigured');
  return dispatch;
}

/** A map that forgets its oldest entries past `limit`. */
class BoundedMap<K, V> extends Map<K, V> {
  constructor(private readonly limit: number) {
    super();
  }

  override set(key: K, value: V): this {
    this.delete(key);
    super.set(key, value);
    if (this.size > this.limit) this.delete(this.keys().next().value as K);
    return this;
  }
}
