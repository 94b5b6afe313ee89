/**
 * The signed-in applicant's in-app notices (站内消息, `GET /me/notices`): what the engine told them
 * about their cases, as delivered, and how many are unread (the navigation shows the count).
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, data } from '../api/client';

const KEY = ['my-notices'] as const;

/** The notices, newest first; polled so a notice delivered meanwhile shows without a reload. */
export function useNotices(enabled: boolean) {
  return useQuery({ queryKey: KEY, enabled, refetchInterval: 15_000, queryFn: () => data(api.GET('/me/notices', { params: { query: { limit: 100 } } })) });
}

/** Marks one notice read; the list and the count follow. */
export function useMarkRead() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (noticeId: string) => data(api.POST('/me/notices/{noticeId}/read', { params: { path: { noticeId } } })),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: KEY }),
  });
}
