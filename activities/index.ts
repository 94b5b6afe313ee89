/**
 * Activities: every side effect of a case, each idempotent and keyed by case, item and action.
 * Built from their dependencies so tests and deployments choose the stores.
 */
import { computeItemClock, type ItemClockRequest } from './clock';
import type { DocumentStore } from './documents';
import { issueAll, type IssueResultsInput } from './issue';
import type { KeyStore } from './keystore';
import { issueNotice, type TimeoutDefaultNoticeInput } from './notices';
import { Sealer } from './sealing';
import type { ItemClock } from './calendar';
import type { IssuedResult } from '../workflows/messages';

export interface ActivityDeps {
  documents: DocumentStore;
  /** The departments' seal keys. */
  keys: KeyStore;
  /** Holiday data directory; the repository's `activities/data` by default. */
  calendarDataDir?: string;
}

export function createActivities(deps: ActivityDeps) {
  const sealer = new Sealer(deps.keys, deps.documents);
  return {
    /** Issues and seals every result of the case at once; a retry returns the same documents. */
    async issueResults(input: IssueResultsInput): Promise<IssuedResult[]> {
      return issueAll(sealer, input);
    },
    /** Deadline and card instants of an item, in working days of its calendar. */
    async computeItemClock(request: ItemClockRequest): Promise<ItemClock> {
      return computeItemClock(request, deps.calendarDataDir);
    },
    /** The sealed timeout-default notice of an item, made once. */
    async issueTimeoutDefaultNotice(input: TimeoutDefaultNoticeInput): Promise<{ documentId: string }> {
      return issueNotice(sealer, input);
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;
export type { IssueResultsInput } from './issue';
