/**
 * What a rectification workflow writes (好差评, issue 14): its clock, its cards and its closing, in the
 * review store. Each write is idempotent by its condition in the store (a clock once, a card only
 * forward, a close only of an open rectification), so retries and replays leave one effect.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { Rectification, RectificationClock, RectificationClosing, ReviewStore } from '../adapters/reviews';
import type { RectificationCard } from '../domain/reviews';

export function createRectificationActivities(reviews: ReviewStore | undefined) {
  const store = (): ReviewStore => {
    // A worker wired without the review store cannot run rectifications: say so once, do not retry.
    if (!reviews) throw ApplicationFailure.nonRetryable('This worker has no review store (ActivityDeps.reviews).', 'NoReviewStore');
    return reviews;
  };
  return {
    /** Records the deadline and card instants the workflow computed, once. */
    async startRectificationClock(input: { rectificationId: string; clock: RectificationClock }): Promise<void> {
      await store().startClock(input.rectificationId, input.clock);
    },
    /** Moves the rectification's card forward (yellow at 50%, red at 90%, overdue at the deadline). */
    async markRectificationCard(input: { rectificationId: string; card: Exclude<RectificationCard, 'none'> }): Promise<void> {
      await store().markCard(input.rectificationId, input.card);
    },
    /** Closes the rectification with the measures and the call-back; a repeat keeps the first closing. */
    async recordRectificationClosed(input: { rectificationId: string; closing: RectificationClosing }): Promise<Rectification> {
      const closed = await store().close(input.rectificationId, input.closing);
      if (!closed) throw ApplicationFailure.nonRetryable(`No rectification ${input.rectificationId} in the review store.`, 'UnknownRectification');
      return closed;
    },
  };
}
