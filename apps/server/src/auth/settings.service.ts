import type { UpdateSettingsBody, User, UserSettings } from '@chatsockets/protocol';
import { unauthorized } from '../errors.js';
import type { ChatAudience, Publish } from '../realtime/bus/bus.js';
import type { Actor } from './auth.service.js';
import { toUser, toUserWithLastSeen } from './users.mapper.js';
import type { UsersRepo } from './users.repo.js';

export function createSettingsService(deps: {
  users: UsersRepo;
  publish: Publish;
  /** The chats a user is in: who hears of their new display name. */
  audienceOf(userId: string): Promise<ChatAudience>;
  /**
   * Whether the user has a socket open on any instance (Presence): turning `showLastSeen` off
   * or on announces them as others now see them. Without it, no announcement is made.
   */
  isOnline?(userId: string): Promise<boolean>;
}) {
  const { users, publish } = deps;
  const service = {
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
      const audience = patch.showLastSeen !== undefined ? await deps.audienceOf(actor.user.id) : undefined;
      const row = await users.updateSettings(actor.user.id, patch);
      if (!row) throw unauthorized();
      if (audience) await announceVisibility(actor.user.id, audience);
      return row;
    },
  };

  /**
   * `showLastSeen` set (PROTOCOL.md › Presence): the user's chats' members are told how they see
   * them now. Hidden: `presence` offline without `lastSeenAt` (whoever was shown them online or
   * their last seen drops it). Shown: online if they are, else offline with their last seen.
   * Read after the write, so a setting changed again meanwhile is announced as it stands.
   */
  async function announceVisibility(userId: string, audience: ChatAudience) {
    const isOnline = deps.isOnline;
    if (!isOnline) return;
    const user = await users.findById(userId);
    if (!user) return;
    const online = user.showLastSeen && (await isOnline(userId));
    publish({
      kind: 'presence',
      user: online ? toUser(user) : toUserWithLastSeen(user),
      online,
      ...audience,
    });
    // Their last socket closed meanwhile: its offline announcement may have gone out before this.
    if (online && !(await isOnline(userId))) {
      const now = await users.findById(userId);
      if (now) publish({ kind: 'presence', user: toUserWithLastSeen(now), online: false, ...audience });
    }
  }

  return service;
}
export type SettingsService = ReturnType<typeof createSettingsService>;
