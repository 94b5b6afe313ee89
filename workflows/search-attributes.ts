/**
 * Custom search attributes: the department inboxes and the supervision views are Temporal visibility
 * queries over these, so there is no second database to keep consistent.
 *
 * The server must know them before a workflow upserts them: `runtime/temporal.ts` registers them on
 * the embedded dev server (`--search-attribute`), `temporal-docker.yml` on a cluster.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const CaseIdKey = defineSearchAttributeKey('CaseId', SearchAttributeType.KEYWORD);
export const BundleIdKey = defineSearchAttributeKey('BundleId', SearchAttributeType.KEYWORD);
export const ItemIdKey = defineSearchAttributeKey('ItemId', SearchAttributeType.KEYWORD);
export const DepartmentKey = defineSearchAttributeKey('Department', SearchAttributeType.KEYWORD);
/** Item status as shown in an inbox: waiting, in-review, supplementing, approved, rejected, defaulted, cancelled. */
export const ItemStatusKey = defineSearchAttributeKey('ItemStatus', SearchAttributeType.KEYWORD);
/** Case lifecycle state, on case workflows. */
export const CaseStatusKey = defineSearchAttributeKey('CaseStatus', SearchAttributeType.KEYWORD);
/** The item's current deadline (end of its last working day). */
export const DeadlineKey = defineSearchAttributeKey('Deadline', SearchAttributeType.DATETIME);
/** Supervision card: none, yellow (50%), red (90%), overdue (100%). */
export const CardKey = defineSearchAttributeKey('Card', SearchAttributeType.KEYWORD);
/** 办件编号: the case number window officers read out, on case workflows (set by the API at start). */
export const CaseNumberKey = defineSearchAttributeKey('CaseNumber', SearchAttributeType.KEYWORD);

/** Every custom attribute with its server type name, for `temporal server start-dev --search-attribute`. */
export const SEARCH_ATTRIBUTES: Record<string, 'Keyword' | 'Datetime'> = {
  CaseId: 'Keyword',
  BundleId: 'Keyword',
  ItemId: 'Keyword',
  Department: 'Keyword',
  ItemStatus: 'Keyword',
  CaseStatus: 'Keyword',
  Deadline: 'Datetime',
  Card: 'Keyword',
  CaseNumber: 'Keyword',
};
