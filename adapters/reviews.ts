/**
 * The 好差评 store's contract (issue 14): ratings, once per case and once per item of a case, and the
 * rectification a bad rating opens. The API writes a rating (with its rectification, in one
 * transaction) and reads both; the rectification workflow writes the rectification's clock, its cards
 * and its closing through activities. The implementation is in `db/reviews.ts` (PostgreSQL or PGlite).
 *
 * Ratings are never deleted. Only their applicant amends one, within the window its bundle states
 * (`amend`, which keeps every version: the original and each amendment with its time).
 */
import type { CallbackOutcome, RectificationCard, ReviewCounts, ReviewIndicators, ReviewLevel } from '../domain/reviews';

export interface Review {
  id: string;
  caseId: string;
  /** 一事一评: the item rated; absent for a rating of the whole case. */
  itemId?: string;
  bundleId: string;
  /** The department rated: the item's, or the case's window. */
  department: string;
  /** The applicant's subject (ID number or credit code). */
  subjectId: string;
  /** The principal (the signed-in person) who rated. */
  ratedBy: string;
  level: ReviewLevel;
  indicators: ReviewIndicators;
  comment?: string;
  createdAt: string;
  /** The rectification the rating opened (bad ratings only): the latest, when amendments opened several. */
  rectificationId?: string;
  /** The current version: 1 for the rating as first given, one more for each amendment. */
  version: number;
  /** When it was last amended. */
  amendedAt?: string;
  /** Until when its applicant may amend it; absent: never (rated before amendments existed). */
  amendableUntil?: string;
}

export type NewReview = Omit<Review, 'createdAt' | 'rectificationId' | 'version' | 'amendedAt' | 'amendableUntil'> & {
  /** The bundle's amendment window, in hours from the moment the store writes the rating. */
  amendWithinHours: number;
};

/** One version of a rating as it was given: the original (1) or an amendment. */
export interface ReviewVersion {
  reviewId: string;
  version: number;
  level: ReviewLevel;
  indicators: ReviewIndicators;
  comment?: string;
  ratedBy: string;
  createdAt: string;
}

/** The applicant's change to their rating. */
export interface ReviewAmendment {
  reviewId: string;
  level: ReviewLevel;
  indicators: ReviewIndicators;
  comment?: string;
  ratedBy: string;
  /** The request's Idempotency-Key: a retry finds the version it wrote. */
  idempotencyKey?: string;
  /** The rectification to open should the amendment go from a good level to a bad one. */
  rectification: NewRectification;
}

export type AmendResult =
  /** A new version; with the rectification it withdrew (bad → good) or opened (good → bad). */
  | { outcome: 'amended'; review: Review; previous: ReviewVersion; withdrawn?: Rectification; opened?: Rectification }
  /** The same key, the same request: its version was written before (the review is as it is now). */
  | { outcome: 'replayed'; review: Review }
  /** The same as the current version: nothing to write. */
  | { outcome: 'unchanged'; review: Review }
  /** The window has closed (or the rating never had one): nothing written. */
  | { outcome: 'window-closed'; review: Review }
  /** The key wrote a different version. */
  | { outcome: 'key-reused'; review: Review }
  | { outcome: 'not-found' };

export interface RectificationCallback {
  at: string;
  outcome: CallbackOutcome;
  note?: string;
  /** Who called the applicant back (the closing officer). */
  by: string;
}

