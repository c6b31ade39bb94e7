/**
 * At most one `typing` per user and chat per window, on this instance. Every other frame of a
 * member who was allowed one is dropped before its access check: a member typing from 20 sockets
 * made every subscriber of a chat receive hundreds of `typing` events a second, each one read
 * from the database first. The web app sends one every 2.5 s while keys are pressed, and one at
 * the first key after a send, which ends the window (`forget`, from chats.service.ts ›
 * typingEnded): so it is never held back.
 */
export function createTypingThrottle(windowMs: number, now: () => number = Date.now) {
  const lastAt = new Map<string, number>();
  let sweptAt = now();
  return {
    /** True if a `typing` of `userId` in `chatId` went out less than a window ago. */
    recent(chatId: string, userId: string): boolean {
      const last = lastAt.get(`${chatId}:${userId}`);
      return last !== undefined && now() - last < windowMs;
    },
    /** A `typing` went out now. */
    sent(chatId: string, userId: string): void {
      const at = now();
      // Entries past the window say nothing: dropped at most once per window, so the map holds
      // only the typers of the last two windows.
      if (at - sweptAt >= windowMs) {
        for (const [key, t] of lastAt) if (at - t >= windowMs) lastAt.delete(key);
        sweptAt = at;
      }
      lastAt.set(`${chatId}:${userId}`, at);
    },
    /** The last one did not go out after all. */
    forget(chatId: string, userId: string): void {
      lastAt.delete(`${chatId}:${userId}`);
    },
    size: () => lastAt.size,
  };
}
