/**
 * Notification delivery activities: after `notify` puts a notification in the outbox, its delivery
 * workflow plans the deliveries (channel × recipient, each recorded once), runs one attempt per
 * activity execution (Temporal retries with backoff), records the failures it gives up on, and marks
 * the outbox entry delivered when every delivery is.
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { startNoticeDelivery, type NoticeDispatch } from '../adapters/notices';
import { planDeliveries, type NoticeChannel } from '../domain/notices';

export interface NoticeDeliveryRef {
  caseId: string;
  key: string;
  channel: NoticeChannel;
  recipient: string;
}

/** Starts the notification's delivery workflow (in `notify`, once the outbox holds it); nothing without channels. */
export async function deliverLater(dispatch: NoticeDispatch | undefined, caseId: string, key: string): Promise<void> {
  if (!dispatch) return;
  const { client, info } = Context.current();
  await startNoticeDelivery(client, info.taskQueue, { caseId, key, retry: dispatch.retry });
}

export function noticeActivities(dispatch: NoticeDispatch | undefined) {
  return {
    /** Records what the notification needs (in-app for applicants, SMS and e-mail where a contact has an address); the deliveries still to make. */
    async planNoticeDeliveries(input: { caseId: string; key: string }): Promise<NoticeDeliveryRef[]> {
      const { store, contacts, senders } = required(dispatch);
      const notice = await store.notification(input.caseId, input.key);
      if (!notice) throw ApplicationFailure.nonRetryable(`the outbox has no notification ${input.caseId}/${input.key}`, 'NoSuchNotification');
      const channels = new Set<NoticeChannel>(['in-app', ...senders.map((s) => s.channel)]);
      const planned = planDeliveries(notice, await contacts.contactsOf(notice.to), channels);
      const recorded = await store.plan(input.caseId, input.key, planned);
      return recorded.filter((d) => d.status === 'pending').map(({ channel, recipient }) => ({ ...input, channel, recipient }));
    },

    /** One attempt of one delivery; nothing when it was delivered before. Fails (to be retried) when the channel did not take it. */
    async deliverNotice(ref: NoticeDeliveryRef): Promise<void> {
      const { store, senders } = required(dispatch);
      const delivery = await store.delivery(ref.caseId, ref.key, ref.channel, ref.recipient);
      if (!delivery || delivery.status === 'delivered') return;
      const notice = (await store.notification(ref.caseId, ref.key))!;
      const at = new Date().toISOString();
      if (ref.channel === 'in-app') {
        await store.addInApp(ref.caseId, ref.key, delivery.address, notice);
        await store.recordAttempt(ref.caseId, ref.key, ref.channel, ref.recipient, { ok: true, at });
        return;
      }
      const sender = senders.find((s) => s.channel === ref.channel);
      if (!sender) throw ApplicationFailure.nonRetryable(`the ${ref.channel} channel is not configured on this worker`, 'ChannelNotConfigured');
      try {
        await sender.send({
          deliveryId: `${delivery.notificationId}.${ref.channel}.${Buffer.from(ref.recipient).toString('base64url')}`,
          notice,
          recipient: ref.recipient,
          address: delivery.address,
          facts: await store.caseFacts(ref.caseId),
        });
      } catch (err) {
        const error = (err as Error).message ?? String(err);
        await store.recordAttempt(ref.caseId, ref.key, ref.channel, ref.recipient, { ok: false, at, error });
        throw ApplicationFailure.retryable(`${ref.channel} to ${ref.recipient}: ${error}`, 'NoticeDeliveryFailed');
      }
      await store.recordAttempt(ref.caseId, ref.key, ref.channel, ref.recipient, { ok: true, at });
    },

    /** The retry window closed: the delivery is failed, for admins to see and retry. */
    async failNoticeDelivery(input: NoticeDeliveryRef & { error: string }): Promise<void> {
      await required(dispatch).store.markFailed(input.caseId, input.key, input.channel, input.recipient, input.error);
    },

    /**
     * Marks the outbox entry delivered once every delivery is: whether it is, and how many deliveries
     * are pending again (an admin's retry while this run was finishing, which this run then makes).
     */
    async settleNotice(input: { caseId: string; key: string }): Promise<{ delivered: boolean; pending: number }> {
      const { store } = required(dispatch);
      const delivered = await store.settle(input.caseId, input.key);
      const pending = delivered ? 0 : (await store.plan(input.caseId, input.key, [])).filter((d) => d.status === 'pending').length;
      return { delivered, pending };
    },
  };
}

function required(dispatch: NoticeDispatch | undefined): NoticeDispatch {
  if (!dispatch) throw ApplicationFailure.nonRetryable('this worker has no notification channels', 'NoticesNotConfigured');
  return dispatch;
}
