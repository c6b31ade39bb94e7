import { and, asc, desc, eq, gt, gte, lt, ne, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { rowsOf } from '../db/ids.js';
import { chatMembersTable, chatsTable, messagesTable, usersTable } from '../db/schema.js';
import { sqlState } from '../errors.js';

export type MessageRow = typeof messagesTable.$inferSelect;
export interface MessageWithAuthor {
  message: MessageRow;
  author: { id: string; username: string };
}

export interface PageCursor {
  beforeSeq?: number;
  afterSeq?: number;
  limit: number;
}

interface SentRow {
  id: string;
  chat_id: string;
  seq: number;
  author_id: string;
  client_id: string;
  body: string;
  created_at: Date | string;
  username: string;
}

const withAuthor = {
  message: messagesTable,
  author: { id: usersTable.id, username: usersTable.username },
};

export function createMessagesRepo(db: Db) {
  const selectWithAuthor = () =>
    db
      .select(withAuthor)
      .from(messagesTable)
      .innerJoin(usersTable, eq(usersTable.id, messagesTable.authorId));

  async function findByClientId(authorId: string, chatId: string, clientId: string) {
    const [row] = await selectWithAuthor()
      .where(
        and(
          eq(messagesTable.authorId, authorId),
          eq(messagesTable.chatId, chatId),
          eq(messagesTable.clientId, clientId),
        ),
      )
      .limit(1);
    return row;
  }

  return {
    /**
     * The send path (ARCHITECTURE.md › The one idea), one round trip: the `send_message`
     * function (drizzle/0001, 0004) bumps chats.last_seq under the chat's row lock,
     * inserts at that seq and moves the author's marker, all in the statement's transaction, so
     * a failure anywhere rolls the bump back (no gap, unlike a SEQUENCE). A clientId used before
     * raises CSDUP, which also rolls back: a repeat burns no seq and returns the first message.
     */
    /** `undefined` when the author is not a member of the chat (or there is no such chat). */
    async send(input: {
      chatId: string;
      authorId: string;
      clientId: string;
      body: string;
    }): Promise<(MessageWithAuthor & { created: boolean }) | undefined> {
      try {
        const result = await db.execute(
          sql`select * from send_message(${input.chatId}, ${input.authorId}, ${input.clientId}, ${input.body})`,
        );
        const [row] = rowsOf<SentRow>(result);
        if (!row) throw new Error('send_message returned no row');
        return {
          created: true,
          message: {
            id: row.id,
            chatId: row.chat_id,
            seq: Number(row.seq),
            authorId: row.author_id,
            clientId: row.client_id,
            body: row.body,
            createdAt: new Date(row.created_at),
            editedAt: null,
            deletedAt: null,
          },
          author: { id: row.author_id, username: row.username },
        };
      } catch (err) {
        const state = sqlState(err);
        if (state === 'CS403' || state === 'CS404') return undefined;
        if (state !== 'CSDUP') throw err;
        const first = await findByClientId(input.authorId, input.chatId, input.clientId);
        if (!first) throw new Error('duplicate send without a first message');
        return { ...first, created: false };
      }
    },

    findByClientId,

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

    /** Ascending by seq; `hasMore` says there is more in the direction of paging. */
    async page(chatId: string, cursor: PageCursor): Promise<{ rows: MessageWithAuthor[]; hasMore: boolean }> {
      const { beforeSeq, afterSeq, limit } = cursor;
      const conditions = [eq(messagesTable.chatId, chatId)];
      if (afterSeq !== undefined) conditions.push(gt(messagesTable.seq, afterSeq));
      if (beforeSeq !== undefined) conditions.push(lt(messagesTable.seq, beforeSeq));
      // Forward from afterSeq; otherwise backward from the newest (or from beforeSeq).
      const forward = afterSeq !== undefined;
      const rows = await selectWithAuthor()
        .where(and(...conditions))
        .orderBy(forward ? asc(messagesTable.seq) : desc(messagesTable.seq))
        .limit(limit + 1);
      const hasMore = rows.length > limit;
      const page = rows.slice(0, limit);
      return { rows: forward ? page : page.reverse(), hasMore };
    },

    async update(messageId: string, patch: Partial<Pick<MessageRow, 'body' | 'editedAt' | 'deletedAt'>>) {
      const [row] = await db
        .update(messagesTable)
        .set(patch)
        .where(eq(messagesTable.id, messageId))
        .returning();
      return row;
    },

    /** Members other than the author whose watermark has reached `seq`: no per-message rows. */
    readers(chatId: string, seq: number, authorId: string) {
      return db
        .select({ id: usersTable.id, username: usersTable.username })
        .from(chatMembersTable)
        .innerJoin(usersTable, eq(usersTable.id, chatMembersTable.userId))
        .where(
          and(
            eq(chatMembersTable.chatId, chatId),
            gte(chatMembersTable.readSeq, seq),
            ne(chatMembersTable.userId, authorId),
          ),
        )
        .orderBy(asc(usersTable.username));
    },
  };
}
export type MessagesRepo = ReturnType<typeof createMessagesRepo>;
