/**
 * `noticeDeliveryWorkflow`: delivers one notification of the outbox over every channel it needs
 * (in-app, SMS, e-mail; `activities/notices.ts`), the deliveries in parallel, each retried by Temporal
 * with exponential backoff until the retry window closes; then it is recorded as failed (admins see
 * it, and may retry it). The outbox entry is marked delivered once every delivery is.
 */
import { ActivityFailure, defineSignal, isCancellation, proxyActivities, setHandler } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import { NOTICE_RETRY_SIGNAL, type NoticeDeliveryInput } from '../../domain/notices';

export const noticeRetryRequested = defineSignal(NOTICE_RETRY_SIGNAL);

const { planNoticeDeliveries, failNoticeDelivery, settleNotice } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

export async function noticeDeliveryWorkflow(input: NoticeDeliveryInput): Promise<{ delivered: boolean }> {
  let retried = false;
  setHandler(noticeRetryRequested, () => {
    retried = true;
  });
  const { retry } = input;
  const { deliverNotice } = proxyActivities<Activities>({
    startToCloseTimeout: retry.attemptTimeoutMs + 10_000,
    scheduleToCloseTimeout: retry.windowMs,
    retry: {
      initialInterval: retry.initialIntervalMs,
      backoffCoefficient: 2,
      maximumInterval: retry.maximumIntervalMs,
      nonRetryableErrorTypes: ['ChannelNotConfigured'],
    },
  });
  for (;;) {
    retried = false;
    const deliveries = await planNoticeDeliveries({ caseId: input.caseId, key: input.key });
    await Promise.all(
      deliveries.map(async (delivery) => {
        try {
          await deliverNotice(delivery);
        } catch (err) {
          if (isCancellation(err) || !(err instanceof ActivityFailure)) throw err;
          await failNoticeDelivery({ ...delivery, error: err.cause?.message ?? err.message });
        }
      }),
    );
    const { delivered, pending } = await settleNotice({ caseId: input.caseId, key: input.key });
    // Failed deliveries an admin made pending again while this run was finishing: deliver them too.
    if (pending === 0 && !retried) return { delivered };
  }
}
