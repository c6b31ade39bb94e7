import { create } from 'zustand';

/**
 * chatId → how the caller stopped being a member this session: `removed` by someone else (a
 * `member.left` event for the caller), `left` themselves, or the chat was `deleted`; `gone` when
 * only a refused re-subscribe told (403 after being away: removed, or left on another device).
 * The open chat says so instead of failing with 403. Joining again clears it.
 */
export type RemovedHow = 'removed' | 'left' | 'deleted' | 'gone';
export type RemovedMap = Readonly<Record<string, RemovedHow>>;

export const useRemovedStore = create<{ removed: RemovedMap }>(() => ({ removed: {} }));

export function markRemoved(chatId: string, how: RemovedHow): void {
  useRemovedStore.setState((s) =>
    // Our own leave is answered by the same event: it stays "left". A refusal that only says
    // "gone" (a stale list subscribing again) keeps the reason already known.
    s.removed[chatId] === 'left' || (how === 'gone' && chatId in s.removed)
      ? s
      : { removed: { ...s.removed, [chatId]: how } },
  );
}

export function clearRemoved(chatId: string): void {
  useRemovedStore.setState((s) => {
    if (!(chatId in s.removed)) return s;
    const { [chatId]: _gone, ...rest } = s.removed;
    return { removed: rest };
  });
}

export const useRemoved = (chatId: string) => useRemovedStore((s) => s.removed[chatId]);
