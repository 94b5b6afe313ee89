/**
 * The read model of cases and items: what the case workflow sends after each change (one
 * `CaseProjection` per revision), and what inboxes, supervision, statistics and a case's progress
 * read when the worker does not answer. Temporal stays the system of record; this is a copy that
 * lags by at most one workflow task and is rebuilt from Temporal by a command.
 */
import type { Localized } from './application';

/** An item as inboxes and statistics read it. */
export interface ItemProjection {
  workflowId: string;
  itemId: string;
  code: string;
  title: Localized;
  department: string;
  status: string;
  /** The step the item is at (a special step holding the clock, or the officer's step). */
  step?: string;
  /** How many times the item was urged (催办). */
  urges?: number;
  /** The department role that acts on the current step. */
  stepRole?: string;
  /** The person holding the item, once items are claimed. */
  holder?: string;
  kind?: string;
  level: number;
  promisedDays: number;
  /** The item's condition holds on the form (a department of an item that does not apply sees nothing). */
  applicable: boolean;
  deadline?: string;
  card?: 'yellow' | 'red' | 'overdue';
  paused: boolean;
  dispatchedAt?: string;
  decidedAt?: string;
  /** Departments the item passed through by escalation, besides `department`. */
  escalatedFrom: string[];
}

/** A case at one revision, with its items and its whole progress (served with `asOf` when the worker is away). */
export interface CaseProjection {
  workflowId: string;
  /** Bumped by the workflow at each write: a row is replaced only by a newer revision. */
  revision: number;
  caseId: string;
  bundleId: string;
  bundleVersion: number;
  calendar: string;
  status: string;
  title: Localized;
  subjectId: string;
  applicantName: string;
  windowDepartment: string;
  submittedAt: string;
  acceptedAt?: string;
  /** Completed, refused, rejected, withdrawn or terminated. */
  closedAt?: string;
  items: ItemProjection[];
  /** The case's progress as its Query answers it (JSON). */
  progress: unknown;
}

/** Statistics the activity derives from a decided item, so aggregates need no calendar. */
export interface ItemMeasures {
  /** Working days from dispatch to decision in the item's calendar. */
  workingDaysTaken?: number;
  /** Decided on the local day it was dispatched (即办). */
  sameDay?: boolean;
}

/** Item states a department has decided or the clock has (counted by statistics). */
export const DECIDED_ITEM_STATUSES = ['approved', 'rejected', 'defaulted'] as const;
