import { quoteOf, type Reaction, type ReplyRef } from '@chatsockets/protocol';
import { asc, eq } from 'drizzle-orm';
import { anyOf } from '../db/any-of.js';
import type { Tx } from '../db/chat-rev.js';
import type { Db } from '../db/client.js';
import { messageReactionsTable, messagesTable, usersTable } from '../db/schema.js';
import type { MessageRow } from './messages.repo.js';

export interface MessageWithAuthor {
  message: MessageRow;
  author: { id: string; username: string };
}

/** A message with everything a `Message` shows besides its own row: what it answers, its reactions. */
export interface FullMessage extends MessageWithAuthor {
  replyTo: ReplyRef | null;
  reactions: Reaction[];
}

/**
 * Runs `read` in one read-only snapshot. Rows and what `hydrate` completes them with must come
 * from one: statements that each see the latest commit would put a reaction committed between
 * them into a message stamped with the rev before it, and a client applying that reaction's own
 * event after it would hold the reaction twice.
 */
export function inSnapshot<T>(db: Db, read: (tx: Tx) => Promise<T>): Promise<T> {
  return db.transaction(read, { isolationLevel: 'repeatable read', accessMode: 'read only' });
}

/**
 * Completes rows into whole messages with at most two more queries for any number of rows (none
 * when no row answers anything, or every row is deleted): every path that sends a `Message`
 * (pages, the changes feed, edits, pins) goes through here, so no copy lacks its reactions.
 */
export async function hydrate(db: Db | Tx, rows: MessageWithAuthor[]): Promise<FullMessage[]> {
  if (rows.length === 0) return [];
  const replyIds = [...new Set(rows.flatMap((r) => (r.message.replyToId ? [r.message.replyToId] : [])))];
  const liveIds = rows.filter((r) => r.message.deletedAt === null).map((r) => r.message.id);
  const [originals, reactions] = await Promise.all([
    replyIds.length === 0
      ? []
      : db
          .select({
            id: messagesTable.id,
            seq: messagesTable.seq,
            body: messagesTable.body,
            deletedAt: messagesTable.deletedAt,
            author: { id: usersTable.id, username: usersTable.username },
          })
          .from(messagesTable)
          .innerJoin(usersTable, eq(usersTable.id, messagesTable.authorId))
          .where(anyOf(messagesTable.id, replyIds)),
    liveIds.length === 0
      ? []
      : db
          .select({
            messageId: messageReactionsTable.messageId,
            emoji: messageReactionsTable.emoji,
            user: { id: usersTable.id, username: usersTable.username },
          })
          .from(messageReactionsTable)
          .innerJoin(usersTable, eq(usersTable.id, messageReactionsTable.userId))
          .where(anyOf(messageReactionsTable.messageId, liveIds))
          .orderBy(asc(messageReactionsTable.createdAt), asc(usersTable.username)),
  ]);
  const byId = new Map(originals.map((o) => [o.id, o]));
  // Emoji in the order they were first used on the message, users in the order they reacted.
  const reactionsOf = new Map<string, Map<string, Reaction>>();
  for (const r of reactions) {
    const perMessage = reactionsOf.get(r.messageId) ?? new Map<string, Reaction>();
    reactionsOf.set(r.messageId, perMessage);
    const entry = perMessage.get(r.emoji) ?? { emoji: r.emoji, count: 0, users: [] };
    perMessage.set(r.emoji, entry);
    entry.count++;
    entry.users.push(r.user);
  }
  return rows.map((row) => {
    const original = row.message.replyToId ? byId.get(row.message.replyToId) : undefined;
    return {
      ...row,
      replyTo: original ? quoteOf(original) : null,
      reactions: [...(reactionsOf.get(row.message.id)?.values() ?? [])],
    };
  });
}
