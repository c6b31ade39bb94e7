import { and, eq, sql } from 'drizzle-orm';
import { anyOf } from '../db/any-of.js';
import type { Db } from '../db/client.js';
import { usersTable } from '../db/schema.js';

export type UserRow = typeof usersTable.$inferSelect;

export const USERNAME_KEY = 'users_username_lower_key';

export function createUsersRepo(db: Db) {
  return {
    async insert(username: string, passwordHash: string): Promise<UserRow> {
      const [row] = await db.insert(usersTable).values({ username, passwordHash }).returning();
      return row!;
    },
    async findByUsername(username: string): Promise<UserRow | undefined> {
      const [row] = await db
        .select()
        .from(usersTable)
        .where(eq(sql`lower(${usersTable.username})`, username.toLowerCase()))
        .limit(1);
      return row;
    },
    async settings(userId: string) {
      const [row] = await db
        .select({ addableBy: usersTable.addableBy, showLastSeen: usersTable.showLastSeen })
        .from(usersTable)
        .where(eq(usersTable.id, userId));
      return row;
    },
    async updateSettings(userId: string, patch: Partial<Pick<UserRow, 'addableBy' | 'showLastSeen'>>) {
      const [row] = await db
        .update(usersTable)
        .set(patch)
        .where(eq(usersTable.id, userId))
        .returning({ addableBy: usersTable.addableBy, showLastSeen: usersTable.showLastSeen });
      return row;
    },
    async updateProfile(userId: string, patch: { displayName: string | null }): Promise<UserRow | undefined> {
      const [row] = await db.update(usersTable).set(patch).where(eq(usersTable.id, userId)).returning();
      return row;
    },
    async passwordHash(userId: string): Promise<string | undefined> {
      const [row] = await db
        .select({ passwordHash: usersTable.passwordHash })
        .from(usersTable)
        .where(eq(usersTable.id, userId));
      return row?.passwordHash;
    },
    /** Replaces `expected` (the hash the caller checked the password against); false if it changed since. */
    async replacePasswordHash(userId: string, expected: string, passwordHash: string): Promise<boolean> {
      const rows = await db
        .update(usersTable)
        .set({ passwordHash })
        .where(and(eq(usersTable.id, userId), eq(usersTable.passwordHash, expected)))
        .returning({ id: usersTable.id });
      return rows.length > 0;
    },
    /**
     * Points the user at avatar `version` (its blob stored first) and answers the row after, with
     * the version it replaced, read under the row's lock: of uploads that race, each learns
     * exactly which image it took the place of, so each replaced one is deleted once.
     */
    async swapAvatarVersion(
      userId: string,
      version: number,
    ): Promise<{ row: UserRow; replaced: number | null } | undefined> {
      return db.transaction(async (tx) => {
        const [before] = await tx
          .select({ avatarVersion: usersTable.avatarVersion })
          .from(usersTable)
          .where(eq(usersTable.id, userId))
          .for('update');
        if (!before) return undefined;
        const [row] = await tx
          .update(usersTable)
          .set({ avatarVersion: version })
          .where(eq(usersTable.id, userId))
          .returning();
        return { row: row!, replaced: before.avatarVersion };
      });
    },
    /**
     * Removes avatar `version` if it is still the user's; the row after, or `undefined` when
     * there is no such user. An upload that replaced it meanwhile stays.
     */
    async clearAvatarVersion(userId: string, version: number): Promise<UserRow | undefined> {
      await db
        .update(usersTable)
        .set({ avatarVersion: null })
        .where(and(eq(usersTable.id, userId), eq(usersTable.avatarVersion, version)));
      const [row] = await db.select().from(usersTable).where(eq(usersTable.id, userId));
      return row;
    },
    async findById(userId: string): Promise<UserRow | undefined> {
      const [row] = await db.select().from(usersTable).where(eq(usersTable.id, userId));
      return row;
    },
    /** The user's last socket closed: "last seen" is now. */
    async touchLastSeen(userId: string, at: Date): Promise<UserRow | undefined> {
      const [row] = await db
        .update(usersTable)
        .set({ lastSeenAt: at })
        .where(eq(usersTable.id, userId))
        .returning();
      return row;
    },
    async findByUsernames(usernames: string[]): Promise<UserRow[]> {
      if (usernames.length === 0) return [];
      const lowered = [...new Set(usernames.map((u) => u.toLowerCase()))];
      return db
        .select()
        .from(usersTable)
        .where(anyOf(sql`lower(${usersTable.username})`, lowered, 'text'));
    },
  };
}
export type UsersRepo = ReturnType<typeof createUsersRepo>;
