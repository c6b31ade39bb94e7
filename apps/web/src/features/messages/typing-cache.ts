import type { User } from '@chatsockets/protocol';
import { LIMITS } from '@chatsockets/protocol';
import type { QueryClient } from '@tanstack/react-query';
import { queryKeys } from '../../api/query-keys';

/** userId → who is typing and until when (PROTOCOL.md: clients hide it after 5 s). */
export type TypingMap = Readonly<Record<string, { user: User; until: number }>>;

export function setTyping(qc: QueryClient, chatId: string, user: User, now = Date.now()): void {
  qc.setQueryData<TypingMap>(queryKeys.typing(chatId), (old = {}) => ({
    ...old,
    [user.id]: { user, until: now + LIMITS.typingTtlMs },
  }));
}

export function clearTyping(qc: QueryClient, chatId: string, userId: string): void {
  const old = qc.getQueryData<TypingMap>(queryKeys.typing(chatId));
  if (!old?.[userId]) return;
  const { [userId]: _gone, ...rest } = old;
  qc.setQueryData<TypingMap>(queryKeys.typing(chatId), rest);
}

export function activeTypists(map: TypingMap | undefined, selfId: string, now = Date.now()): User[] {
  return Object.values(map ?? {})
    .filter((t) => t.until > now && t.user.id !== selfId)
    .map((t) => t.user);
}
