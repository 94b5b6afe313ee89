/**
 * The read model's contract: the case workflows write it (through the `projectCase` activity), the
 * API reads inboxes, the supervision desk, statistics and, when the worker does not answer, a case's
 * progress from it. The implementation is in `db/read-model.ts` (PostgreSQL or PGlite).
 */
import { localDateOf, workingDaysElapsed } from '../domain/calendar';
import { DECIDED_ITEM_STATUSES, type CaseProjection, type ItemMeasures } from '../domain/read-model';
import { loadCalendar } from './calendar-data';

/** An inbox row. */
export interface ReadItem {
  caseId: string;
  itemId: string;
  bundleId: string;
  department: string;
  status: string;
  code: string;
  title: { zh: string; en: string };
  startedAt?: string;
  deadline?: string;
  /** `none` until the item's first card. */
  card: string;
  step?: string;
  stepRole?: string;
  holder?: string;
  /** The departments the item was escalated from (电子监察 shows escalated items); absent when none. */
  escalatedFrom?: string[];
}

export interface ItemQuery {
  department?: string;
  /** A person's inbox: items at a step of this role, or held by `holder`, or at no step (decided at once). */
  person?: { id: string; role: string };
  status?: string;
  /** `none` for items without a card yet. */
  card?: string;
  /** Only items escalated to a supervising department. */
  escalated?: boolean;
  pageSize: number;
  /** Where the previous page ended (from `ItemPage.next`). */
  after?: PageKey;
}

/** How many items match a query (its card aside), in all and by card: the inbox's counts per card. */
export interface CardCounts {
  total: number;
  none: number;
  yellow: number;
  red: number;
  overdue: number;
}

/** The last row of a page, in the inbox's order: deadline (none sorts last), dispatch, workflow id. */
export interface PageKey {
  deadline: string | null;
  dispatchedAt: string;
  workflowId: string;
}

export interface ItemPage {
  items: ReadItem[];
  next?: PageKey;
}

/** A row of an applicant's own cases. */
export interface ReadCase {
  caseId: string;
  /** 办件编号, when the bundle gives one. */
  caseNumber?: string;
  bundleId: string;
  title: { zh: string; en: string };
  status: string;
  submittedAt: string;
  /** When the read model last wrote the case (its last change, as far as the read model has it). */
  updatedAt: string;
}

export interface CaseQuery {
  /** The applicant's subject (ID number or credit code) the cases were applied for. */
  subjectId: string;
  pageSize: number;
  after?: CasePageKey;
}

/** The last row of a page of cases, newest first: submission, then workflow id. */
export interface CasePageKey {
  submittedAt: string;
  workflowId: string;
}

export interface CasePage {
  cases: ReadCase[];
  next?: CasePageKey;
}

/** A case's progress as last written, and when. */
export interface StoredProgress {
  progress: unknown;
  /** Whether each item's condition holds on the application (department access before dispatch). */
  applicable: Record<string, boolean>;
  revision: number;
  asOf: string;
}

/** Aggregates over cases and decided items, computed by the database. */
export interface ReadModelAggregates {
  cases: Record<string, number>;
  decided: {
    count: number;
    byStatus: Record<string, number>;
    meanWorkingDays: number;
    medianWorkingDays: number;
    p90WorkingDays: number;
    meanPromisedDays: number;
    onTime: number;
    sameDay: number;
    declaredInstant: number;
  };
  /** 催办: urges in all, and the items urged at least once. */
  urges: { count: number; items: number };
}

export interface WriteOptions {
  /** Also replace a row of the same revision (a rebuild rewrites what Temporal answers now). */
  replaceSameRevision?: boolean;
}

export interface ReadModelStore {
  /** Writes the case and its items unless a newer revision is there; whether it wrote. */
  write(projection: CaseProjection, measures: ReadonlyMap<string, ItemMeasures>, options?: WriteOptions): Promise<boolean>;
  listItems(query: ItemQuery): Promise<ItemPage>;
  /** The items `listItems` would list for the query (every page, any card), counted by card. */
  countItems(query: Omit<ItemQuery, 'card' | 'pageSize' | 'after'>): Promise<CardCounts>;
  /** An applicant's cases, newest first, a keyset page at a time. */
  listCases(query: CaseQuery): Promise<CasePage>;
  caseProgress(caseId: string): Promise<StoredProgress | undefined>;
  aggregates(options?: { bundleId?: string }): Promise<ReadModelAggregates>;
}

/**
 * What statistics aggregate of each decided item — working days from dispatch to decision in the
 * item's calendar, and whether it was decided the day it arrived — computed where the holiday data is.
 */
export async function measuresOf(projection: CaseProjection, calendarDataDir?: string): Promise<Map<string, ItemMeasures>> {
  const measures = new Map<string, ItemMeasures>();
  const decided = projection.items.filter((item) => (DECIDED_ITEM_STATUSES as readonly string[]).includes(item.status) && item.dispatchedAt && item.decidedAt);
  if (decided.length === 0) return measures;
  const calendar = await loadCalendar(projection.calendar, { unknownYears: 'weekends-only', ...(calendarDataDir ? { dataDir: calendarDataDir } : {}) });
  for (const item of decided) {
    measures.set(item.itemId, {
      workingDaysTaken: workingDaysElapsed(calendar, item.dispatchedAt!, item.decidedAt!).days,
      sameDay: localDateOf(item.dispatchedAt!) === localDateOf(item.decidedAt!),
    });
  }
  return measures;
}
