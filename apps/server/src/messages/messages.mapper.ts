import type { Message } from '@chatsockets/protocol';
import type { MessageRow } from './messages.repo.js';

/** The only row → Message step. */
export const toMessage = (row: MessageRow, author: { id: string; username: string }): Message => ({
  id: row.id,
  chatId: row.chatId,
  seq: row.seq,
  author: { id: author.id, username: author.username },
  body: row.body,
  clientId: row.clientId,
  createdAt: row.createdAt.toISOString(),
  editedAt: row.editedAt?.toISOString() ?? null,
  deletedAt: row.deletedAt?.toISOString() ?? null,
  rev: row.rev,
  attachments: row.deletedAt ? [] : (row.attachments ?? []),
});
