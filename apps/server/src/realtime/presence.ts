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

export function createMemoryPresence(): Presence {
  const sockets = new Map<string, number>();
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
    async close() {
      sockets.clear();
    },
  };
}
