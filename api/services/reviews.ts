/**
 * 好差评 over the review store and Temporal (issue 14): the applicant rates an ended case or one of
 * its items once, and may amend the rating within the window of the bundle's definition (every
 * version kept; bad → good withdraws the open rectification and tells its workflow, good → bad opens
 * one); a bad rating is stored with its rectification in one transaction, and the
 * rectification's workflow (its working-day clock and cards) is started under the business key
 * `rectification-{id}`; the department closes it with the call-back through the workflow's Update.
 * Decorated as `app.reviews`; what it refuses it throws as domain refusals or service errors.
 */
import { randomUUID } from 'node:crypto';
import canonicalize from 'canonicalize';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import fp from 'fastify-plugin';
import type { Rectification, RectificationPageKey, Review, ReviewPageKey, ReviewStore, ReviewVersion } from '../../adapters/reviews';
import { publishWebhookEvents, type WebhookDispatch } from '../../adapters/webhooks';
import { caseEvent } from '../../domain/webhooks';
import type { DefinitionRegistry } from '../../definitions/registry';
import type { Actor } from '../../domain/application';
import { DomainRuleError, FailureType, illegalNow } from '../../domain/errors';
import {
  caseHasEnded,
  DEFAULT_AMEND_WITHIN_HOURS,
  isBadRating,
  RECTIFICATION_WORKING_DAYS,
  type AmendReviewRequest,
  type CloseRectificationBody,
  type ReviewLevel,
  type ReviewRequest,
} from '../../domain/reviews';
import type { rectificationWorkflow } from '../../workflows';
import {
  caseWorkflowId,
  closeRectification,
  rectificationWithdrawn,
  rectificationWorkflowId,
  TASK_QUEUE,
  type CaseProgress,
  type RectificationInput,
} from '../../workflows/contract';
import { openPageToken, sealPageToken } from '../page-token';
import type { CaseService } from './case-service';
import { IdempotencyKeyReusedError, InvalidPageTokenError, UnknownItemError } from './errors';
import { runUpdate, type IdempotencyKey, type UpdateOutcome } from './updates';

/** Who rates: the signed-in applicant (the route has checked it is one). */
export interface Rater {
  principalId: string;
  subjectId: string;
}

export interface RateOutcome {
  review: Review;
  rectification?: Rectification;
  /** False when the same rating was already stored (a retry): it is answered again. */
  created: boolean;
}

export interface AmendOutcome {
  review: Review;
  /** The rectification the amendment withdrew (bad → good) or opened (good → bad). */
  withdrawn?: Rectification;
  opened?: Rectification;
  /** Nothing new was written: a retry under the same key, or the current rating again. */
  replayed: boolean;
}

export interface ListPage<T> {
  items: T[];
  nextPageToken?: string;
}

