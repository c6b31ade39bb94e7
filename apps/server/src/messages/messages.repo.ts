import { and, asc, desc, eq, gt, gte, lt, ne, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { rowsOf } from '../db/ids.js';
import { chatMembersTable, chatsTable, messagesTable, usersTable } from '../db/schema.js';

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

/** Thrown inside the send transaction to roll it back when the clientId was already used. */
class DuplicateSend extends Error {}

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
     * The send path (ARCHITECTURE.md › The one idea). One statement inside one transaction:
     * bump chats.last_seq (the row lock orders a chat's sends; a rollback un-bumps it, so no gap,
     * unlike a SEQUENCE), insert at that seq, move the author's read marker. If the clientId
     * was used before, the insert does nothing and we roll back: a repeat burns no seq.
     */
    async send(input: {
      chatId: string;
      authorId: string;
      clientId: string;
      body: string;
    }): Promise<MessageWithAuthor & { created: boolean }> {
      try {
        const row = await db.transaction(async (tx) => {
          const result = await tx.execute(sql`
            with c as (
              update chats set last_seq = last_seq + 1, last_activity_at = now()
              where id = ${input.chatId} returning id, last_seq
            ), m as (
              insert into messages (chat_id, seq, author_id, client_id, body)
              select c.id, c.last_seq, ${input.authorId}, ${input.clientId}, ${input.body} from c
              on conflict (author_id, chat_id, client_id) do nothing
              returning id, chat_id, seq, author_id, client_id, body, created_at
            ), r as (
              update chat_members set read_seq = m.seq from m
              where chat_members.chat_id = m.chat_id and chat_members.user_id = m.author_id
                and chat_members.read_seq < m.seq
            )
            select m.*, u.username from m join users u on u.id = m.author_id`);
          const [sent] = rowsOf<SentRow>(result);
          if (!sent) throw new DuplicateSend();
          return sent;
        });
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
        if (!(err instanceof DuplicateSend)) throw err;
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
