import type { Attachment, ErrorCode } from '@chatsockets/protocol';
import type { TimelineItem } from '../../state/merge-messages';

/** What one row shows, whatever its source: a confirmed message or the user's pending copy. */
export interface MessageView {
  author: string;
  mine: boolean;
  createdAt: string;
  body: string;
  attachments: Attachment[];
  status: 'sent' | 'queued' | 'sending' | 'failed';
  edited: boolean;
  deleted: boolean;
  seq: number | null;
  error?: ErrorCode;
}

export function toMessageView(item: TimelineItem, self: { id: string; username: string }): MessageView {
  if (item.kind === 'pending') {
    const p = item.pending;
    return {
      author: self.username,
      mine: true,
      createdAt: p.createdAt,
      body: p.body,
      attachments: p.attachments ?? [],
      status: p.status,
      edited: false,
      deleted: false,
      seq: null,
      error: p.error,
    };
  }
  const m = item.message;
  return {
    author: m.author.username,
    mine: m.author.id === self.id,
    createdAt: m.createdAt,
    body: m.deletedAt ? '' : m.body,
    attachments: m.deletedAt ? [] : (m.attachments ?? []),
    status: 'sent',
    edited: m.editedAt !== null && m.deletedAt === null,
    deleted: m.deletedAt !== null,
    seq: m.seq,
  };
}
