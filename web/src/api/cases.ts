import { useQuery } from '@tanstack/react-query';
import { api, data, type CaseProgress } from './client';

/** Case statuses after which nothing changes by itself. */
export const FINAL_CASE_STATUSES = new Set(['completed', 'refused', 'rejected', 'withdrawn', 'terminated', 'revoked', 'archived']);

/** A case's progress, followed every few seconds until it is final. */
export function useCaseProgress(caseId: string, { follow = true } = {}) {
  return useQuery({
    queryKey: ['case', caseId],
    queryFn: () => data(api.GET('/cases/{caseId}', { params: { path: { caseId } } })) as Promise<CaseProgress>,
    refetchInterval: (query) => (follow && !FINAL_CASE_STATUSES.has(query.state.data?.status ?? '') ? 3000 : false),
  });
}

export function useCaseDocuments(caseId: string, enabled: boolean) {
  return useQuery({
    queryKey: ['case-documents', caseId],
    enabled,
    queryFn: () => data(api.GET('/cases/{caseId}/documents', { params: { path: { caseId } } })),
  });
}
