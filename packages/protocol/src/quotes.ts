import type { Message, ReplyRef } from './entities.js';
import { LIMITS } from './limits.js';

/**
 * A reply's quote is a function of its original (docs/PROTOCOL.md › Replies): an edit or delete
 * of the original changes neither the reply nor its rev, so the change feed carries the
 * original's change and not its replies'. The server quotes with this, and a client holding the
 * original quotes it again with this, so both say the same.
 */

/** Something a reader sees: not white space, not an invisible format character (U+200B, ZWJ…). */
const VISIBLE = /[^\s\p{Cf}]/u;
const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * The first line with text in it, trimmed, at most `LIMITS.replyPreviewMax` code points, cut
 * between the characters a reader sees (never inside a ZWJ sequence, a flag or an accent).
 */
export function previewOf(body: string): string {
  const line =
    body
      .split('\n')
      .find((l) => VISIBLE.test(l))
      ?.trim() ?? '';
  if (Array.from(line).length <= LIMITS.replyPreviewMax) return line;
  let kept = '';
  let points = 0;
  for (const { segment } of graphemes.segment(line)) {
    points += Array.from(segment).length;
    if (points > LIMITS.replyPreviewMax) break;
    kept += segment;
  }
  // A first cluster longer than the limit (a letter under hundreds of combining marks) is cut
  // by code points: a preview with no text in it would say nothing.
  if (kept === '') kept = Array.from(line).slice(0, LIMITS.replyPreviewMax).join('');
  // A cut just after a space leaves no space before the ellipsis.
  return `${kept.trimEnd()}…`;
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
