import { LIMITS, type User } from '@chatsockets/protocol';
import { create } from 'zustand';

/** userId → who is typing and until when (PROTOCOL.md: clients hide it after 5 s). */
export type TypingMap = Readonly<Record<string, { user: User; until: number }>>;

/** chatId → its typists. Ephemeral: only socket events write it. */
export const useTypingStore = create<{ byChat: Readonly<Record<string, TypingMap>> }>(() => ({ byChat: {} }));

export function setTyping(chatId: string, user: User, now = Date.now()): void {
  useTypingStore.setState((s) => ({
    byChat: {
      ...s.byChat,
      [chatId]: { ...s.byChat[chatId], [user.id]: { user, until: now + LIMITS.typingTtlMs } },
    },
  }));
}

export function clearTyping(chatId: string, userId: string): void {
  const old = useTypingStore.getState().byChat[chatId];
  if (!old?.[userId]) return;
  const { [userId]: _gone, ...rest } = old;
  useTypingStore.setState((s) => ({ byChat: { ...s.byChat, [chatId]: rest } }));
}

export function activeTypists(map: TypingMap | undefined, selfId: string, now = Date.now()): User[] {
  return Object.values(map ?? {})
    .filter((t) => t.until > now && t.user.id !== selfId)
    .map((t) => t.user);
}

export const useTyping = (chatId: string): TypingMap | undefined => useTypingStore((s) => s.byChat[chatId]);