export class ReviewService {
  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
    private readonly store: ReviewStore,
    private readonly cases: CaseService,
    private readonly registry: DefinitionRegistry,
    private readonly webhooks?: WebhookDispatch,
  ) {}

  /**
   * Rates a case (or one of its items) for its applicant. Refused while the case has not ended, for
   * another applicant's case, for an item that never reached its department, and a second time (一次一评,
   * 一事一评) unless the request is the same as the stored rating, which is then answered again.
   */
  async rate(caseId: string, rater: Rater, request: ReviewRequest): Promise<RateOutcome> {
    const { progress } = await this.cases.readProgress(caseId);
    if (progress.applicant.subjectId !== rater.subjectId) throw new NotYourCaseError();
    if (!caseHasEnded(progress.status)) throw illegalNow(`The case is ${progress.status}: it can be rated once it has ended (completed, rejected, withdrawn, refused or terminated).`);
    const { department, calendar, amendWithinHours } = this.rated(progress, request.itemId);
    const review = {
      id: newId(),
      caseId,
      ...(request.itemId ? { itemId: request.itemId } : {}),
      bundleId: progress.bundleId,
      department,
      subjectId: rater.subjectId,
      ratedBy: rater.principalId,
      level: request.level as ReviewLevel,
      indicators: request.indicators,
      ...(request.comment ? { comment: request.comment } : {}),
    };
    const bad = isBadRating(request.level);
    const result = await this.store.rate({ ...review, amendWithinHours }, bad ? { id: newId(), calendar, days: RECTIFICATION_WORKING_DAYS } : undefined);
    if (!result.created && !sameRating(result.review, review)) {
      const what = request.itemId ? `Item "${request.itemId}" of this case` : 'This case';
      const how = result.review.amendableUntil ? `; its applicant may amend it until ${result.review.amendableUntil} with PUT /cases/${caseId}/reviews/${result.review.id}` : '';
      throw illegalNow(`${what} was already rated (一次一评, 一事一评)${how}.`);
    }
    const rectification = result.rectification ?? (result.review.rectificationId ? await this.store.rectification(result.review.rectificationId) : undefined);
    // Started and published after the transaction; a retry of the same rating does what the first attempt could not.
    if (rectification) await this.ensureStarted(rectification);
    await this.publishReceived(result.review);
    return { review: result.review, ...(rectification ? { rectification: await this.fresh(rectification) } : {}), created: result.created };
  }

  /**
   * The applicant amends their rating within its window: a new version (the earlier ones kept), with
   * its consequence for the rectification in the same transaction, then the rectification's workflow
   * is told (withdrawn) or started (opened) and `review.amended` published. Nobody else may: another
   * applicant's review is refused as not theirs. After the window, refused with the instant it closed.
   * Idempotent under the caller's key, and the current rating sent again changes nothing.
   */
  async amend(caseId: string, reviewId: string, rater: Rater, request: AmendReviewRequest, key?: IdempotencyKey): Promise<AmendOutcome> {
    const { progress } = await this.cases.readProgress(caseId);
    // Another applicant learns nothing of the case's reviews, not even which exist.
    if (progress.applicant.subjectId !== rater.subjectId) throw new NotYourCaseError();
    const stored = await this.store.review(reviewId);
    if (!stored || stored.caseId !== caseId) throw new UnknownReviewError(caseId, reviewId);
    if (stored.subjectId !== rater.subjectId) throw new NotYourCaseError();
    const { plan } = this.registry.get(progress.bundleId, progress.bundleVersion);
    const result = await this.store.amend({
      reviewId,
      level: request.level as ReviewLevel,
      indicators: request.indicators,
      ...(request.comment ? { comment: request.comment } : {}),
      ratedBy: rater.principalId,
      ...(key ? { idempotencyKey: key.key } : {}),
      rectification: { id: newId(), calendar: plan.calendar, days: RECTIFICATION_WORKING_DAYS },
    });
    switch (result.outcome) {
      case 'not-found':
        throw new UnknownReviewError(caseId, reviewId);
      case 'key-reused':
        throw new IdempotencyKeyReusedError();
      case 'window-closed': {
        const until = result.review.amendableUntil;
        throw new DomainRuleError(
          FailureType.DeadlinePassed,
          until
            ? `The window to amend this rating closed at ${until} (${hoursOf(result.review)} after it was given): it stays as it is.`
            : 'This rating was given before ratings could be amended: it stays as it is.',
          { amendableUntil: until ?? null },
        );
      }
      case 'replayed':
      case 'unchanged': {
        // A retry does what the first attempt may not have done after its transaction.
        const latest = result.review.rectificationId ? await this.store.rectification(result.review.rectificationId) : undefined;
        if (latest?.status === 'open') await this.ensureStarted(latest);
        if (latest?.status === 'withdrawn') await this.tellWithdrawn(latest);
        if (result.review.version > 1) await this.publishAmended(result.review, undefined, latest);
        return { review: result.review, replayed: true };
      }
      case 'amended': {
        if (result.withdrawn) await this.tellWithdrawn(result.withdrawn);
        if (result.opened) await this.ensureStarted(result.opened);
        await this.publishAmended(result.review, result.previous, result.withdrawn ?? result.opened);
        return {
          review: result.review,
          ...(result.withdrawn ? { withdrawn: result.withdrawn } : {}),
          ...(result.opened ? { opened: await this.fresh(result.opened) } : {}),
          replayed: false,
        };
      }
    }
  }

  /** Every version of a case's rating, the original first. */
  async history(caseId: string, reviewId: string): Promise<{ review: Review; versions: ReviewVersion[] }> {
    const review = await this.store.review(reviewId);
    if (!review || review.caseId !== caseId) throw new UnknownReviewError(caseId, reviewId);
    return { review, versions: await this.store.versions(reviewId) };
  }

  /** Tells a withdrawn rectification's workflow to stop its cards and end; one that has ended needs nothing. */
  private async tellWithdrawn(rectification: Rectification): Promise<void> {
    try {
      await this.client.workflow
        .getHandle(rectificationWorkflowId(rectification.id))
        .signal(rectificationWithdrawn, { withdrawnAt: rectification.withdrawnAt ?? new Date().toISOString(), reviewVersion: rectification.reviewVersion });
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
    }
  }

  /**
   * `review.amended` for the case owner's subscriptions, once per version (by its message id), with
   * the level before and after and what it did to the rectification; not the comment.
   */
  private async publishAmended(review: Review, previous: ReviewVersion | undefined, rectification: Rectification | undefined): Promise<void> {
    if (!this.webhooks) return;
    const before = previous ?? (await this.store.versions(review.id)).find((v) => v.version === review.version - 1);
    const event = caseEvent('review.amended', review.caseId, `review-${review.id}-v${review.version}`, review.amendedAt ?? review.createdAt, {
      reviewId: review.id,
      ...(review.itemId ? { itemId: review.itemId } : {}),
      department: review.department,
      version: review.version,
      ...(before ? { previousLevel: before.level } : {}),
      level: review.level,
      indicators: review.indicators,
      ...(rectification && rectification.reviewVersion === review.version ? { rectificationId: rectification.id } : {}),
      ...(rectification?.status === 'withdrawn' ? { withdrawnRectificationId: rectification.id } : {}),
    });
    await publishWebhookEvents(this.client, this.taskQueue, this.webhooks, caseWorkflowId(review.caseId), [event]);
  }

  /** The department rated, the calendar its rectification counts in, and the bundle's amendment window. */
  private rated(progress: CaseProgress, itemId: string | undefined): { department: string; calendar: string; amendWithinHours: number } {
    const { plan, definition } = this.registry.get(progress.bundleId, progress.bundleVersion);
    const amendWithinHours = (definition as { reviews?: { amendWithinHours?: number } }).reviews?.amendWithinHours ?? DEFAULT_AMEND_WITHIN_HOURS;
    if (!itemId) return { department: plan.window.department, calendar: plan.calendar, amendWithinHours };
    const item = progress.items.find((i) => i.id === itemId);
    if (!item) throw new UnknownItemError(progress.caseId, itemId);
    // An item skipped, or cancelled before dispatch, served nobody: there is nothing to rate.
    if (!item.startedAt) throw illegalNow(`Item "${itemId}" never reached its department (${item.status}): there is nothing to rate.`);
    return { department: item.department, calendar: plan.calendar, amendWithinHours };
  }

  /** Starts the rectification's workflow unless it runs or ran (its id is the business key). */
  private async ensureStarted(rectification: Rectification): Promise<void> {
    const input: RectificationInput = {
      rectificationId: rectification.id,
      reviewId: rectification.reviewId,
      caseId: rectification.caseId,
      department: rectification.department,
      subjectId: rectification.subjectId,
      level: rectification.level,
      calendar: rectification.calendar,
      days: rectification.days,
    };
    try {
      await this.client.workflow.start<typeof rectificationWorkflow>('rectificationWorkflow', {
        taskQueue: this.taskQueue,
        workflowId: rectificationWorkflowId(rectification.id),
        args: [input],
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        memo: { caseId: rectification.caseId, reviewId: rectification.reviewId },
      });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
  }

  /**
   * `review.received` for the case owner's webhook subscriptions, once per rating (by its message id).
   * The level and indicators, not the comment: the rater's words stay with those who follow the case.
   */
  private async publishReceived(review: Review): Promise<void> {
    if (!this.webhooks) return;
    const event = caseEvent('review.received', review.caseId, `review-${review.id}`, review.createdAt, {
      reviewId: review.id,
      ...(review.itemId ? { itemId: review.itemId } : {}),
      department: review.department,
      level: review.level,
      indicators: review.indicators,
      ...(review.rectificationId ? { rectificationId: review.rectificationId } : {}),
    });
    await publishWebhookEvents(this.client, this.taskQueue, this.webhooks, caseWorkflowId(review.caseId), [event]);
  }

  /** The rectification as stored now (the workflow may have recorded its clock meanwhile). */
  private async fresh(rectification: Rectification): Promise<Rectification> {
    return (await this.store.rectification(rectification.id)) ?? rectification;
  }

  reviewsOfCase(caseId: string): Promise<Review[]> {
    return this.store.reviewsOfCase(caseId);
  }

  async listReviews(filter: { bundleId?: string; department?: string; level?: number; pageSize: number; pageToken?: string }): Promise<ListPage<Review>> {
    const scope = `reviews\n${filter.bundleId ?? ''}\n${filter.department ?? ''}\n${filter.level ?? ''}`;
    const after = filter.pageToken ? opened<ReviewPageKey>(scope, filter.pageToken, (k) => typeof k.createdAt === 'string' && typeof k.id === 'string') : undefined;
    const page = await this.store.listReviews({ ...strip(filter), pageSize: filter.pageSize, ...(after ? { after } : {}) });
    return { items: page.items, ...(page.next ? { nextPageToken: sealPageToken(scope, Buffer.from(JSON.stringify(page.next))) } : {}) };
  }

  rectification(id: string): Promise<Rectification | undefined> {
    return this.store.rectification(id);
  }

  async listRectifications(filter: { department?: string; status?: Rectification['status']; card?: Rectification['card']; pageSize: number; pageToken?: string }): Promise<ListPage<Rectification>> {
    const scope = `rectifications\n${filter.department ?? ''}\n${filter.status ?? ''}\n${filter.card ?? ''}`;
    const valid = (k: RectificationPageKey) => (k.deadline === null || typeof k.deadline === 'string') && typeof k.id === 'string';
    const after = filter.pageToken ? opened<RectificationPageKey>(scope, filter.pageToken, valid) : undefined;
    const page = await this.store.listRectifications({ ...strip(filter), pageSize: filter.pageSize, ...(after ? { after } : {}) });
    return { items: page.items, ...(page.next ? { nextPageToken: sealPageToken(scope, Buffer.from(JSON.stringify(page.next))) } : {}) };
  }

  /**
   * The department closes its rectification with the measures and the call-back, through the
   * workflow (which refuses a second close, another department, a call-back in the future);
   * idempotent under the caller's key. The rectification as stored after.
   */
  async close(rectification: Rectification, actor: Actor, body: CloseRectificationBody, key?: IdempotencyKey): Promise<UpdateOutcome<Rectification>> {
    const closedAlready = () => illegalNow(`Rectification ${rectification.id} is already closed.`);
    if (rectification.status === 'withdrawn') throw illegalNow(`Rectification ${rectification.id} was withdrawn: the applicant amended the rating to a good level.`);
    if (rectification.status === 'closed' && !key) throw closedAlready();
    await this.ensureStarted(rectification);
    const handle = this.client.workflow.getHandle(rectificationWorkflowId(rectification.id));
    let outcome: UpdateOutcome<object>;
    try {
      outcome = await runUpdate(this.client, handle, closeRectification, [{ ...body, actor }], key);
    } catch (err) {
      // A closed rectification's workflow has completed: the Update cannot reach it (unless it is this key's replay).
      if (!(err instanceof IdempotencyKeyReusedError) && (await this.store.rectification(rectification.id))?.status === 'closed') throw closedAlready();
      throw err;
    }
    return { value: await this.fresh(rectification), replayed: outcome.replayed };
  }
}