export interface Rectification {
  id: string;
  reviewId: string;
  caseId: string;
  itemId?: string;
  bundleId: string;
  department: string;
  /** The applicant, whom the department calls back. */
  subjectId: string;
  /** The rating's level (1 or 2). */
  level: ReviewLevel;
  comment?: string;
  /** `withdrawn`: the applicant amended the rating to a good level before it was closed. */
  status: 'open' | 'closed' | 'withdrawn';
  /** The rating's version that opened it. */
  reviewVersion: number;
  withdrawnAt?: string;
  /** The calendar and working days the deadline counts in. */
  calendar: string;
  days: number;
  /** When the clock started; with the deadline and cards, absent until the workflow computed them. */
  openedAt?: string;
  deadline?: string;
  yellowAt?: string;
  redAt?: string;
  card: RectificationCard;
  /** A year without holiday data was counted weekends only. */
  estimated: boolean;
  /** 整改情况, once closed. */
  measures?: string;
  closedAt?: string;
  closedBy?: string;
  callback?: RectificationCallback;
  createdAt: string;
}

export interface NewRectification {
  id: string;
  calendar: string;
  days: number;
}

/** The clock the rectification workflow computed. */
export interface RectificationClock {
  openedAt: string;
  deadline: string;
  yellowAt: string;
  redAt: string;
  estimated: boolean;
}

export interface RectificationClosing {
  closedAt: string;
  closedBy: string;
  measures: string;
  callback: RectificationCallback;
}

export interface RateResult {
  review: Review;
  rectification?: Rectification;
  /** False when the case (or the item) was already rated: `review` is the earlier rating, unchanged. */
  created: boolean;
}

/** Filters of the supervisors' review list. */
export interface ReviewQuery {
  bundleId?: string;
  department?: string;
  level?: number;
  pageSize: number;
  after?: ReviewPageKey;
}

/** The last row of a page of reviews: newest first. */
export interface ReviewPageKey {
  createdAt: string;
  id: string;
}

export interface RectificationQuery {
  department?: string;
  status?: Rectification['status'];
  /** `none` for open ones without a card yet. */
  card?: RectificationCard;
  pageSize: number;
  after?: RectificationPageKey;
}

/** The last row of a page of rectifications: nearest deadline first, those without one last. */
export interface RectificationPageKey {
  deadline: string | null;
  id: string;
}

export interface Page<T, K> {
  items: T[];
  next?: K;
}

/** Counts for statistics, over every rating (of a bundle, when named). */
export interface ReviewFilter {
  bundleId?: string;
}

export interface ReviewStore {
  /**
   * Stores a rating and, for a bad one, its rectification, in one transaction; once per (case, item):
   * when the case (item) was already rated nothing is written and the earlier rating is returned.
   */
  rate(review: NewReview, rectification?: NewRectification): Promise<RateResult>;
  /**
   * Writes a new version of a rating while its window is open (by the database's clock), in one
   * transaction with its consequence: bad → good withdraws the open rectification, good → bad opens
   * `amendment.rectification`. A retry under the same key, or the current content again, writes nothing.
   */
  amend(amendment: ReviewAmendment): Promise<AmendResult>;
  /** Every version of a rating, oldest first. */
  versions(reviewId: string): Promise<ReviewVersion[]>;
  review(id: string): Promise<Review | undefined>;
  /** A case's ratings, the case's own first, then by item. */
  reviewsOfCase(caseId: string): Promise<Review[]>;
  listReviews(query: ReviewQuery): Promise<Page<Review, ReviewPageKey>>;
  rectification(id: string): Promise<Rectification | undefined>;
  listRectifications(query: RectificationQuery): Promise<Page<Rectification, RectificationPageKey>>;
  /** Records the workflow's clock; the first write wins (a retried activity changes nothing). */
  startClock(id: string, clock: RectificationClock): Promise<void>;
  /** Moves an open rectification's card forward (never back); whether it moved. */
  markCard(id: string, card: Exclude<RectificationCard, 'none'>): Promise<boolean>;
  /** Closes an open rectification; a closed (or withdrawn) one stays as it was. The rectification after, if it exists. */
  close(id: string, closing: RectificationClosing): Promise<Rectification | undefined>;
  /** Ratings and rectifications counted, in all and by department. */
  counts(filter?: ReviewFilter): Promise<{ all: ReviewCounts; byDepartment: Array<{ department: string } & ReviewCounts> }>;
}
