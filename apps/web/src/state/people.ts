import type { ChatDetailResponse, User } from '@chatsockets/protocol';
import type { QueryClient } from '@tanstack/react-query';
import { queryKeys } from './query-keys';

/** The name shown for a user: their display name, else the username (which stays for login and mentions). */
export const displayNameOf = (user: { username: string; displayName?: string }) =>
  user.displayName?.trim() || user.username;

function updateUserEverywhere(qc: QueryClient, userId: string, fn: (user: User) => User): void {
  for (const [key, detail] of qc.getQueriesData<ChatDetailResponse>({ queryKey: ['chats', 'detail'] })) {
    if (!detail?.members?.some((m) => m.user.id === userId)) continue;
    qc.setQueryData<ChatDetailResponse>(key, {
      ...detail,
      members: detail.members.map((m) => (m.user.id === userId ? { ...m, user: fn(m.user) } : m)),
    });
  }
}

/**
 * `user.updated`: a new display name, in every chat's members and, for the caller, in `me`. The
 * event carries no `lastSeenAt`, so the one the members hold is kept.
 */
export function applyUserUpdate(qc: QueryClient, user: User): void {
  const merge = (held: User): User => {
    const { displayName: _old, ...rest } = held;
    return { ...rest, ...user, ...('lastSeenAt' in held ? { lastSeenAt: held.lastSeenAt } : {}) };
  };
  updateUserEverywhere(qc, user.id, merge);
  qc.setQueryData<User | null>(queryKeys.me(), (me) => (me && me.id === user.id ? merge(me) : me));
}

/**
 * `presence` offline: the server records "last seen" before it announces, and the user comes
 * with it, or without the key when they hide it; every copy of them follows.
 */
export function applyWentOffline(qc: QueryClient, user: User): void {
  updateUserEverywhere(qc, user.id, (held) => {
    const { lastSeenAt: _held, ...rest } = held;
    return 'lastSeenAt' in user ? { ...rest, lastSeenAt: user.lastSeenAt } : rest;
  });
}
