/**
 * zod schemas of the 好差评 routes (issue 14): ratings, rectifications, their listings and the review
 * figures of `GET /statistics`. Requests are the domain's own schemas (`domain/reviews.ts`).
 */
import { z } from 'zod';
import { Slug } from '../domain/application';
import { CallbackOutcome, ReviewIndicators, ReviewLevel } from '../domain/reviews';
import { CaseId } from './schemas';

export const ReviewId = z.string().regex(/^[a-z0-9]{1,64}$/, 'expected a review id');
export const RectificationParams = z.object({ rectificationId: z.string().regex(/^[a-z0-9]{1,64}$/, 'expected a rectification id') });

export const ReviewSchema = z
  .object({
    id: z.string(),
    caseId: z.string(),
    itemId: z.string().optional().meta({ description: '一事一评: the item rated; absent for a rating of the whole case.' }),
    bundleId: z.string(),
    department: z.string().meta({ description: "The department rated: the item's, or the case's window for the whole case." }),
    subjectId: z.string(),
    ratedBy: z.string(),
    level: ReviewLevel,
    indicators: ReviewIndicators,
    comment: z.string().optional(),
    createdAt: z.string(),
    rectificationId: z.string().optional().meta({ description: 'The rectification a bad rating (不满意, 非常不满意) opened; the latest when amendments opened several.' }),
    version: z.number().int().meta({ description: 'The current version: 1 as first given, one more per amendment. Statistics count the current one.' }),
    amendedAt: z.string().optional().meta({ description: 'When the applicant last amended it.' }),
    amendableUntil: z.string().optional().meta({ description: "Until when the applicant may amend it (the bundle's reviews.amendWithinHours after the first rating); absent: never." }),
  })
  .meta({ id: 'Review' });

export const ReviewVersionSchema = z
  .object({
    reviewId: z.string(),
    version: z.number().int(),
    level: ReviewLevel,
    indicators: ReviewIndicators,
    comment: z.string().optional(),
    ratedBy: z.string(),
    createdAt: z.string().meta({ description: 'When this version was given.' }),
  })
  .meta({ id: 'ReviewVersion' });
export const ReviewHistoryResponse = z
  .object({ review: z.lazy(() => ReviewSchema), versions: z.array(ReviewVersionSchema).meta({ description: 'Every version, the original first.' }) })
  .meta({ id: 'ReviewHistory' });
export const ReviewItemParams = z.object({ caseId: CaseId, reviewId: ReviewId });

export const RectificationSchema = z
  .object({
    id: z.string(),
    reviewId: z.string(),
    caseId: z.string(),
    itemId: z.string().optional(),
    bundleId: z.string(),
    department: z.string(),
    subjectId: z.string().meta({ description: 'The applicant to call back (回访).' }),
    level: ReviewLevel,
    comment: z.string().optional(),
    status: z.enum(['open', 'closed', 'withdrawn']).meta({ description: 'withdrawn: the applicant amended the rating to a good level before it was closed (counted apart).' }),
    reviewVersion: z.number().int().meta({ description: "The rating's version that opened it." }),
    withdrawnAt: z.string().optional(),
    calendar: z.string(),
    days: z.number().int().meta({ description: 'The limit in working days of the calendar.' }),
    openedAt: z.string().optional().meta({ description: 'When the clock started; with the deadline and cards, absent for the moment until the workflow has computed them.' }),
    deadline: z.string().optional(),
    yellowAt: z.string().optional(),
    redAt: z.string().optional(),
    card: z.enum(['none', 'yellow', 'red', 'overdue']).meta({ description: 'Yellow at 50% of the limit, red at 90%, overdue at the deadline.' }),
    estimated: z.boolean(),
    measures: z.string().optional().meta({ description: '整改情况.' }),
    closedAt: z.string().optional(),
    closedBy: z.string().optional(),
    callback: z.object({ at: z.string(), outcome: CallbackOutcome, note: z.string().optional(), by: z.string() }).optional(),
    createdAt: z.string(),
  })
  .meta({ id: 'Rectification' });

export const ReviewReceipt = z
  .object({ review: ReviewSchema, rectification: RectificationSchema.optional() })
  .meta({ id: 'ReviewReceipt' });

export const AmendmentReceipt = z
  .object({
    review: ReviewSchema,
    withdrawn: RectificationSchema.optional().meta({ description: 'The rectification the amendment withdrew (from a bad level to a good one).' }),
    opened: RectificationSchema.optional().meta({ description: 'The rectification the amendment opened (from a good level to a bad one).' }),
  })
  .meta({ id: 'AmendmentReceipt' });

export const CaseReviewsResponse = z.object({ reviews: z.array(ReviewSchema) }).meta({ id: 'CaseReviews' });
export const ReviewParams = z.object({ caseId: CaseId });

const PageToken = z.string().max(4096).regex(/^[A-Za-z0-9_-]*$/).optional();
const PageSize = z.coerce.number().int().min(1).max(100).default(20);

export const ReviewListQuery = z.object({
  bundleId: Slug.optional(),
  department: Slug.optional(),
  level: z.coerce.number().int().min(1).max(5).optional(),
  pageSize: PageSize,
  pageToken: PageToken,
});
export const ReviewPage = z.object({ items: z.array(ReviewSchema), nextPageToken: z.string().optional() }).meta({ id: 'ReviewPage' });

export const RectificationListQuery = z.object({
  department: Slug.optional().meta({ description: "A department officer's own by default; supervisors every department's." }),
  status: z.enum(['open', 'closed', 'withdrawn']).optional(),
  card: z.enum(['none', 'yellow', 'red', 'overdue']).optional(),
  pageSize: PageSize,
  pageToken: PageToken,
});
export const RectificationPage = z.object({ items: z.array(RectificationSchema), nextPageToken: z.string().optional() }).meta({ id: 'RectificationPage' });

const ByLevel = z.object({ 1: z.number(), 2: z.number(), 3: z.number(), 4: z.number(), 5: z.number() });
const RectificationFigures = z.object({
  opened: z.number(),
  withdrawn: z.number().meta({ description: 'Withdrawn by an amendment of the rating to a good level: neither on time nor late.' }),
  open: z.number(),
  overdue: z.number(),
  closed: z.number(),
  closedOnTime: z.number(),
  calledBack: z.number(),
  rectificationRate: z.number().meta({ description: '差评整改率: closed / (opened − withdrawn).' }),
  onTimeRate: z.number().meta({ description: '按时整改率: closed by the deadline / (closed + open past the deadline).' }),
  callbackRate: z.number().meta({ description: '回访率: closed with the applicant reached / closed.' }),
});
const ReviewFigures = z.object({
  count: z.number(),
  byLevel: ByLevel.meta({ description: 'Ratings per level: 5 非常满意 … 1 非常不满意.' }),
  meanLevel: z.number(),
  satisfactionRate: z.number().meta({ description: '好评率: ratings 基本满意 or better / all ratings.' }),
  bad: z.number().meta({ description: '差评: 不满意 and 非常不满意.' }),
  rectifications: RectificationFigures,
});
export const ReviewStatisticsSchema = ReviewFigures.extend({
  byDepartment: z.array(ReviewFigures.extend({ department: z.string() })),
}).meta({ id: 'ReviewStatistics', description: '好差评 figures (GB/T 39734): ratings, satisfaction, rectification, on-time and call-back rates, in all and by department.' });
