import { randomUUID } from 'node:crypto';
import type { Attachment } from '@chatsockets/protocol';
import { and, asc, desc, eq, gt, gte, isNotNull, isNull, lt, lte, ne, sql } from 'drizzle-orm';
import { type Recheck, type Tx, withChatRev } from '../db/chat-rev.js';
import type { Db } from '../db/client.js';
import { rowsOf } from '../db/ids.js';
import {
  chatMembersTable,
  chatsTable,
  messageColumns,
  messageReactionsTable,
  messagesTable,
  usersTable,
} from '../db/schema.js';
import { sqlState } from '../errors.js';
import { byteCut } from './byte-cut.js';
import { createGroupCommit } from './group-commit.js';
import { type FullMessage, hydrate, inSnapshot, type MessageWithAuthor } from './hydrate.js';

/**
 * A message as stored, without what Postgres derives for its own queries: `mentions` (which
 * goes out via `mentionsOf(body)`) and the search vector.
 */
export type MessageRow = Omit<typeof messagesTable.$inferSelect, 'mentions' | 'searchVector'>;
export type { MessageWithAuthor } from './hydrate.js';

export interface PageCursor {
  beforeSeq?: number;
  afterSeq?: number;
  /** Only messages created up to this seq (a subscribe's `at.lastSeq`), at their current state. */
  atMostSeq?: number;
  /** Forward only: the page ends before the message whose text passes this (byte-cut.ts). */
  maxBytes?: number;
  limit: number;
}

export interface SendInput {
  chatId: string;
  authorId: string;
  clientId: string;
  body: string;
  /** Stored only when it names a message of the same chat (the service checks it first). */
  replyToId?: string;
  /** The send claimed uploads: the message takes them (drizzle/0016). */
  attachments?: true;
}
/** `undefined` when the author may not post there (not a member, or no such chat). */
/** `undefined`: refused (not a member); `'reply-deleted'`: it answers a message deleted by then. */
export type SendOutcome = (MessageWithAuthor & { created: boolean }) | 'reply-deleted' | undefined;

export interface GroupCommitOptions {
  /** Batches in flight at once (each holds one pooled connection while it runs). */
  concurrency: number;
  /** Sends per batch at most; 1 turns group commit off. */
  maxBatch: number;
  onBatch?: (size: number) => void;
}

/** A messages row as raw SQL returns it (`send_messages()`, search): timestamps may be strings. */
export interface RawMessageRow {
  id: string;
  chat_id: string;
  seq: number;
  author_id: string;
  client_id: string;
  body: string;
  created_at: Date | string;
  edited_at: Date | string | null;
  deleted_at: Date | string | null;
  rev: number;
  reply_to_id: string | null;
  pinned_at: Date | string | null;
  /** jsonb may arrive as text. */
  attachments?: Attachment[] | string;
}

/** A row of `send_messages()` (drizzle/0006): one per item, `ord` its 1-based position. */
interface StoredRow extends RawMessageRow {
  ord: number;
  status: 'created' | 'duplicate' | 'refused' | 'reply_deleted';
  username: string;
}

/** An error the database answered with, other than connection (08), resources (53), or cancel/shutdown (57). */
const refusedByDatabase = (err: unknown) => /^(?!08|53|57)[0-9A-Z]{5}$/.test(sqlState(err) ?? '');

const toDate = (v: Date | string | null) => (v === null ? null : new Date(v));

/** The one raw → `MessageRow` step for hand-written SQL. */
export function messageRowOf(r: RawMessageRow): MessageRow {
  return {
    id: r.id,
    chatId: r.chat_id,
    seq: Number(r.seq),
    authorId: r.author_id,
    clientId: r.client_id,
    body: r.body,
    createdAt: new Date(r.created_at),
    editedAt: toDate(r.edited_at),
    deletedAt: toDate(r.deleted_at),
    rev: Number(r.rev),
    replyToId: r.reply_to_id,
    pinnedAt: toDate(r.pinned_at),
    attachments: typeof r.attachments === 'string' ? JSON.parse(r.attachments) : (r.attachments ?? []),
  };
}

/** Thrown out of a send's transaction to roll it back, with the outcome it ends in. */
class Refused {
  constructor(readonly outcome: SendOutcome) {}
}

