import { eq, inArray, sql } from 'drizzle-orm';
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
        .select({ addableBy: usersTable.addableBy })
        .from(usersTable)
        .where(eq(usersTable.id, userId));
      return row;
    },
    async updateSettings(userId: string, patch: Partial<Pick<UserRow, 'addableBy'>>) {
      const [row] = await db
        .update(usersTable)
        .set(patch)
        .where(eq(usersTable.id, userId))
        .returning({ addableBy: usersTable.addableBy });
      return row;
    },
    async findByUsernames(usernames: string[]): Promise<UserRow[]> {
      if (usernames.length === 0) return [];
      const lowered = [...new Set(usernames.map((u) => u.toLowerCase()))];
      return db
        .select()
        .from(usersTable)
        .where(inArray(sql`lower(${usersTable.username})`, lowered));
    },
  };
}
export type UsersRepo = ReturnType<typeof createUsersRepo>;
