/**
 * 好差评: the applicant's rating of a case, and the rectification (整改) a bad rating opens, after
 * GB/T 39734-2020 (政务服务"一次一评""一事一评"工作规范) and GB/T 39735-2020, and the State Council's
 * 好差评 opinion (国办发〔2019〕51号).
 *
 * - 一次一评: once a case has ended (see {@link RATEABLE_CASE_STATES}) its applicant rates it once.
 * - 一事一评: besides, or instead, the applicant may rate each item of the case once; a rating of an
 *   item is about that item's department, a rating of the whole case about the window that served it
 *   (综合窗口, the front of the bundle).
 * - Five levels, 非常满意 5 … 非常不满意 1. The level is the overall satisfaction (整体满意度); the
 *   other online indicators of the standard (办事效率, 办事指南精确度, 办事便捷度, 平台操作性) are
 *   optional ratings on the same five levels, and a comment is optional.
 * - 差评 (a bad rating) is 不满意 (2) or 非常不满意 (1): the two levels below 基本满意, as the standard
 *   and 51号 name them. Each opens a rectification for the department rated, due in
 *   {@link RECTIFICATION_WORKING_DAYS} working days of the case's calendar, with yellow and red cards at
 *   50% and 90% like items; closing it records the measures taken and the call-back (回访) to the
 *   applicant with its outcome.
 * - Ratings are durable: nobody deletes one, and only the applicant who rated may change it, within
 *   the short window the bundle's definition states (`reviews.amendWithinHours`, default
 *   {@link DEFAULT_AMEND_WITHIN_HOURS} hours from the first rating: GB/T 39734 practice lets an
 *   applicant revise a rating shortly after giving it). Every version is kept with its time; the
 *   current one is what statistics count. An amendment from bad to good withdraws the open
 *   rectification (counted apart: neither on time nor late); one from good to bad opens one.
 *
 * Pure: schemas and rules only; the API, the store and the rectification workflow use them.
 */
import { z } from 'zod';
import { Slug } from './application';

/** 非常满意 5, 满意 4, 基本满意 3, 不满意 2, 非常不满意 1. */
export const ReviewLevel = z.number().int().min(1).max(5);
export type ReviewLevel = 1 | 2 | 3 | 4 | 5;

export const LEVEL_NAMES: Readonly<Record<ReviewLevel, { zh: string; en: string }>> = {
  5: { zh: '非常满意', en: 'very satisfied' },
  4: { zh: '满意', en: 'satisfied' },
  3: { zh: '基本满意', en: 'basically satisfied' },
  2: { zh: '不满意', en: 'dissatisfied' },
  1: { zh: '非常不满意', en: 'very dissatisfied' },
};

/**
 * The online indicators of the standard besides overall satisfaction (which is the level itself), by
 * the names the API uses.
 */
export const ONLINE_INDICATORS = {
  efficiency: { zh: '办事效率', en: 'efficiency' },
  guideAccuracy: { zh: '办事指南精确度', en: 'accuracy of the service guide' },
  convenience: { zh: '办事便捷度', en: 'convenience' },
  usability: { zh: '平台操作性', en: 'platform usability' },
} as const;
export type OnlineIndicator = keyof typeof ONLINE_INDICATORS;

/** Text a person typed: no control characters but tab and line breaks (PostgreSQL text holds no NUL). */
const Text = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .regex(/^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]*$/, 'no control characters');

export const ReviewIndicators = z
  .object({
    efficiency: ReviewLevel.optional().meta({ description: '办事效率, 1–5.' }),
    guideAccuracy: ReviewLevel.optional().meta({ description: '办事指南精确度, 1–5.' }),
    convenience: ReviewLevel.optional().meta({ description: '办事便捷度, 1–5.' }),
    usability: ReviewLevel.optional().meta({ description: '平台操作性, 1–5.' }),
  })
  .strict()
  .meta({ description: 'The online indicators of GB/T 39734 besides overall satisfaction, each on the five levels.' });
export type ReviewIndicators = z.infer<typeof ReviewIndicators>;

/** What the applicant sends to rate a case or one of its items. */
export const ReviewRequest = z
  .object({
    level: ReviewLevel.meta({ description: 'Overall satisfaction (整体满意度): 5 非常满意, 4 满意, 3 基本满意, 2 不满意, 1 非常不满意.' }),
    itemId: Slug.optional().meta({ description: '一事一评: the item rated (its department is rated); without it the whole case (its window).' }),
    indicators: ReviewIndicators.default({}),
    comment: Text(1000).optional(),
  })
  .strict()
  .meta({ id: 'ReviewRequest' });
export type ReviewRequest = z.infer<typeof ReviewRequest>;

/** What the applicant sends to change their rating within the window: the item rated stays the same. */
export const AmendReviewRequest = ReviewRequest.omit({ itemId: true }).meta({ id: 'AmendReviewRequest' });
export type AmendReviewRequest = z.infer<typeof AmendReviewRequest>;

/** 差评: 不满意 or 非常不满意. */
export function isBadRating(level: number): boolean {
  return level <= 2;
}

/** 好评 for the published satisfaction rate: 基本满意 or better (everything that is not 差评). */
export function isSatisfied(level: number): boolean {
  return level >= 3;
}

/**
 * Hours after the first rating in which its applicant may change it, when the definition does not
 * say (`reviews.amendWithinHours`): a day, long enough to correct a slip or revise a first reaction,
 * short enough that published figures settle.
 */
export const DEFAULT_AMEND_WITHIN_HOURS = 24;

