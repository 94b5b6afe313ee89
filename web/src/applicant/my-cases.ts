/**
 * 我的办件: the signed-in applicant's own cases from the API (`GET /me/cases`, the read model), newest
 * first, a page at a time; every page is the same list in any browser the applicant signs in from.
 */
import { useInfiniteQuery } from '@tanstack/react-query';
import { api, data, type Schemas } from '../api/client';

export type MyCase = Schemas['MyCase'];

const PAGE_SIZE = 20;

/** The applicant's cases, loaded a page at a time (`fetchNextPage` for older ones), kept fresh. */
export function useMyCases(subjectId: string) {
  return useInfiniteQuery({
    queryKey: ['my-cases', subjectId],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => data(api.GET('/me/cases', { params: { query: { pageSize: PAGE_SIZE, ...(pageParam ? { pageToken: pageParam } : {}) } } })),
    getNextPageParam: (last) => last.nextPageToken,
    refetchInterval: 10_000,
  });
}
