import { and, eq, sql } from 'drizzle-orm';
import type { Tx } from '../db/chat-rev.js';
import { chatBansTable } from '../db/schema.js';

/**
 * Removal bans (drizzle/0022): someone removed by another member may not come back on their own
 * until an owner or admin adds them again. Each runs in the transaction that holds the chat's
 * row lock, so a join racing a removal or an add sees the ban as that one left it.
 */
export const BANNED = 'banned' as const;
/** What a banned user is told when they try to come back on their own. */
export const REMOVED = 'You were removed from this chat: only its owner or an admin can add you back';

export async function isBanned(tx: Tx, chatId: string, userId: string): Promise<boolean> {
  const [row] = await tx
    .select({ one: sql`1` })
    .from(chatBansTable)
    .where(and(eq(chatBansTable.chatId, chatId), eq(chatBansTable.userId, userId)))
    .limit(1);
  return row !== undefined;
}

export async function ban(tx: Tx, chatId: string, userId: string, bannedBy: string): Promise<void> {
  await tx.insert(chatBansTable).values({ chatId, userId, bannedBy }).onConflictDoNothing();
}

export async function liftBan(tx: Tx, chatId: string, userId: string): Promise<void> {
  await tx
    .delete(chatBansTable)
    .where(and(eq(chatBansTable.chatId, chatId), eq(chatBansTable.userId, userId)));
}
