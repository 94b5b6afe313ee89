/**
 * The 好差评 store's contract (issue 14): ratings, once per case and once per item of a case, and the
 * rectification a bad rating opens. The API writes a rating (with its rectification, in one
 * transaction) and reads both; the rectification workflow writes the rectification's clock, its cards
 * and its closing through activities. The implementation is in `db/reviews.ts` (PostgreSQL or PGlite).
 *
 * Ratings are never changed or deleted: there is no operation for it.
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
  /** The rectification the rating opened (bad ratings only). */
  rectificationId?: string;
}

export type NewReview = Omit<Review, 'createdAt' | 'rectificationId'>;

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
  status: 'open' | 'closed';
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
  status?: 'open' | 'closed';
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
  /** Closes an open rectification; a closed one stays as it was closed. The rectification after, if it exists. */
  close(id: string, closing: RectificationClosing): Promise<Rectification | undefined>;
  /** Ratings and rectifications counted, in all and by department. */
  counts(filter?: ReviewFilter): Promise<{ all: ReviewCounts; byDepartment: Array<{ department: string } & ReviewCounts> }>;
}
