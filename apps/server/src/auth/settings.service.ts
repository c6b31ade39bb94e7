import type { UpdateSettingsBody, User, UserSettings } from '@chatsockets/protocol';
import { unauthorized } from '../errors.js';
import type { ChatAudience, Publish } from '../realtime/bus/bus.js';
import type { Actor } from './auth.service.js';
import { toUser } from './users.mapper.js';
import type { UsersRepo } from './users.repo.js';

export function createSettingsService(deps: {
  users: UsersRepo;
  publish: Publish;
  /** The chats a user is in: who hears of their new display name. */
  audienceOf(userId: string): Promise<ChatAudience>;
}) {
  const { users, publish } = deps;
  return {
    /** A new display name (or none): everyone who shares a chat with the user sees it live. */
    async updateProfile(actor: Actor, patch: { displayName: string | null }): Promise<User> {
      // Who hears of it is read first, and nothing is awaited between the write and its publish:
      // two names set close together are then published in the order they were written (the
      // audience read between them let the replaced name be announced last).
      const audience = await deps.audienceOf(actor.user.id);
      const row = await users.updateProfile(actor.user.id, patch);
      if (!row) throw unauthorized();
      const user = toUser(row);
      publish({ kind: 'user.updated', user, ...audience });
      return user;
    },
    async get(actor: Actor): Promise<UserSettings> {
      const row = await users.settings(actor.user.id);
      if (!row) throw unauthorized(); // the account is gone
      return row;
    },
    async update(actor: Actor, patch: UpdateSettingsBody): Promise<UserSettings> {
      if (Object.keys(patch).length === 0) return this.get(actor);
      const row = await users.updateSettings(actor.user.id, patch);
      if (!row) throw unauthorized();
      return row;
    },
  };
}
export type SettingsService = ReturnType<typeof createSettingsService>;
