import { eq, sql } from 'drizzle-orm';
import type { Db } from './client.js';
import { chatsTable } from './schema.js';

export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

const NOTHING_CHANGED = Symbol('nothing changed');

/**
 * Runs `change` in a transaction that first takes the chat's next rev (ARCHITECTURE.md › Change
 * cursor). The bump locks the chat row, so changes of one chat are serialized and each sees
 * everything committed before it: an edit that comes after a delete finds the message deleted.
 * When `change` returns `undefined` (nothing to change: already deleted, already a member) the
 * transaction rolls back, so no rev is burned and revs stay gapless. `undefined` too when there
 * is no such chat.
 */
export async function withChatRev<T>(
  db: Db,
  chatId: string,
  change: (tx: Tx, rev: number) => Promise<T | undefined>,
): Promise<T | undefined> {
  try {
    return await db.transaction(async (tx) => {
      const rev = await takeRev(tx, chatId);
      if (rev === undefined) return undefined;
      const result = await change(tx, rev);
      if (result === undefined) throw NOTHING_CHANGED;
      return result;
    });
  } catch (err) {
    if (err === NOTHING_CHANGED) return undefined;
    throw err;
  }
}

/** The chat's next rev, inside the caller's transaction (the row stays locked until it ends). */
export async function takeRev(tx: Tx, chatId: string): Promise<number | undefined> {
  const [row] = await tx
    .update(chatsTable)
    .set({ lastRev: sql`${chatsTable.lastRev} + 1` })
    .where(eq(chatsTable.id, chatId))
    .returning({ rev: chatsTable.lastRev });
  return row?.rev;
}
