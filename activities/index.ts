/**
 * Activities: every side effect of a case, each idempotent and keyed by case, item and action.
 * Built from their dependencies so tests and deployments choose the stores.
 */
import type { DocumentStore } from './documents';
import { issueAll, type IssueResultsInput } from './issue';
import type { IssuedResult } from '../workflows/messages';

export interface ActivityDeps {
  documents: DocumentStore;
}

export function createActivities(deps: ActivityDeps) {
  return {
    /** Issues every result of the case at once; a retry returns the same documents. */
    async issueResults(input: IssueResultsInput): Promise<IssuedResult[]> {
      return issueAll(deps.documents, input);
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;
export type { IssueResultsInput } from './issue';
