import { useInfiniteQuery } from '@tanstack/react-query';
import { searchApi } from '../../api/search.api';

/** Pages of results for `q` (in one chat, or all of the user's chats), best match first. */
export function useSearch(q: string, chatId: string | undefined) {
  const query = q.trim();
  return useInfiniteQuery({
    queryKey: ['search', chatId ?? null, query],
    queryFn: ({ pageParam, signal }) => searchApi.search({ q: query, chatId, cursor: pageParam }, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    enabled: query.length > 0,
    staleTime: 10_000,
  });
}