/** When a rating given at `ratedAt` stops being amendable, for a window of `hours` (fractions allowed). */
export function amendableUntil(ratedAt: string, hours: number = DEFAULT_AMEND_WITHIN_HOURS): string {
  return new Date(Date.parse(ratedAt) + Math.round(hours * 3_600_000)).toISOString();
}

/** Whether a rating amendable until `until` may be changed at `now`: up to and including that instant. */
export function withinAmendWindow(until: string | undefined, now: Date): boolean {
  return until !== undefined && now.getTime() <= Date.parse(until);
}

/**
 * What an amendment does to the rectification: from bad to good it withdraws the open one, from good
 * to bad it opens one; between two bad levels, or two good ones, nothing.
 */
export function amendmentEffect(from: number, to: number): 'withdraw' | 'open' | 'none' {
  if (isBadRating(from) && !isBadRating(to)) return 'withdraw';
  if (!isBadRating(from) && isBadRating(to)) return 'open';
  return 'none';
}

/** A bad rating is rectified within this many working days (51号, and provincial practice). */
export const RECTIFICATION_WORKING_DAYS = 15;

/**
 * The states in which a case has ended and may be rated: completed (results issued), rejected by a
 * department, withdrawn by the applicant, refused at the window (不予受理 is a service too), and
 * terminated for a broken commitment; `revoked` and `archived` come after completion.
 */
export const RATEABLE_CASE_STATES: readonly string[] = ['completed', 'rejected', 'withdrawn', 'refused', 'terminated', 'revoked', 'archived'];

export function caseHasEnded(status: string): boolean {
  return RATEABLE_CASE_STATES.includes(status);
}

/** What the call-back (回访) found: the applicant satisfied with the rectification, or not, or not reached. */
export const CallbackOutcome = z.enum(['satisfied', 'basically-satisfied', 'unsatisfied', 'unreachable']);
export type CallbackOutcome = z.infer<typeof CallbackOutcome>;

export const Callback = z
  .object({
    outcome: CallbackOutcome.meta({ description: 'satisfied, basically-satisfied, unsatisfied, or unreachable (the applicant could not be reached).' }),
    note: Text(2000).optional().meta({ description: 'What the applicant said.' }),
    at: z.iso
      .datetime({ offset: true })
      .optional()
      .meta({ description: 'When the call-back took place (not in the future); now when absent.' }),
  })
  .strict()
  .meta({ id: 'Callback' });
export type Callback = z.infer<typeof Callback>;

/** What a department sends to close its rectification. */
export const CloseRectificationBody = z
  .object({
    measures: Text(4000).min(1).meta({ description: '整改情况: what was found and what was done.' }),
    callback: Callback,
  })
  .strict()
  .meta({ id: 'CloseRectification' });
export type CloseRectificationBody = z.infer<typeof CloseRectificationBody>;

/** A reached call-back: the applicant was heard (`unreachable` is an attempt, not a call-back). */
export function isReachedCallback(outcome: string): boolean {
  return outcome !== 'unreachable';
}

/** The card of a rectification, as items have them. */
export type RectificationCard = 'none' | 'yellow' | 'red' | 'overdue';
const CARD_ORDER: readonly RectificationCard[] = ['none', 'yellow', 'red', 'overdue'];

/** Cards only go forward: none → yellow → red → overdue. */
export function laterCard(current: RectificationCard, next: RectificationCard): boolean {
  return CARD_ORDER.indexOf(next) > CARD_ORDER.indexOf(current);
}

/** Counts of ratings and rectifications, as the store aggregates them. */
export interface ReviewCounts {
  total: number;
  /** By level, 1–5. */
  byLevel: Record<ReviewLevel, number>;
  rectifications: {
    /** One per bad rating (and per amendment to a bad level). */
    opened: number;
    /** Withdrawn because the applicant amended the rating to a good level: neither on time nor late. */
    withdrawn: number;
    open: number;
    /** Open with the deadline passed (the workflow's overdue card). */
    overdue: number;
    closed: number;
    /** Closed at or before the deadline. */
    closedOnTime: number;
    /** Closed with the applicant reached by the call-back. */
    calledBack: number;
  };
}

/**
 * The published figures (GB/T 39734 附录 B asks for the rating counts and the rectification and
 * call-back rates):
 * - `satisfactionRate`: ratings 基本满意 or better / all ratings (好评率);
 * - `rectificationRate` (差评整改率): rectifications closed / those opened and not withdrawn (a
 *   rating amended to a good level leaves nothing to rectify);
 * - `onTimeRate` (按时整改率): closed in time / rectifications whose outcome is known (closed, or open
 *   past the deadline); an open one within its limit counts neither way yet;
 * - `callbackRate` (回访率): closed with the applicant reached / closed.
 * Rates are 0 when nothing is counted, rounded to 4 places.
 */
export function reviewRates(counts: ReviewCounts): { satisfactionRate: number; meanLevel: number; rectificationRate: number; onTimeRate: number; callbackRate: number } {
  const { total, byLevel, rectifications: r } = counts;
  const satisfied = byLevel[3] + byLevel[4] + byLevel[5];
  const levelSum = ([1, 2, 3, 4, 5] as const).reduce((sum, level) => sum + level * byLevel[level], 0);
  return {
    satisfactionRate: ratio(satisfied, total),
    meanLevel: total ? Math.round((levelSum / total) * 100) / 100 : 0,
    rectificationRate: ratio(r.closed, r.opened - r.withdrawn),
    onTimeRate: ratio(r.closedOnTime, r.closed + r.overdue),
    callbackRate: ratio(r.calledBack, r.closed),
  };
}

function ratio(a: number, b: number): number {
  return b ? Math.round((a / b) * 10_000) / 10_000 : 0;
}
