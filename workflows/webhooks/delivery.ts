/**
 * `webhookDeliveryWorkflow`: delivers one subscription's messages about one case, one at a time in
 * queue order (per-case order), each retried by Temporal with exponential backoff until the retry
 * window closes; then the message — and the case's messages queued after it — go to the dead-letter
 * list, where the integrator can see and replay them. The backoff lives in Temporal's activity
 * retries, so a worker or server restart in the middle loses nothing: the next attempt runs on
 * whichever worker polls.
 *
 * Started (or woken) by signal-with-start whenever messages are queued (`adapters/webhooks.ts`); it
 * ends when the queue is empty, and a later message starts it again.
 */
import { ActivityFailure, continueAsNew, proxyActivities, setHandler, defineSignal, workflowInfo, isCancellation } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import { WEBHOOK_WAKE_SIGNAL, type WebhookDeliveryInput } from '../../domain/webhooks';

export const webhookMessagesQueued = defineSignal(WEBHOOK_WAKE_SIGNAL);

const { nextWebhookDelivery, deadLetterWebhooks } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

export async function webhookDeliveryWorkflow(input: WebhookDeliveryInput): Promise<{ delivered: number; dead: number }> {
  let woken = false;
  setHandler(webhookMessagesQueued, () => {
    woken = true;
  });
  const { retry } = input;
  const { deliverWebhook } = proxyActivities<Activities>({
    startToCloseTimeout: retry.attemptTimeoutMs + 10_000,
    // The retry window: past it the message is dead-lettered.
    scheduleToCloseTimeout: retry.windowMs,
    retry: { initialInterval: retry.initialIntervalMs, backoffCoefficient: 2, maximumInterval: retry.maximumIntervalMs },
  });
  const queue = { subscriptionId: input.subscriptionId, caseId: input.caseId };
  let delivered = 0;
  let dead = 0;
  do {
    woken = false;
    for (let next = await nextWebhookDelivery(queue); next; next = await nextWebhookDelivery(queue)) {
      try {
        const { status } = await deliverWebhook({ subscriptionId: input.subscriptionId, messageId: next.messageId, retry });
        if (status === 'delivered') delivered++;
      } catch (err) {
        if (isCancellation(err) || !(err instanceof ActivityFailure)) throw err;
        const reason = `not delivered within the retry window: ${err.cause?.message ?? err.message}`;
        dead += await deadLetterWebhooks({ ...queue, messageId: next.messageId, reason });
      }
      // A busy case's history stays short: go on in a fresh run.
      if (workflowInfo().continueAsNewSuggested) await continueAsNew<typeof webhookDeliveryWorkflow>(input);
    }
  } while (woken);
  return { delivered, dead };
}
