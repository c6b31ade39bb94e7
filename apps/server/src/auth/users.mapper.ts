import type { User } from '@chatsockets/protocol';
import type { UserRow } from './users.repo.js';

export const toUser = (row: Pick<UserRow, 'id' | 'username' | 'createdAt'>): User => ({
  id: row.id,
  username: row.username,
  createdAt: row.createdAt.toISOString(),
});
