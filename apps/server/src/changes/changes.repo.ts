import { and, asc, eq, gt, lt, lte } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { Tx } from '../db/chat-rev.js';
import type { Db } from '../db/client.js';
import {
  chatDeparturesTable,
  chatMembersTable,
  chatsTable,
  messageColumns,
  messagesTable,
  usersTable,
} from '../db/schema.js';
import { byteCut } from '../messages/byte-cut.js';
import { type FullMessage, hydrate, inSnapshot } from '../messages/hydrate.js';

type UserRow = typeof usersTable.$inferSelect;
export type ChangeRow =
  | { type: 'message'; rev: number; message: FullMessage }
  | { type: 'member'; rev: number; member: typeof chatMembersTable.$inferSelect; user: UserRow }
  | { type: 'left'; rev: number; user: UserRow }
  | { type: 'chat'; rev: number; title: string; description: string };

export interface ChangePage {
  /** In rev order, each entity once, at its current state. */
  changes: ChangeRow[];
  /** More changes after the last one of the page, up to the bound it was read with. */
  hasMore: boolean;
}

/**
 * A chat's change log, read from the current state: each message, membership and departure
 * carries the rev of its last change, so "what changed after rev n" is three index range scans
 * (on `(chat_id, rev)`), with no log table written on the send path.
 */
export function createChangesRepo(db: Db) {
  return {
    /**
     * Where the chat stands: read BEFORE its changes. Every rev up to `rev` is committed (revs
     * are taken under the chat's row lock and committed in order), so changes read afterwards
     * and bounded by it miss nothing; a change past it comes live or with the next page.
     * `undefined` when there is no such chat.
     */
    async position(chatId: string): Promise<{ rev: number; lastSeq: number } | undefined> {
      const [chat] = await db
        .select({ rev: chatsTable.lastRev, lastSeq: chatsTable.lastSeq })
        .from(chatsTable)
        .where(eq(chatsTable.id, chatId));
      return chat;
    },

    /**
     * Changes with `afterRev < rev <= chatRev`, oldest first, at most `limit`, each message
     * whole, all in one snapshot (`inSnapshot`).
     */
    async between(
      chatId: string,
      afterRev: number,
      chatRev: number,
      limit: number,
      opts: Omit<PageBounds, 'beforeRev'> & { maxBytes?: number } = {},
    ): Promise<ChangePage> {
      if (afterRev >= chatRev && opts.upToSeq === undefined) return { changes: [], hasMore: false };
      return inSnapshot(db, async (tx) => {
        // Past the byte budget the page ends before the message that passes it, whatever changed.
        const cut =
          opts.maxBytes === undefined
            ? undefined
            : await byteCut(tx, {
                chatId,
                order: 'rev',
                after: afterRev,
                atMostSeq: opts.upToSeq,
                limit,
                maxBytes: opts.maxBytes,
              });
        const page = await readPage(tx, chatId, afterRev, chatRev, limit, {
          upToSeq: opts.upToSeq,
          beforeRev: cut,
        });
        return cut === undefined ? page : { ...page, hasMore: true };
      });
    },
  };
}
export type ChangesRepo = ReturnType<typeof createChangesRepo>;

/** How a page of changes is bounded besides `afterRev < rev <= chatRev`. */
export interface PageBounds {
  /**
   * Messages created up to this seq, whatever their rev (a subscribe's catch-up: one changed
   * after its check comes at its newer rev, not as a reaction's delta to a message the client
   * never had); without it, messages whose rev is at most `chatRev`.
   */
  upToSeq?: number | undefined;
  /** Only changes before this rev (where a byte budget cut the page). */
  beforeRev?: number | undefined;
}

async function readPage(
  db: Tx,
  chatId: string,
  afterRev: number,
  chatRev: number,
  limit: number,
  bounds: PageBounds = {},
): Promise<ChangePage> {
  const top = Math.min(chatRev, (bounds.beforeRev ?? Number.POSITIVE_INFINITY) - 1);
  const inRange = (t: { chatId: AnyPgColumn; rev: AnyPgColumn }) =>
    and(eq(t.chatId, chatId), gt(t.rev, afterRev), lte(t.rev, top));
  const messagesInRange = and(
    eq(messagesTable.chatId, chatId),
    gt(messagesTable.rev, afterRev),
    bounds.upToSeq === undefined ? lte(messagesTable.rev, top) : lte(messagesTable.seq, bounds.upToSeq),
    bounds.beforeRev === undefined ? undefined : lt(messagesTable.rev, bounds.beforeRev),
  );
  const [messages, members, departures, info] = await Promise.all([
    db
      .select({ message: messageColumns, author: { id: usersTable.id, username: usersTable.username } })
      .from(messagesTable)
      .innerJoin(usersTable, eq(usersTable.id, messagesTable.authorId))
      .where(messagesInRange)
      .orderBy(asc(messagesTable.rev))
      .limit(limit + 1),
    db
      .select({ member: chatMembersTable, user: usersTable })
      .from(chatMembersTable)
      .innerJoin(usersTable, eq(usersTable.id, chatMembersTable.userId))
      .where(inRange(chatMembersTable))
      .orderBy(asc(chatMembersTable.rev))
      .limit(limit + 1),
    db
      .select({ rev: chatDeparturesTable.rev, user: usersTable })
      .from(chatDeparturesTable)
      .innerJoin(usersTable, eq(usersTable.id, chatDeparturesTable.userId))
      .where(inRange(chatDeparturesTable))
      .orderBy(asc(chatDeparturesTable.rev))
      .limit(limit + 1),
    // The title and description: one entity, at the rev of its last change.
    db
      .select({ rev: chatsTable.infoRev, title: chatsTable.title, description: chatsTable.description })
      .from(chatsTable)
      .where(and(eq(chatsTable.id, chatId), gt(chatsTable.infoRev, afterRev), lte(chatsTable.infoRev, top))),
  ]);
  const all = [
    ...messages.map((r) => ({ type: 'message' as const, rev: r.message.rev, row: r })),
    ...members.map((r) => ({ type: 'member' as const, rev: r.member.rev, ...r })),
    ...departures.map((r) => ({ type: 'left' as const, rev: r.rev, user: r.user })),
    ...info.map((r) => ({ type: 'chat' as const, ...r })),
  ].sort((a, b) => a.rev - b.rev);
  const page = all.slice(0, limit);
  // Each changed message at its whole current state: reactions, pin and reply quote included.
  const full = await hydrate(
    db,
    page.flatMap((c) => (c.type === 'message' ? [c.row] : [])),
  );
  const byId = new Map(full.map((m) => [m.message.id, m]));
  const changes: ChangeRow[] = page.map((c) =>
    c.type === 'message' ? { type: 'message', rev: c.rev, message: byId.get(c.row.message.id)! } : c,
  );
  return { changes, hasMore: all.length > limit };
}