function toOutcome(row: StoredRow): SendOutcome {
  if (row.status === 'refused') return undefined;
  if (row.status === 'reply_deleted') return 'reply-deleted';
  return {
    created: row.status === 'created',
    message: messageRowOf(row),
    author: { id: row.author_id, username: row.username },
  };
}

const withAuthor = {
  message: messageColumns,
  author: { id: usersTable.id, username: usersTable.username },
};

export function createMessagesRepo(
  db: Db,
  groupCommit: GroupCommitOptions = { concurrency: 1, maxBatch: 1 },
) {
  const selectWithAuthor = (on: Db | Tx = db) =>
    on
      .select(withAuthor)
      .from(messagesTable)
      .innerJoin(usersTable, eq(usersTable.id, messagesTable.authorId));

  /**
   * One call, one transaction, one COMMIT for the whole batch: `send_messages()` (drizzle/0006)
   * locks the batch's chats, then bumps each chat's last_seq and inserts at those seqs in one
   * statement, so a failure rolls every bump back (no gap, unlike a SEQUENCE). A clientId used
   * before burns no seq and comes back as the first message.
   */
  async function storeBatch(items: SendInput[], on: Db | Tx = db): Promise<SendOutcome[]> {
    // Each new message's id is made here (drizzle/0016 says why); a duplicate leaves it unused.
    const withIds = items.map((item) => ({ id: randomUUID(), ...item }));
    const result = await on.execute(sql`select * from send_messages(${JSON.stringify(withIds)}::jsonb)`);
    const rows = rowsOf<StoredRow>(result);
    if (rows.length !== items.length) throw new Error('send_messages: one row per item expected');
    const outcomes: SendOutcome[] = new Array(items.length);
    for (const row of rows) outcomes[Number(row.ord) - 1] = toOutcome(row);
    return outcomes;
  }

  /** Each item alone, in arrival order, each with its own outcome. */
  async function storeEach(items: SendInput[]): Promise<Array<PromiseSettledResult<SendOutcome>>> {
    const outcomes: Array<PromiseSettledResult<SendOutcome>> = [];
    for (const item of items) {
      try {
        outcomes.push({ status: 'fulfilled', value: (await storeBatch([item]))[0] });
      } catch (reason) {
        outcomes.push({ status: 'rejected', reason });
      }
    }
    return outcomes;
  }

  const sends = createGroupCommit<SendInput, SendOutcome>({
    ...groupCommit,
    keyOf: (item) => item.chatId.toLowerCase(),
    async run(items) {
      try {
        return (await storeBatch(items)).map((value) => ({ status: 'fulfilled', value }));
      } catch (err) {
        // The database refused the batch (an item's data, a trigger, a deadlock): one bad item
        // must not fail the others, so each goes again alone; a batch of one has no others. Not
        // when the database is unreachable, overloaded or timed out: every item would fail
        // again, one by one, so they all get UNAVAILABLE now, and a client's resend with the
        // same clientId is safe.
        if (items.length === 1 || !refusedByDatabase(err)) throw err;
        return storeEach(items);
      }
    },
  });

  return {
    /** The send path (ARCHITECTURE.md › The one idea, › Group commit); resolves after COMMIT. */
    send: (input: SendInput): Promise<SendOutcome> => sends.submit(input),

    /**
     * A send with files, apart from the group commit: its uploads are claimed (`claim`) in the
     * transaction that inserts the message. Claimed in a transaction of its own, an upload went
     * to whichever of two concurrent sends claimed it last, since the other's message did not
     * exist yet, and that one was stored without it, empty if it had no text. Now a second send
     * waits on the uploads' row locks until the first commits, and then sees its message.
     */
    async sendWithFiles(input: SendInput, claim: (tx: Tx) => Promise<void>): Promise<SendOutcome> {
      try {
        return await db.transaction(async (tx) => {
          // The chat's row first, as every send and a chat's delete lock it: then the uploads.
          const chat = await tx.execute(
            sql`select 1 from chats where id = ${input.chatId} for no key update`,
          );
          // No chat (deleted meanwhile): refused as any send there, before a claim names it.
          if (rowsOf(chat).length === 0) throw new Refused(undefined);
          // A repeat of a stored send is answered with it as it is, and claims nothing: its
          // uploads would be bound to a message that never shows them. Stable under the lock.
          const [stored] = rowsOf(
            await tx.execute(sql`
              select 1 from messages
               where author_id = ${input.authorId} and chat_id = ${input.chatId} and client_id = ${input.clientId}`),
          );
          if (!stored) await claim(tx);
          const [outcome] = await storeBatch([{ ...input, attachments: true }], tx);
          // Not a member, or the message it answers deleted: the claim must not outlive the refusal.
          if (!outcome || outcome === 'reply-deleted') throw new Refused(outcome);
          return outcome;
        });
      } catch (err) {
        if (err instanceof Refused) return err.outcome;
        throw err;
      }
    },

    async lastSeq(chatId: string): Promise<number> {
      const [row] = await db
        .select({ lastSeq: chatsTable.lastSeq })
        .from(chatsTable)
        .where(eq(chatsTable.id, chatId));
      return row?.lastSeq ?? 0;
    },

    async findById(messageId: string) {
      const [row] = await selectWithAuthor().where(eq(messagesTable.id, messageId)).limit(1);
      return row;
    },

    /** The message whole, as it is now, read in one snapshot (`inSnapshot`). */
    findWhole(messageId: string): Promise<FullMessage | undefined> {
      return inSnapshot(db, async (tx) => {
        const rows = await selectWithAuthor(tx).where(eq(messagesTable.id, messageId)).limit(1);
        return (await hydrate(tx, rows))[0];
      });
    },

    /**
     * The page around `seq` (a jump to a message not loaded): up to half of `limit` before it,
     * the rest from it on, ascending; whether older and newer messages exist beyond the page.
     */
    around(chatId: string, seq: number, limit: number) {
      return inSnapshot(db, async (tx) => {
        const before = Math.floor((limit - 1) / 2);
        // Each side is read a whole page deep: near either end the page takes more from the other
        // side, so it is full whenever the chat has that many messages.
        const [older, newer] = await Promise.all([
          selectWithAuthor(tx)
            .where(and(eq(messagesTable.chatId, chatId), lt(messagesTable.seq, seq)))
            .orderBy(desc(messagesTable.seq))
            .limit(limit + 1),
          selectWithAuthor(tx)
            .where(and(eq(messagesTable.chatId, chatId), gte(messagesTable.seq, seq)))
            .orderBy(asc(messagesTable.seq))
            .limit(limit + 1),
        ]);
        const newerTaken = Math.min(newer.length, limit - Math.min(older.length, before));
        const olderTaken = Math.min(older.length, limit - newerTaken);
        const rows = [...older.slice(0, olderTaken).reverse(), ...newer.slice(0, newerTaken)];
        return {
          messages: await hydrate(tx, rows),
          hasMore: older.length > olderTaken,
          hasMoreAfter: newer.length > newerTaken,
        };
      });
    },

    async findByClientId(chatId: string, authorId: string, clientId: string) {
      const [row] = await selectWithAuthor()
        .where(
          and(
            eq(messagesTable.chatId, chatId),
            eq(messagesTable.authorId, authorId),
            eq(messagesTable.clientId, clientId),
          ),
        )
        .limit(1);
      return row;
    },

    /** Whole, ascending by seq; `hasMore` says there is more in the direction of paging. */
    page(chatId: string, cursor: PageCursor): Promise<{ messages: FullMessage[]; hasMore: boolean }> {
      const { beforeSeq, afterSeq, atMostSeq, maxBytes, limit } = cursor;
      const conditions = [eq(messagesTable.chatId, chatId)];
      if (afterSeq !== undefined) conditions.push(gt(messagesTable.seq, afterSeq));
      if (atMostSeq !== undefined) conditions.push(lte(messagesTable.seq, atMostSeq));
      if (beforeSeq !== undefined) conditions.push(lt(messagesTable.seq, beforeSeq));
      // Forward from afterSeq; otherwise backward from the newest (or from beforeSeq).
      const forward = afterSeq !== undefined;
      return inSnapshot(db, async (tx) => {
        const cut =
          forward && maxBytes !== undefined
            ? await byteCut(tx, { chatId, order: 'seq', after: afterSeq, atMostSeq, limit, maxBytes })
            : undefined;
        if (cut !== undefined) conditions.push(lt(messagesTable.seq, cut));
        const rows = await selectWithAuthor(tx)
          .where(and(...conditions))
          .orderBy(forward ? asc(messagesTable.seq) : desc(messagesTable.seq))
          .limit(limit + 1);
        const page = rows.slice(0, limit);
        return {
          messages: await hydrate(tx, forward ? page : page.reverse()),
          hasMore: rows.length > limit || cut !== undefined,
        };
      });
    },

    /**
     * Edits or deletes a message that is not deleted, at the chat's next rev. The chat's row lock
     * orders this after any change committed before it, so a delete always wins over an edit it
     * races: the edit then finds the message deleted and changes nothing (`undefined`), and a
     * delete that came first leaves no edited body behind. An edit to the body the message has
     * changes nothing either (`undefined`; the caller reads it back to tell which).
     */
    change(
      chatId: string,
      messageId: string,
      author: MessageWithAuthor['author'],
      patch: Pick<MessageRow, 'body'> & Partial<Pick<MessageRow, 'editedAt' | 'deletedAt' | 'attachments'>>,
      recheck: Recheck,
    ): Promise<FullMessage | undefined> {
      return withChatRev(
        db,
        chatId,
        async (tx, rev) => {
          // A deleted message keeps no reactions and no pin (the same rev carries all of it).
          const deleting = patch.deletedAt !== undefined && patch.deletedAt !== null;
          const [row] = await tx
            .update(messagesTable)
            .set({ ...patch, rev, ...(deleting ? { pinnedAt: null } : {}) })
            .where(
              and(
                eq(messagesTable.id, messageId),
                eq(messagesTable.chatId, chatId),
                isNull(messagesTable.deletedAt),
                // An edit to the body it has (a "save" of nothing, a retried edit) is a repeat
                // that changes nothing: no rev, not marked edited. Decided under the lock.
                deleting ? undefined : ne(messagesTable.body, patch.body),
              ),
            )
            .returning(messageColumns);
          if (!row) return undefined;
          if (deleting) {
            await tx.delete(messageReactionsTable).where(eq(messageReactionsTable.messageId, messageId));
          }
          // Made whole in the change's own transaction: the state at exactly this rev, and the
          // event can be published as soon as it commits (a late publish makes the hub read back).
          return (await hydrate(tx, [{ message: row, author }]))[0];
        },
        recheck,
      );
    },

    /**
     * Pins (`at`) or unpins (`null`) a message that is not deleted, at the chat's next rev;
     * `undefined` when that changes nothing (already so, or deleted: the caller tells which).
     */
    setPinned(
      chatId: string,
      messageId: string,
      author: MessageWithAuthor['author'],
      at: Date | null,
      recheck: Recheck,
    ): Promise<FullMessage | undefined> {
      return withChatRev(
        db,
        chatId,
        async (tx, rev) => {
          const [row] = await tx
            .update(messagesTable)
            .set({ pinnedAt: at, rev })
            .where(
              and(
                eq(messagesTable.id, messageId),
                eq(messagesTable.chatId, chatId),
                isNull(messagesTable.deletedAt),
                at === null ? isNotNull(messagesTable.pinnedAt) : isNull(messagesTable.pinnedAt),
              ),
            )
            .returning(messageColumns);
          return row && (await hydrate(tx, [{ message: row, author }]))[0];
        },
        recheck,
      );
    },

    /** The chat's pinned messages, whole, the latest pin first. */
    pinned(chatId: string, limit: number): Promise<FullMessage[]> {
      return inSnapshot(db, async (tx) =>
        hydrate(
          tx,
          await selectWithAuthor(tx)
            .where(and(eq(messagesTable.chatId, chatId), isNotNull(messagesTable.pinnedAt)))
            .orderBy(desc(messagesTable.pinnedAt), desc(messagesTable.seq))
            .limit(limit),
        ),
      );
    },

    /** Members other than the author, there when it was sent, whose watermark has reached it: no per-message rows. */
    readers(chatId: string, message: { seq: number; authorId: string }) {
      return db
        .select({ id: usersTable.id, username: usersTable.username })
        .from(chatMembersTable)
        .innerJoin(usersTable, eq(usersTable.id, chatMembersTable.userId))
        .where(
          and(
            eq(chatMembersTable.chatId, chatId),
            gte(chatMembersTable.readSeq, message.seq),
            ne(chatMembersTable.userId, message.authorId),
            // A member's marker starts at the chat's end when they join: what came before, they
            // have not seen for that. By seq, not time: a send whose transaction began before
            // the join's may still have taken the chat's lock after it.
            lt(chatMembersTable.joinedSeq, message.seq),
          ),
        )
        .orderBy(asc(usersTable.username));
    },
  };
}
export type MessagesRepo = ReturnType<typeof createMessagesRepo>;