/** The applicant rates only their own case. */
export class NotYourCaseError extends Error {
  constructor() {
    super('This case is not yours.');
    this.name = 'NotYourCaseError';
  }
}

/** A review that is not one of this case's. */
export class UnknownReviewError extends Error {
  constructor(caseId: string, reviewId: string) {
    super(`Case ${caseId} has no review ${reviewId}.`);
    this.name = 'UnknownReviewError';
  }
}

/** The window as the definition stated it, for messages: "24 hours". */
function hoursOf(review: Review): string {
  const hours = (Date.parse(review.amendableUntil ?? review.createdAt) - Date.parse(review.createdAt)) / 3_600_000;
  return `${Math.round(hours * 1000) / 1000} hours`;
}

type RatingFields = Pick<Review, 'subjectId' | 'level' | 'indicators'> & { itemId?: string; comment?: string };

/** The same rating as stored (a retry), not another one. */
function sameRating(stored: Review, requested: RatingFields): boolean {
  const fields = (r: RatingFields) =>
    canonicalize({ itemId: r.itemId ?? null, subjectId: r.subjectId, level: r.level, indicators: r.indicators, comment: r.comment ?? null });
  return fields(stored) === fields(requested);
}

function newId(): string {
  return randomUUID().replaceAll('-', '').slice(0, 24);
}

