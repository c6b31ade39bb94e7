import { and, eq, sql } from 'drizzle-orm';
import { anyOf } from '../db/any-of.js';
import type { Tx } from '../db/chat-rev.js';
import type { Db } from '../db/client.js';
import { rowsOf } from '../db/ids.js';
import { attachmentsTable, usersTable } from '../db/schema.js';

export type AttachmentRow = typeof attachmentsTable.$inferSelect;
export type NewAttachment = typeof attachmentsTable.$inferInsert;
export type BlobKeys = Pick<AttachmentRow, 'id' | 'blobKey' | 'thumbKey'>;

/** The message an attachment is on (via its claim), if that message exists. */
export interface AttachmentWithMessage {
  attachment: AttachmentRow;
  message: { id: string; deletedAt: Date | null } | undefined;
}

export function createAttachmentsRepo(db: Db) {
  return {
    async insert(row: NewAttachment): Promise<AttachmentRow> {
      const [inserted] = await db.insert(attachmentsTable).values(row).returning();
      if (!inserted) throw new Error('attachment insert returned nothing');
      return inserted;
    },

    /**
     * Inserts the upload unless the user's uploads would then take more than `quotaBytes`
     * (`undefined`). Counted under a lock on the user's row, so a user's concurrent uploads
     * are counted one after another: each sees the ones committed before it, and together
     * they cannot pass the quota that each alone would fit in.
     */
    async insertWithinQuota(row: NewAttachment, quotaBytes: number): Promise<AttachmentRow | undefined> {
      return db.transaction(async (tx) => {
        await tx
          .select({ id: usersTable.id })
          .from(usersTable)
          .where(eq(usersTable.id, row.uploaderId))
          .for('update');
        const [usage] = await tx
          .select({ used: sql<string>`coalesce(sum(${attachmentsTable.size}), 0)` })
          .from(attachmentsTable)
          .where(eq(attachmentsTable.uploaderId, row.uploaderId));
        if (Number(usage?.used ?? 0) + row.size > quotaBytes) return undefined;
        const [inserted] = await tx.insert(attachmentsTable).values(row).returning();
        return inserted;
      });
    },

    async findByClientId(uploaderId: string, clientId: string): Promise<AttachmentRow | undefined> {
      const [row] = await db
        .select()
        .from(attachmentsTable)
        .where(and(eq(attachmentsTable.uploaderId, uploaderId), eq(attachmentsTable.clientId, clientId)));
      return row;
    },

    /** Bytes the user's uploads take now (attached or not). */
    async usedBytes(uploaderId: string): Promise<number> {
      const [row] = await db
        .select({ used: sql<string>`coalesce(sum(${attachmentsTable.size}), 0)` })
        .from(attachmentsTable)
        .where(eq(attachmentsTable.uploaderId, uploaderId));
      return Number(row?.used ?? 0);
    },

    async findWithMessage(id: string): Promise<AttachmentWithMessage | undefined> {
      const result = await db.execute(sql`
        select a.id, m.id as message_id, m.deleted_at
        from attachments a
        left join messages m on m.author_id = a.uploader_id and m.chat_id = a.chat_id
                            and m.client_id = a.message_client_id
        where a.id = ${id}`);
      const [hit] = rowsOf<{ id: string; message_id: string | null; deleted_at: Date | string | null }>(
        result,
      );
      if (!hit) return undefined;
      const [attachment] = await db.select().from(attachmentsTable).where(eq(attachmentsTable.id, id));
      if (!attachment) return undefined;
      return {
        attachment,
        message: hit.message_id
          ? { id: hit.message_id, deletedAt: hit.deleted_at ? new Date(hit.deleted_at) : null }
          : undefined,
      };
    },

    /**
     * Claims the uploader's attachments for a send (chat + clientId), in the given order. An
     * attachment is claimable when unclaimed, already claimed by this same send (a retry), or
     * claimed by a send that never produced a message. Returns how many it claimed: fewer than
     * asked means some id is unknown, someone else's, or on another message.
     */
    async claim(
      tx: Tx,
      uploaderId: string,
      chatId: string,
      messageClientId: string,
      ids: string[],
    ): Promise<number> {
      // Locked first, and checked by the next statement, which sees what committed while it
      // waited: the update alone would recheck a row another send had just claimed against its
      // own older snapshot, where that send's message did not exist yet, and take it.
      await tx.execute(sql`
        select 1 from attachments
         where id in (select x::uuid from jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb) x)
           and uploader_id = ${uploaderId}
         order by id for update`);
      const result = await tx.execute(sql`
        update attachments a
           set chat_id = ${chatId}, message_client_id = ${messageClientId}, position = w.ord
          from (select x.id::uuid as id, x.ord::integer as ord
                  from jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb) with ordinality as x(id, ord)) w
         where a.id = w.id and a.uploader_id = ${uploaderId}
           and (a.message_client_id is null
                or (a.chat_id = ${chatId} and a.message_client_id = ${messageClientId})
                -- Claimed by a send that never stored its message. Not a deleted chat's file
                -- (claimed, its chat gone): that one waits for the sweep.
                or a.chat_id is not null and not exists (select 1 from messages m
                                where m.author_id = a.uploader_id and m.chat_id = a.chat_id
                                  and m.client_id = a.message_client_id))
        returning a.id`);
      return rowsOf(result).length;
    },

    /** The rows of a (deleted) message's attachments. */
    async forMessage(authorId: string, chatId: string, clientId: string): Promise<BlobKeys[]> {
      return db
        .select({
          id: attachmentsTable.id,
          blobKey: attachmentsTable.blobKey,
          thumbKey: attachmentsTable.thumbKey,
        })
        .from(attachmentsTable)
        .where(
          and(
            eq(attachmentsTable.uploaderId, authorId),
            eq(attachmentsTable.chatId, chatId),
            eq(attachmentsTable.messageClientId, clientId),
          ),
        );
    },

    async deleteByIds(ids: string[]): Promise<void> {
      if (ids.length === 0) return;
      await db.delete(attachmentsTable).where(anyOf(attachmentsTable.id, ids));
    },

    /** Rows of deleted messages (their blobs are deleted first, then they), bounded per call. */
    async ofDeletedMessages(max = 500): Promise<BlobKeys[]> {
      const result = await db.execute(sql`
        select a.id, a.blob_key, a.thumb_key from attachments a
        join messages m on m.author_id = a.uploader_id and m.chat_id = a.chat_id
                       and m.client_id = a.message_client_id
        where m.deleted_at is not null
        limit ${max}`);
      return rowsOf<{ id: string; blob_key: string; thumb_key: string | null }>(result).map((r) => ({
        id: r.id,
        blobKey: r.blob_key,
        thumbKey: r.thumb_key,
      }));
    },

    /**
     * Uploads older than `olderThan` that no committed message claims, and at any age the files
     * of deleted chats (claimed, their chat set null: drizzle/0017). Deleted here, before their
     * blobs (a send could still claim a row that is left), returned for their blobs; bounded
     * per call.
     */
    async deleteUnsent(olderThan: Date, max = 500): Promise<BlobKeys[]> {
      const result = await db.execute(sql`
        delete from attachments where id in (
          select a.id from attachments a
          left join messages m on m.author_id = a.uploader_id and m.chat_id = a.chat_id
                              and m.client_id = a.message_client_id
          where m.id is null
            and (a.created_at < ${olderThan.toISOString()}::timestamptz
                 or (a.chat_id is null and a.message_client_id is not null))
          limit ${max})
        returning id, blob_key, thumb_key`);
      return rowsOf<{ id: string; blob_key: string; thumb_key: string | null }>(result).map((r) => ({
        id: r.id,
        blobKey: r.blob_key,
        thumbKey: r.thumb_key,
      }));
    },
  };
}

export type AttachmentsRepo = ReturnType<typeof createAttachmentsRepo>;
