import { and, eq, sql } from 'drizzle-orm';
import type { Tx } from '../db/chat-rev.js';
import { chatBansTable, chatMembersTable } from '../db/schema.js';
import { forbidden } from '../errors.js';

/**
 * Removal bans (drizzle/0022): someone removed by another member may not come back on their own,
 * nor be put back by a plain member, until an owner or admin adds them again. Each runs in the
 * transaction that holds the chat's row lock (a join racing a removal or an add sees the ban as
 * that one left it) and refuses by throwing, which rolls the transaction back: a refused join
 * takes no rev and costs a link no use.
 */
export const REMOVED = 'You were removed from this chat: only its owner or an admin can add you back';

async function isBanned(tx: Tx, chatId: string, userId: string): Promise<boolean> {
  const [row] = await tx
    .select({ one: sql`1` })
    .from(chatBansTable)
    .where(and(eq(chatBansTable.chatId, chatId), eq(chatBansTable.userId, userId)))
    .limit(1);
  return row !== undefined;
}

/** Someone coming back on their own (a public chat's join, an invite link). */
export async function refuseIfBarred(tx: Tx, chatId: string, userId: string): Promise<void> {
  if (await isBanned(tx, chatId, userId)) throw forbidden(REMOVED);
}

/** Someone added by `adderId`: only an owner or admin may lift a ban, which their add does. */
export async function liftBanBy(tx: Tx, chatId: string, userId: string, adderId: string): Promise<void> {
  if (!(await isBanned(tx, chatId, userId))) return;
  const [adder] = await tx
    .select({ role: chatMembersTable.role })
    .from(chatMembersTable)
    .where(and(eq(chatMembersTable.chatId, chatId), eq(chatMembersTable.userId, adderId)));
  if (adder?.role !== 'owner' && adder?.role !== 'admin')
    throw forbidden('They were removed from this chat: only its owner or an admin can add them back');
  await tx
    .delete(chatBansTable)
    .where(and(eq(chatBansTable.chatId, chatId), eq(chatBansTable.userId, userId)));
}

export async function ban(tx: Tx, chatId: string, userId: string, bannedBy: string): Promise<void> {
  await tx.insert(chatBansTable).values({ chatId, userId, bannedBy }).onConflictDoNothing();
}