/** The filter's defined values only (the store's queries take no `undefined`). */
function strip<T extends object>(filter: T): Partial<T> {
  const { pageSize: _size, pageToken: _token, ...rest } = filter as T & { pageSize?: number; pageToken?: string };
  return Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The page key inside a token this API sealed for this listing, or a 400. */
function opened<K>(scope: string, token: string, valid: (key: K) => boolean): K {
  const bytes = openPageToken(scope, token);
  let key: K | undefined;
  try {
    key = bytes ? (JSON.parse(bytes.toString('utf8')) as K) : undefined;
  } catch {
    key = undefined;
  }
  if (!key || typeof key !== 'object' || !valid(key)) throw new InvalidPageTokenError('The pageToken is not one this API returned for this listing.');
  return key;
}

declare module 'fastify' {
  interface FastifyInstance {
    reviews: ReviewService;
  }
}

/** Decorates `app.reviews` over the shared Temporal client and the case service. */
export const reviewService = fp<{ store: ReviewStore; registry: DefinitionRegistry; webhooks?: WebhookDispatch }>(
  async (app, options) => {
    app.decorate('reviews', new ReviewService(app.temporal.client, app.temporal.taskQueue ?? TASK_QUEUE, options.store, app.cases, options.registry, options.webhooks));
  },
  { name: 'review-service', fastify: '5.x', dependencies: ['temporal', 'case-service'] },
);
