/**
 * What a rectification workflow writes (好差评, issue 14): its clock, its cards and its closing, in the
 * review store, and the webhook events integrators hear of them (`rectification.due` at the red card
 * and at the deadline, `rectification.closed`). Each write is idempotent by its condition in the store
 * (a clock once, a card only forward, a close only of an open rectification) and each event by its
 * message id, so retries and replays leave one effect.
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Rectification, RectificationClock, RectificationClosing, ReviewStore } from '../adapters/reviews';
import { publishWebhookEvents, type WebhookDispatch } from '../adapters/webhooks';
import type { RectificationCard } from '../domain/reviews';
import { caseEvent, type WebhookEventType } from '../domain/webhooks';

export function createRectificationActivities(reviews: ReviewStore | undefined, webhooks?: WebhookDispatch) {
  const store = (): ReviewStore => {
    // A worker wired without the review store cannot run rectifications: say so once, do not retry.
    if (!reviews) throw ApplicationFailure.nonRetryable('This worker has no review store (ActivityDeps.reviews).', 'NoReviewStore');
    return reviews;
  };
  /** Tells the case owner's subscriptions (the case workflow's id names the case, as for its timeline events). */
  async function publish(type: WebhookEventType, rectification: Rectification, key: string, at: string, data: Record<string, unknown>): Promise<void> {
    if (!webhooks) return;
    const { client, info } = Context.current();
    const event = caseEvent(type, rectification.caseId, `rectification-${rectification.id}-${key}`, at, {
      rectificationId: rectification.id,
      reviewId: rectification.reviewId,
      ...(rectification.itemId ? { itemId: rectification.itemId } : {}),
      department: rectification.department,
      level: rectification.level,
      ...data,
    });
    await publishWebhookEvents(client, info.taskQueue, webhooks, `case-${rectification.caseId}`, [event]);
  }
  return {
    /** Records the deadline and card instants the workflow computed, once. */
    async startRectificationClock(input: { rectificationId: string; clock: RectificationClock }): Promise<void> {
      await store().startClock(input.rectificationId, input.clock);
    },
    /** Moves the rectification's card forward (yellow at 50%, red at 90%, overdue at the deadline); red and overdue are `rectification.due`. */
    async markRectificationCard(input: { rectificationId: string; card: Exclude<RectificationCard, 'none'> }): Promise<void> {
      await store().markCard(input.rectificationId, input.card);
      if (input.card === 'yellow') return;
      const now = await store().rectification(input.rectificationId);
      // Closed meanwhile: it is no longer due. A retry after the card was written publishes (once) what it missed.
      if (now?.status !== 'open' || now.card !== input.card) return;
      const at = (input.card === 'red' ? now.redAt : now.deadline) ?? new Date().toISOString();
      await publish('rectification.due', now, input.card, at, { card: input.card, deadline: now.deadline });
    },
    /** Closes the rectification with the measures and the call-back; a repeat keeps the first closing. */
    async recordRectificationClosed(input: { rectificationId: string; closing: RectificationClosing }): Promise<Rectification> {
      const closed = await store().close(input.rectificationId, input.closing);
      if (!closed) throw ApplicationFailure.nonRetryable(`No rectification ${input.rectificationId} in the review store.`, 'UnknownRectification');
      const onTime = closed.deadline !== undefined && closed.closedAt !== undefined && Date.parse(closed.closedAt) <= Date.parse(closed.deadline);
      await publish('rectification.closed', closed, 'closed', closed.closedAt ?? input.closing.closedAt, {
        closedAt: closed.closedAt,
        deadline: closed.deadline,
        onTime,
        measures: closed.measures,
        callback: { at: closed.callback?.at, outcome: closed.callback?.outcome },
      });
      return closed;
    },
  };
}
