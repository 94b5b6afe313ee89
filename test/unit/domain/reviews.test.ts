/**
 * The 好差评 rules (domain/reviews.ts): which ratings are bad, which cases may be rated, what a rating
 * and a closing may say, and the published rates computed from counts.
 */
import { describe, expect, it } from 'vitest';
import {
  AmendReviewRequest,
  amendableUntil,
  amendmentEffect,
  caseHasEnded,
  CloseRectificationBody,
  DEFAULT_AMEND_WITHIN_HOURS,
  isBadRating,
  isSatisfied,
  laterCard,
  reviewRates,
  ReviewRequest,
  withinAmendWindow,
  type ReviewCounts,
} from '../../../domain/reviews';
import { ReviewSettings } from '../../../definitions/schema';

const counts = (byLevel: ReviewCounts['byLevel'], r: Partial<ReviewCounts['rectifications']> = {}): ReviewCounts => ({
  total: Object.values(byLevel).reduce((a, b) => a + b, 0),
  byLevel,
  rectifications: { opened: 0, withdrawn: 0, open: 0, overdue: 0, closed: 0, closedOnTime: 0, calledBack: 0, ...r },
});

describe('ratings', () => {
  it('calls 不满意 (2) and 非常不满意 (1) bad, and 基本满意 (3) and better satisfied', () => {
    expect([1, 2, 3, 4, 5].map(isBadRating)).toEqual([true, true, false, false, false]);
    expect([1, 2, 3, 4, 5].map(isSatisfied)).toEqual([false, false, true, true, true]);
  });

  it('lets a case be rated only once it has ended', () => {
    for (const status of ['completed', 'rejected', 'withdrawn', 'refused', 'terminated']) expect(caseHasEnded(status), status).toBe(true);
    for (const status of ['submitted', 'accepted', 'processing', 'supplementing', 'issuing']) expect(caseHasEnded(status), status).toBe(false);
  });

  it('accepts the five levels with the online indicators, and refuses anything else', () => {
    expect(ReviewRequest.parse({ level: 1, itemId: 'fire-check', indicators: { efficiency: 1, usability: 5 }, comment: ' 太慢 \n' })).toEqual({
      level: 1,
      itemId: 'fire-check',
      indicators: { efficiency: 1, usability: 5 },
      comment: '太慢',
    });
    expect(ReviewRequest.parse({ level: 5 })).toEqual({ level: 5, indicators: {} });
    for (const bad of [{ level: 0 }, { level: 6 }, { level: 2.5 }, { level: '5' }, { level: 3, indicators: { speed: 3 } }, { level: 3, indicators: { efficiency: 9 } }, { level: 3, comment: 'a\u0000b' }, { level: 3, extra: true }, { level: 3, itemId: '../x' }]) {
      expect(ReviewRequest.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });

  it('needs the measures and a call-back outcome to close a rectification, the call-back time with an offset', () => {
    expect(CloseRectificationBody.safeParse({ measures: '已整改', callback: { outcome: 'unreachable', at: '2026-12-01T10:00:00+08:00' } }).success).toBe(true);
    for (const bad of [{ measures: '', callback: { outcome: 'satisfied' } }, { measures: 'x' }, { measures: 'x', callback: { outcome: 'happy' } }, { measures: 'x', callback: { outcome: 'satisfied', at: '2026-12-01 10:00' } }]) {
      expect(CloseRectificationBody.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });

  it('moves cards only forward', () => {
    expect(laterCard('none', 'yellow')).toBe(true);
    expect(laterCard('yellow', 'overdue')).toBe(true);
    expect(laterCard('red', 'yellow')).toBe(false);
    expect(laterCard('red', 'red')).toBe(false);
  });
});

describe('reviewRates', () => {
  it('computes the satisfaction, rectification, on-time and call-back rates as documented', () => {
    const rates = reviewRates(counts({ 1: 2, 2: 2, 3: 1, 4: 2, 5: 3 }, { opened: 4, open: 2, overdue: 1, closed: 2, closedOnTime: 1, calledBack: 1 }));
    expect(rates).toEqual({
      satisfactionRate: 0.6, // 6 of 10 are 基本满意 or better
      meanLevel: 3.2,
      rectificationRate: 0.5, // 2 of 4 rectifications closed
      onTimeRate: 0.3333, // 1 closed in time of 2 closed + 1 open past its deadline
      callbackRate: 0.5, // 1 of 2 closed reached the applicant
    });
  });

  it('leaves withdrawn rectifications out of the rectification rate, and out of the on-time rate', () => {
    const rates = reviewRates(counts({ 1: 1, 2: 0, 3: 1, 4: 1, 5: 1 }, { opened: 3, withdrawn: 1, open: 0, closed: 2, closedOnTime: 1, calledBack: 2 }));
    expect(rates.rectificationRate).toBe(1); // 2 closed of 3 opened less 1 withdrawn
    expect(rates.onTimeRate).toBe(0.5); // 1 of 2 closed; the withdrawn one is neither on time nor late
  });

  it('answers 0, not NaN, when nothing is counted', () => {
    expect(reviewRates(counts({ 1: 0, 2: 0, 3: 0, 4: 0, 5: 0 }))).toEqual({ satisfactionRate: 0, meanLevel: 0, rectificationRate: 0, onTimeRate: 0, callbackRate: 0 });
  });
});

describe('the amendment window', () => {
  const ratedAt = '2026-12-01T02:00:00.000Z';

  it('lasts the hours the definition states from the first rating, 24 by default, fractions allowed', () => {
    expect(DEFAULT_AMEND_WITHIN_HOURS).toBe(24);
    expect(amendableUntil(ratedAt)).toBe('2026-12-02T02:00:00.000Z');
    expect(amendableUntil(ratedAt, 2)).toBe('2026-12-01T04:00:00.000Z');
    expect(amendableUntil(ratedAt, 0.5)).toBe('2026-12-01T02:30:00.000Z');
    expect(amendableUntil(ratedAt, 0)).toBe(ratedAt);
  });

  it('admits an amendment up to and including its last instant, none after, and none without a window', () => {
    const until = amendableUntil(ratedAt, 24);
    expect(withinAmendWindow(until, new Date(ratedAt))).toBe(true);
    expect(withinAmendWindow(until, new Date('2026-12-02T01:59:59.999Z'))).toBe(true);
    expect(withinAmendWindow(until, new Date(until))).toBe(true);
    expect(withinAmendWindow(until, new Date('2026-12-02T02:00:00.001Z'))).toBe(false);
    expect(withinAmendWindow(undefined, new Date(ratedAt))).toBe(false);
  });

  it('withdraws the rectification from bad to good, opens one from good to bad, and leaves it otherwise', () => {
    expect(amendmentEffect(1, 3)).toBe('withdraw');
    expect(amendmentEffect(2, 5)).toBe('withdraw');
    expect(amendmentEffect(4, 2)).toBe('open');
    expect(amendmentEffect(3, 1)).toBe('open');
    expect(amendmentEffect(1, 2)).toBe('none');
    expect(amendmentEffect(5, 3)).toBe('none');
  });

  it('takes an amendment without an item (the item rated stays the same)', () => {
    expect(AmendReviewRequest.parse({ level: 4, comment: '改为满意' })).toEqual({ level: 4, indicators: {}, comment: '改为满意' });
    expect(() => AmendReviewRequest.parse({ level: 4, itemId: 'food-permit' })).toThrow();
  });

  it('is stated in the definition as reviews.amendWithinHours: at most a week, not negative', () => {
    const reviews = (value: unknown) => ReviewSettings.optional().safeParse(value).success;
    expect(reviews({ amendWithinHours: 24 })).toBe(true);
    expect(reviews({ amendWithinHours: 0.5 })).toBe(true);
    expect(reviews({})).toBe(true);
    expect(reviews(undefined)).toBe(true);
    expect(reviews({ amendWithinHours: -1 })).toBe(false);
    expect(reviews({ amendWithinHours: 169 })).toBe(false);
    expect(reviews({ amendWithin: 24 })).toBe(false);
  });
});
