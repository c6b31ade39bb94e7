import { LIMITS, type User } from '@chatsockets/protocol';

/**
 * Who is typing where, as this instance has heard it on the bus (typing events of the chats it
 * follows, and its own), so each can answer a late subscriber. Entries expire after the TTL on
 * their own; no timers. Expired entries are dropped when their chat is asked about, and all of
 * them at most once per TTL when anyone starts typing: an instance stops hearing a chat when its
 * last subscriber there leaves, so the `active: false` that would end an entry may never come,
 * and nobody may ask about that chat again.
 */
export function createTypingStore(ttlMs: number = LIMITS.typingTtlMs, now = () => Date.now()) {
  const byChat = new Map<string, Map<string, { user: User; until: number }>>();
  let sweptAt = now();

  function sweep(at: number) {
    sweptAt = at;
    for (const [chatId, chat] of byChat) {
      for (const [userId, entry] of chat) if (entry.until <= at) chat.delete(userId);
      if (chat.size === 0) byChat.delete(chatId);
    }
  }

  return {
    start(chatId: string, user: User) {
      const at = now();
      if (at - sweptAt >= ttlMs) sweep(at);
      const chat = byChat.get(chatId) ?? new Map();
      byChat.set(chatId, chat);
      chat.set(user.id, { user, until: at + ttlMs });
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
