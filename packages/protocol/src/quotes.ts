import type { Message, ReplyRef } from './entities.js';
import { LIMITS } from './limits.js';

/**
 * A reply's quote is a function of its original (docs/PROTOCOL.md › Replies): an edit or delete
 * of the original changes neither the reply nor its rev, so the change feed carries the
 * original's change and not its replies'. The server quotes with this, and a client holding the
 * original quotes it again with this, so both say the same.
 */

/** The first line with text in it, trimmed, cut on a code point (never half an emoji). */
export function previewOf(body: string): string {
  const line = body.trim().split('\n', 1)[0]!.trim();
  const points = Array.from(line);
  return points.length <= LIMITS.replyPreviewMax
    ? line
    : `${points.slice(0, LIMITS.replyPreviewMax).join('')}…`;
}

/** What a reply to `original`, as it is now, shows of it. */
export function quoteOf(
  original: Pick<Message, 'id' | 'seq' | 'body'> & {
    author: Pick<Message['author'], 'id' | 'username'>;
    deletedAt: Message['deletedAt'] | Date;
  },
): ReplyRef {
  const deleted = original.deletedAt !== null;
  return {
    id: original.id,
    seq: original.seq,
    author: { id: original.author.id, username: original.author.username },
    preview: deleted ? '' : previewOf(original.body),
    deleted,
  };
}
