import { LIMITS, type User } from '@chatsockets/protocol';

/**
 * Who is typing where, as this instance has heard it on the bus (every instance hears every
 * typing event, so each can answer a late subscriber). Entries expire after the TTL on their
 * own; no timers, so nothing can stick or leak.
 */
export function createTypingStore(ttlMs: number = LIMITS.typingTtlMs, now = () => Date.now()) {
  const byChat = new Map<string, Map<string, { user: User; until: number }>>();

  return {
    start(chatId: string, user: User) {
      const chat = byChat.get(chatId) ?? new Map();
      byChat.set(chatId, chat);
      chat.set(user.id, { user, until: now() + ttlMs });
    },
    /** True if the user was typing there. */
    stop(chatId: string, userId: string): boolean {
      const chat = byChat.get(chatId);
      const had = chat?.delete(userId) ?? false;
      if (chat && chat.size === 0) byChat.delete(chatId);
      return had;
    },
    typing(chatId: string): User[] {
      const chat = byChat.get(chatId);
      if (!chat) return [];
      const at = now();
      for (const [userId, entry] of chat) if (entry.until <= at) chat.delete(userId);
      if (chat.size === 0) byChat.delete(chatId);
      return [...chat.values()].map((e) => e.user);
    },
    /** Chats where the user is typing (to stop them all when they go offline). */
    chatsOf(userId: string): string[] {
      return [...byChat].filter(([, chat]) => chat.has(userId)).map(([chatId]) => chatId);
    },
    size: () => byChat.size,
  };
}
export type TypingStore = ReturnType<typeof createTypingStore>;
