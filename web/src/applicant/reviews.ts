/**
 * 好差评 as the applicant's screens read and write it: the case's ratings, rating the case or an item
 * (POST /cases/{caseId}/reviews), amending a rating within its window (PUT …/reviews/{reviewId}) and
 * its versions. Every write carries an Idempotency-Key, so a double click or a lost answer rates once.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { api, data, type Schemas } from '../api/client';
import { useIdempotencyKey } from '../shared/idempotency';

export type Review = Schemas['Review'];
export type ReviewVersion = Schemas['ReviewVersion'];
export type ReviewReceipt = Schemas['ReviewReceipt'];
export type AmendmentReceipt = Schemas['AmendmentReceipt'];
export type Rectification = Schemas['Rectification'];

/** The online indicators of GB/T 39734 besides overall satisfaction (the level itself). */
export const INDICATORS = ['efficiency', 'guideAccuracy', 'convenience', 'usability'] as const;
export type Indicator = (typeof INDICATORS)[number];
export type Indicators = Partial<Record<Indicator, number>>;

/** What the applicant fills in: the level, the indicators she chose to rate, a comment. */
export interface ReviewDraft {
  level: number;
  indicators: Indicators;
  comment: string;
}

function body(draft: ReviewDraft) {
  const comment = draft.comment.trim();
  return { level: draft.level, indicators: draft.indicators, ...(comment ? { comment } : {}) };
}

const reviewsKey = (caseId: string) => ['reviews', caseId];

export function useCaseReviews(caseId: string) {
  return useQuery({ queryKey: reviewsKey(caseId), queryFn: () => data(api.GET('/cases/{caseId}/reviews', { params: { path: { caseId } } })) });
}

/** Rates the whole case, or the item named (一事一评). */
export function useRate(caseId: string, itemId?: string) {
  const queryClient = useQueryClient();
  const [key, renewKey] = useIdempotencyKey();
  return useMutation({
    mutationFn: (draft: ReviewDraft): Promise<ReviewReceipt> =>
      data(
        api.POST('/cases/{caseId}/reviews', {
          params: { path: { caseId } },
          headers: { 'idempotency-key': `rate-${key}` },
          body: { ...body(draft), ...(itemId ? { itemId } : {}) },
        }),
      ),
    onSuccess: () => {
      renewKey();
      return queryClient.invalidateQueries({ queryKey: reviewsKey(caseId) });
    },
  });
}

/** Amends a rating within its window; a 409 (the window closed) refreshes the ratings so the screen says so. */
export function useAmend(caseId: string, reviewId: string) {
  const queryClient = useQueryClient();
  const [key, renewKey] = useIdempotencyKey();
  const refresh = () =>
    Promise.all([queryClient.invalidateQueries({ queryKey: reviewsKey(caseId) }), queryClient.invalidateQueries({ queryKey: ['review-versions', caseId, reviewId] })]);
  return useMutation({
    mutationFn: (draft: ReviewDraft): Promise<AmendmentReceipt> =>
      data(
        api.PUT('/cases/{caseId}/reviews/{reviewId}', {
          params: { path: { caseId, reviewId }, header: { 'idempotency-key': `amend-${key}` } },
          body: body(draft),
        }),
      ),
    onSuccess: () => {
      renewKey();
      return refresh();
    },
    onError: () => refresh(),
  });
}

/** Every version of a rating, the original first; read only once it has been amended. */
export function useReviewVersions(caseId: string, review: Review) {
  return useQuery({
    queryKey: ['review-versions', caseId, review.id, review.version],
    enabled: review.version > 1,
    queryFn: () => data(api.GET('/cases/{caseId}/reviews/{reviewId}/versions', { params: { path: { caseId, reviewId: review.id } } })),
  });
}

/**
 * Whether the instant has not passed yet, re-evaluated when it passes (so the amend button goes away
 * when the window closes on an open page).
 */
export function useBefore(instant: string | undefined): boolean {
  const until = instant ? Date.parse(instant) : Number.NaN;
  const [, setTick] = useState(0);
  const open = Number.isFinite(until) && Date.now() <= until;
  useEffect(() => {
    if (!open) return;
    // setTimeout holds at most ~24.8 days; a window is at most a week.
    const timer = setTimeout(() => setTick((n) => n + 1), Math.min(until - Date.now() + 50, 2 ** 31 - 1));
    return () => clearTimeout(timer);
  }, [open, until]);
  return open;
}
