import type { UpdateSettingsBody, UserSettings } from '@chatsockets/protocol';
import { unauthorized } from '../errors.js';
import type { Actor } from './auth.service.js';
import type { UsersRepo } from './users.repo.js';

export function createSettingsService(deps: { users: UsersRepo }) {
  const { users } = deps;
  return {
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
