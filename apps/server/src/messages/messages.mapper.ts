import { type Message, mentionsOf } from '@chatsockets/protocol';
import type { FullMessage } from './hydrate.js';

/** The only row → Message step; rows come through `hydrate` so every copy is whole. */
export const toMessage = ({ message: row, author, replyTo, reactions }: FullMessage): Message => ({
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
  replyTo,
  reactions,
  pinnedAt: row.pinnedAt?.toISOString() ?? null,
  // The same rule as the stored column (drizzle/0010), from the body the client also sees.
  mentions: row.deletedAt ? [] : mentionsOf(row.body),
  attachments: row.deletedAt ? [] : (row.attachments ?? []),
});
