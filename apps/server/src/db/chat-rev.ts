import { and, eq, sql } from 'drizzle-orm';
import { anyOf } from './any-of.js';
import type { Db } from './client.js';
import { chatMembersTable, chatsTable } from './schema.js';

export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

type MemberRow = typeof chatMembersTable.$inferSelect;
/** Who acts and on whom (`target` only when the change names a member), under the chat's row lock. */
export interface Standing {
  actor: MemberRow | undefined;
  target: MemberRow | undefined;
}
/**
 * A service's access rule, decided again on the standing under the chat's row lock: `allowed`
 * throws (403/404) to refuse, and the transaction then changes nothing. The check a service
 * makes before the transaction may be stale by the time the lock is ours (the actor left or
 * lost a role, the target became owner), and a change must never be made on a decision the
 * lock did not cover.
 */
export interface Recheck {
  actorId: string;
  targetId?: string;
  allowed: (now: Standing) => void;
}

/** Runs `recheck` on the memberships as they are now: call it with the chat's row lock held. */
export async function decideAgain(tx: Tx, chatId: string, recheck: Recheck): Promise<void> {
  const { actorId, targetId } = recheck;
  const rows = await tx
    .select()
    .from(chatMembersTable)
    .where(
      and(
        eq(chatMembersTable.chatId, chatId),
        anyOf(chatMembersTable.userId, targetId === undefined ? [actorId] : [actorId, targetId]),
      ),
    );
  recheck.allowed({
    actor: rows.find((r) => r.userId === actorId),
    target: targetId === undefined ? undefined : rows.find((r) => r.userId === targetId),
  });
}

const NOTHING_CHANGED = Symbol('nothing changed');

/**
 * Runs `change` in a transaction that first takes the chat's next rev (ARCHITECTURE.md › Change
 * cursor). The bump locks the chat row, so changes of one chat are serialized and each sees
 * everything committed before it: an edit that comes after a delete finds the message deleted.
 * When `change` returns `undefined` (nothing to change: already deleted, already a member) the
 * transaction rolls back, so no rev is burned and revs stay gapless. `undefined` too when there
 * is no such chat. With `recheck`, the caller's access rule runs again once the lock is held.
 */
export async function withChatRev<T>(
  db: Db,
  chatId: string,
  change: (tx: Tx, rev: number) => Promise<T | undefined>,
  recheck?: Recheck,
): Promise<T | undefined> {
  try {
    return await db.transaction(async (tx) => {
      const rev = await takeRev(tx, chatId);
      if (rev === undefined) return undefined;
      if (recheck) await decideAgain(tx, chatId, recheck);
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
