import type { User } from '@chatsockets/protocol';
import type { UserRow } from './users.repo.js';

export const toUser = (
  row: Pick<UserRow, 'id' | 'username' | 'createdAt'> & {
    displayName?: string | null;
    avatarVersion?: number | null;
  },
): User => ({
  id: row.id,
  username: row.username,
  createdAt: row.createdAt.toISOString(),
  ...(row.displayName ? { displayName: row.displayName } : {}),
  // Versioned, so the image can be cached for good and a new one is a new URL.
  ...(row.avatarVersion ? { avatarUrl: `/api/users/${row.id}/avatar?v=${row.avatarVersion}` } : {}),
});

/** A user as a chat's members list shows them: with when they were last online, unless they hide it. */
export const toUserWithLastSeen = (row: UserRow): User => ({
  ...toUser(row),
  ...(row.showLastSeen ? { lastSeenAt: row.lastSeenAt?.toISOString() ?? null } : {}),
});
