import type { AuthResponse, Credentials, Session, User } from '@chatsockets/protocol';
import type { Config } from '../config.js';
import { isId } from '../db/ids.js';
import { conflict, forbidden, isUniqueViolation, notFound, unauthorized } from '../errors.js';
import type { Publish } from '../realtime/bus/bus.js';
import { dummyVerify, hashPassword, verifyPassword } from './password.js';
import type { SessionsRepo } from './sessions.repo.js';
import { hashToken, newToken } from './tokens.js';
import { toUser } from './users.mapper.js';
import { USERNAME_KEY, type UsersRepo } from './users.repo.js';

/** Who is acting: the authenticated user and the session their credentials belong to. */
export interface Actor {
  user: User;
  sessionId: string;
}

// lastSeenAt is written at most this often per session: authentication stays a read.
export const TOUCH_EVERY_MS = 60_000;

export function createAuthService(deps: {
  users: UsersRepo;
  sessions: SessionsRepo;
  publish: Publish;
  config: Config['session'];
  now?: () => Date;
}) {
  const { users, sessions } = deps;
  const now = deps.now ?? (() => new Date());
  const idleSince = (at: Date) => new Date(at.getTime() - deps.config.idleTtlMs);

  /** With `passwordHash`: only while the password is still the one the caller checked. */
  async function startSession(user: User, userAgent?: string, passwordHash?: string): Promise<AuthResponse> {
    const token = newToken();
    const at = now();
    const expiresAt = new Date(at.getTime() + deps.config.maxAgeMs);
    const agent = userAgent?.slice(0, 256) || null;
    if (passwordHash === undefined) {
      await sessions.insert(user.id, hashToken(token), expiresAt, at, agent);
    } else if (
      !(await sessions.insertForPassword(user.id, passwordHash, hashToken(token), expiresAt, at, agent))
    ) {
      // Changed while this sign-in checked the old one: the password it gave is wrong now.
      throw unauthorized('Wrong username or password');
    }
    return { user, token };
  }

  /** Ends sessions at once; every instance closes their sockets with 4401. */
  function revoked(sessionIds: string[]) {
    for (const sessionId of sessionIds) deps.publish({ kind: 'session.revoked', sessionId });
  }

  return {
    async register({ username, password }: Credentials, userAgent?: string): Promise<AuthResponse> {
      const passwordHash = await hashPassword(password);
      try {
        const row = await users.insert(username, passwordHash);
        return await startSession(toUser(row), userAgent);
      } catch (err) {
        if (isUniqueViolation(err, USERNAME_KEY)) throw conflict('Username is taken');
        throw err;
      }
    },

    async login({ username, password }: Credentials, userAgent?: string): Promise<AuthResponse> {
      const row = await users.findByUsername(username);
      const ok = row ? await verifyPassword(row.passwordHash, password) : await dummyVerify(password);
      if (!row || !ok) throw unauthorized('Wrong username or password');
      return startSession(toUser(row), userAgent, row.passwordHash);
    },

    /** Needs the current password; the other sessions end (a stolen one must not outlive the change). */
    async changePassword(actor: Actor, currentPassword: string, newPassword: string): Promise<void> {
      const hash = await users.passwordHash(actor.user.id);
      if (!hash) throw unauthorized();
      if (!(await verifyPassword(hash, currentPassword))) throw forbidden('The current password is wrong');
      // Only over the hash just checked: of two changes at once, the second's current password
      // is no longer current, and it must not sign out the session that made the first.
      if (!(await users.replacePasswordHash(actor.user.id, hash, await hashPassword(newPassword))))
        throw forbidden('The current password is wrong');
      revoked(await sessions.deleteOthers(actor.user.id, actor.sessionId));
    },

    async sessions(actor: Actor): Promise<Session[]> {
      const at = now();
      return (await sessions.listLive(actor.user.id, at, idleSince(at))).map((s) => ({
        id: s.id,
        createdAt: s.createdAt.toISOString(),
        lastActiveAt: s.lastSeenAt.toISOString(),
        userAgent: s.userAgent,
        current: s.id === actor.sessionId,
      }));
    },

    /** Signs out one of your sessions (this one too, like logout); someone else's is a 404. */
    async revokeSession(actor: Actor, sessionId: string): Promise<void> {
      if (!isId(sessionId) || !(await sessions.deleteOwn(actor.user.id, sessionId)))
        throw notFound('Session');
      revoked([sessionId]);
    },

    /** "Sign out all other devices". */
    async revokeOtherSessions(actor: Actor): Promise<void> {
      revoked(await sessions.deleteOthers(actor.user.id, actor.sessionId));
    },

    /** Ends the session at once; every instance closes its sockets with 4401. */
    async logout(actor: Actor): Promise<void> {
      await sessions.delete(actor.sessionId);
      // The session row is gone, so the token is dead everywhere already; if the bus is down the
      // sockets still close at the next periodic session re-check.
      deps.publish({ kind: 'session.revoked', sessionId: actor.sessionId });
    },

    async authenticate(token: string): Promise<Actor | undefined> {
      const at = now();
      const found = await sessions.findLive(hashToken(token), at, idleSince(at));
      if (!found) return undefined;
      if (at.getTime() - found.session.lastSeenAt.getTime() > TOUCH_EVERY_MS) {
        await sessions.touch(found.session.id, at);
      }
      return { user: toUser(found.user), sessionId: found.session.id };
    },

    /** The clock sessions expire by. */
    now,

    /**
     * Socket activity keeps the session alive as requests do (the caller writes at most once
     * per TOUCH_EVERY_MS per socket).
     */
    async touch(sessionId: string): Promise<void> {
      const at = now();
      await sessions.touchLive(sessionId, at, idleSince(at));
    },

    /** Deletes sessions past their idle or absolute expiry (they can never authenticate again); how many. */
    purgeExpired(): Promise<number> {
      const at = now();
      return sessions.deleteExpired(at, idleSince(at));
    },

    /** For the periodic re-check of open sockets: a revoke lost in transit, or an expiry, is still caught. */
    liveSessions(sessionIds: string[]): Promise<Set<string>> {
      const at = now();
      return sessions.liveIds(sessionIds, at, idleSince(at));
    },
  };
}
export type AuthService = ReturnType<typeof createAuthService>;
