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

function setLeft(chatId: string): void {
  useRemovedStore.setState((s) =>
    s.removed[chatId] === 'left' ? s : { removed: { ...s.removed, [chatId]: 'left' } },
  );
}

/**
 * The user's other tabs hear of a leave made here. Their sockets get the same `member.left`
 * as for a removal (it does not say who did it), so without this they said "You were removed
 * from this chat" to someone who had just left it.
 */
const channel = typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel('chatsockets.left');
// Node (tests) would otherwise keep running for the channel's sake.
(channel as { unref?: () => void } | null)?.unref?.();
channel?.addEventListener('message', (e: MessageEvent) => {
  if (typeof e.data === 'string') setLeft(e.data);
});

/** The user left the chat here: this tab and the user's other tabs say "You left", whichever event comes first. */
export function markLeft(chatId: string): void {
  setLeft(chatId);
  channel?.postMessage(chatId);
}

export function clearRemoved(chatId: string): void {
  useRemovedStore.setState((s) => {
    if (!(chatId in s.removed)) return s;
    const { [chatId]: _gone, ...rest } = s.removed;
    return { removed: rest };
  });
}

export const useRemoved = (chatId: string) => useRemovedStore((s) => s.removed[chatId]);
