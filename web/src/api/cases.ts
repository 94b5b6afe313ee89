import { useQuery } from '@tanstack/react-query';
import { api, data, type CaseProgress } from './client';

/** Case statuses after which nothing changes by itself. */
export const FINAL_CASE_STATUSES = new Set(['completed', 'refused', 'rejected', 'withdrawn', 'terminated', 'revoked', 'archived']);

const OPEN_ITEM_STATUSES = new Set(['pending', 'in-review', 'supplementing', 'special-step']);

/** Whether nothing of the case changes by itself any more: it is final and its items have settled (cancelled after a withdrawal, say). */
export function settled(progress: CaseProgress | undefined): boolean {
  return Boolean(progress && FINAL_CASE_STATUSES.has(progress.status) && !progress.items.some((i) => OPEN_ITEM_STATUSES.has(i.status)));
}

/** A case's progress, followed every few seconds until it has settled. */
export function useCaseProgress(caseId: string, { follow = true } = {}) {
  return useQuery({
    queryKey: ['case', caseId],
    queryFn: () => data(api.GET('/cases/{caseId}', { params: { path: { caseId } } })) as Promise<CaseProgress>,
    refetchInterval: (query) => (follow && !settled(query.state.data) ? 3000 : false),
  });
}

export function useCaseDocuments(caseId: string, enabled: boolean) {
  return useQuery({
    queryKey: ['case-documents', caseId],
    enabled,
    queryFn: () => data(api.GET('/cases/{caseId}/documents', { params: { path: { caseId } } })),
  });
}
