/**
 * Presence is derived from live sockets, never from a client's word. `connected` and
 * `disconnected` say whether the user's online state changed. This is the one-instance
 * implementation; the Redis one counts sockets across instances.
 */
export interface Presence {
  connected(userId: string): Promise<boolean>;
  disconnected(userId: string): Promise<boolean>;
  onlineAmong(userIds: string[]): Promise<Set<string>>;
  /** Sockets this user has open (on every instance), for the per-user cap. */
  socketCount(userId: string): Promise<number>;
  /**
   * Takes one of the user's `max` socket slots for an upgrade about to complete, atomically
   * against every other upgrade on every instance: open sockets plus reservations never pass
   * `max`. Resolves with a token, or undefined when no slot is free. The caller releases it
   * once the socket is counted (after `connected`) or the upgrade failed; a reservation never
   * released (a crash) lapses after `holdMs`.
   */
  reserve(userId: string, max: number, holdMs: number): Promise<string | undefined>;
  release(userId: string, token: string): Promise<void>;
  /**
   * Changes no local socket caused, for the hub to announce: users of a crashed instance
   * going offline, or this instance's users coming back after Redis lost their state. Only
   * the cross-instance implementation has them.
   */
  onExternalChange?(handler: (change: PresenceChange) => Promise<void> | void): () => void;
  close(): Promise<void>;
}

export interface PresenceChange {
  userIds: string[];
  online: boolean;
}

/** One instance's reservations: user → token → when it lapses. */
export function createReservations(now: () => number = Date.now) {
  const byUser = new Map<string, Map<string, number>>();
  let next = 0;
  const live = (userId: string) => {
    const held = byUser.get(userId);
    if (!held) return undefined;
    const at = now();
    for (const [token, until] of held) if (until <= at) held.delete(token);
    if (held.size === 0) byUser.delete(userId);
    return held.size > 0 ? held : undefined;
  };
  return {
    count: (userId: string) => live(userId)?.size ?? 0,
    /** Synchronous, so nothing can run between the count and the take. */
    take(userId: string, holdMs: number): string {
      const token = `r${++next}`;
      const held = live(userId) ?? new Map<string, number>();
      held.set(token, now() + holdMs);
      byUser.set(userId, held);
      return token;
    },
    release(userId: string, token: string) {
      const held = byUser.get(userId);
      held?.delete(token);
      if (held?.size === 0) byUser.delete(userId);
    },
    clear: () => byUser.clear(),
  };
}

export function createMemoryPresence(): Presence {
  const sockets = new Map<string, number>();
  const reservations = createReservations();
  return {
    async connected(userId) {
      const n = (sockets.get(userId) ?? 0) + 1;
      sockets.set(userId, n);
      return n === 1;
    },
    async disconnected(userId) {
      const n = (sockets.get(userId) ?? 0) - 1;
      if (n > 0) sockets.set(userId, n);
      else sockets.delete(userId);
      return n <= 0;
    },
    async onlineAmong(userIds) {
      return new Set(userIds.filter((id) => sockets.has(id)));
    },
    async socketCount(userId) {
      return sockets.get(userId) ?? 0;
    },
    async reserve(userId, max, holdMs) {
      if ((sockets.get(userId) ?? 0) + reservations.count(userId) >= max) return undefined;
      return reservations.take(userId, holdMs);
    },
    async release(userId, token) {
      reservations.release(userId, token);
    },
    async close() {
      sockets.clear();
      reservations.clear();
    },
  };
}
