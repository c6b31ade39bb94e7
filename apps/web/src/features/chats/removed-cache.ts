import type { QueryClient } from '@tanstack/react-query';
import { queryKeys } from '../../api/query-keys';

/**
 * chatId → how the caller stopped being a member this session: `removed` by someone else (a
 * `member.left` event for the caller), or `left` themselves. The open chat says so instead of
 * failing with 403. Joining again clears it.
 */
export type RemovedMap = Readonly<Record<string, 'removed' | 'left'>>;

export function markRemoved(qc: QueryClient, chatId: string, how: 'removed' | 'left'): void {
  qc.setQueryData<RemovedMap>(queryKeys.removed(), (old = {}) =>
    // Our own leave is answered by the same event: it stays "left".
    old[chatId] === 'left' ? old : { ...old, [chatId]: how },
  );
}

export function clearRemoved(qc: QueryClient, chatId: string): void {
  qc.setQueryData<RemovedMap>(queryKeys.removed(), (old = {}) => {
    if (!(chatId in old)) return old;
    const { [chatId]: _gone, ...rest } = old;
    return rest;
  });
}
