import { and, desc, eq, gt, lt, ne, or, sql } from 'drizzle-orm';
import { anyOf } from '../db/any-of.js';
import type { Db } from '../db/client.js';
import { rowsOf } from '../db/ids.js';
import { sessionsTable, usersTable } from '../db/schema.js';

export function createSessionsRepo(db: Db) {
  // Every authenticated request runs this: built once, not per call.
  const live = db
    .select({ session: sessionsTable, user: usersTable })
    .from(sessionsTable)
    .innerJoin(usersTable, eq(usersTable.id, sessionsTable.userId))
    .where(
      and(
        eq(sessionsTable.tokenHash, sql.placeholder('tokenHash')),
        gt(sessionsTable.expiresAt, sql.placeholder('now')),
        gt(sessionsTable.lastSeenAt, sql.placeholder('idleSince')),
      ),
    )
    .limit(1)
    .prepare('session_live');

  return {
    async insert(userId: string, tokenHash: string, expiresAt: Date, now: Date, userAgent?: string | null) {
      // lastSeenAt from the caller's clock, not the database's: expiry is judged on that clock.
      const [row] = await db
        .insert(sessionsTable)
        .values({
          userId,
          tokenHash,
          expiresAt,
          lastSeenAt: now,
          createdAt: now,
          userAgent: userAgent ?? null,
        })
        .returning();
      return row!;
    },
    /**
     * A sign-in's session, only while the user's password is still `passwordHash`, the one the
     * sign-in checked; false when it changed meanwhile. The user's row is locked (share) as the
     * session goes in: a password change waits for the insert (and then ends the session with the
     * other ones), or it came first and nothing is inserted. Unchecked, a sign-in with the old
     * password still in flight during a change outlived it.
     */
    async insertForPassword(
      userId: string,
      passwordHash: string,
      tokenHash: string,
      expiresAt: Date,
      now: Date,
      userAgent: string | null,
    ): Promise<boolean> {
      const result = await db.execute(sql`
        insert into sessions (user_id, token_hash, expires_at, last_seen_at, created_at, user_agent)
        select u.id, ${tokenHash}, ${expiresAt.toISOString()}::timestamptz, ${now.toISOString()}::timestamptz,
               ${now.toISOString()}::timestamptz, ${userAgent}
          from users u
         where u.id = ${userId} and u.password_hash = ${passwordHash}
           for share
        returning id`);
      return rowsOf(result).length > 0;
    },
    /** The user's live sessions, most recently active first. */
    listLive(userId: string, now: Date, idleSince: Date) {
      return db
        .select()
        .from(sessionsTable)
        .where(
          and(
            eq(sessionsTable.userId, userId),
            gt(sessionsTable.expiresAt, now),
            gt(sessionsTable.lastSeenAt, idleSince),
          ),
        )
        .orderBy(desc(sessionsTable.lastSeenAt));
    },
    /** Deletes one of the user's sessions; whether it was theirs and there. */
    async deleteOwn(userId: string, sessionId: string): Promise<boolean> {
      const rows = await db
        .delete(sessionsTable)
        .where(and(eq(sessionsTable.userId, userId), eq(sessionsTable.id, sessionId)))
        .returning({ id: sessionsTable.id });
      return rows.length > 0;
    },
    /** Deletes every session of the user but `keep`; their ids. */
    async deleteOthers(userId: string, keep: string): Promise<string[]> {
      const rows = await db
        .delete(sessionsTable)
        .where(and(eq(sessionsTable.userId, userId), ne(sessionsTable.id, keep)))
        .returning({ id: sessionsTable.id });
      return rows.map((r) => r.id);
    },
    /** The live session for a token hash with its user; expired sessions are not found. */
    async findLive(tokenHash: string, now: Date, idleSince: Date) {
      // Placeholders skip the column's Date encoding: pass what the driver takes on both drivers.
      const [row] = await live.execute({
        tokenHash,
        now: now.toISOString(),
        idleSince: idleSince.toISOString(),
      });
      return row;
    },
    /** Which of these sessions are still live: one query for every open socket's session. */
    async liveIds(sessionIds: string[], now: Date, idleSince: Date): Promise<Set<string>> {
      if (sessionIds.length === 0) return new Set();
      const rows = await db
        .select({ id: sessionsTable.id })
        .from(sessionsTable)
        .where(
          and(
            anyOf(sessionsTable.id, sessionIds),
            gt(sessionsTable.expiresAt, now),
            gt(sessionsTable.lastSeenAt, idleSince),
          ),
        );
      return new Set(rows.map((r) => r.id));
    },
    async touch(sessionId: string, now: Date) {
      await db.update(sessionsTable).set({ lastSeenAt: now }).where(eq(sessionsTable.id, sessionId));
    },
    /** Like touch, but an expired session stays expired (a socket's frame must not revive it). */
    async touchLive(sessionId: string, now: Date, idleSince: Date) {
      await db
        .update(sessionsTable)
        .set({ lastSeenAt: now })
        .where(
          and(
            eq(sessionsTable.id, sessionId),
            gt(sessionsTable.expiresAt, now),
            gt(sessionsTable.lastSeenAt, idleSince),
          ),
        );
    },
    async delete(sessionId: string) {
      await db.delete(sessionsTable).where(eq(sessionsTable.id, sessionId));
    },
    async deleteExpired(now: Date, idleSince: Date): Promise<number> {
      const rows = await db
        .delete(sessionsTable)
        .where(or(lt(sessionsTable.expiresAt, now), lt(sessionsTable.lastSeenAt, idleSince)))
        .returning({ id: sessionsTable.id });
      return rows.length;
    },
  };
}
export type SessionsRepo = ReturnType<typeof createSessionsRepo>;
