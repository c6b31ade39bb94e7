import { type Attachment, type ErrorCode, type Message, quoteOf, type ReplyRef } from '@chatsockets/protocol';

// The one merge every message goes through (ARCHITECTURE › Conventions 8): history pages,
// subscribe catch-up, gap fills, live events and the sender's own pending copies.
// Pure functions only, so the property test can throw any interleaving at them.

/** A message the user wrote that the server has not acknowledged yet (it lives in the outbox). */
export interface PendingMessage {
  clientId: string;
  chatId: string;
  authorId: string;
  body: string;
  /** The message of the same chat this one answers. */
  replyToId?: string;
  /** Files already uploaded (so they survive a reload: only their ids travel with the send). */
  attachments?: Attachment[];
  createdAt: string;
  /** queued: waiting for a connection; sending: in flight; failed: needs the user's retry. */
  status: 'queued' | 'sending' | 'failed';
  /** Why it failed, as the protocol's code (worded in the user's language where shown). */
  error?: ErrorCode;
  /** Failed for want of a connection (not refused): sent again when the socket reconnects. */
  retryable?: boolean;
}

export type TimelineItem =
  | { kind: 'confirmed'; key: string; message: Message }
  | { kind: 'pending'; key: string; pending: PendingMessage };

/**
 * The version with the higher `rev` is the later change: the server takes a chat's revs in
 * commit order, and a delete wins over an edit it races there, not here.
 */
export function isNewerVersion(candidate: Message, current: Message): boolean {
  return candidate.rev > current.rev;
}

/** Two quotes of one original (same id and seq) that say the same. */
const sameQuote = (a: ReplyRef, b: ReplyRef) =>
  a.deleted === b.deleted && a.preview === b.preview && a.author.username === b.author.username;

/**
 * Union of `current` (ascending by seq, no duplicates) and `incoming` (any order, duplicates
 * allowed), ascending by seq, each seq once, each at its newest version. Returns `current`
 * itself when nothing changed so that React can skip the render.
 *
 * A reply whose original is held quotes it as held (`quoteOf`): an edit or delete of the
 * original arrives as the original's change alone, live or in the change feed, and the reply's
 * own copy (and rev) stays as it was (PROTOCOL.md › Replies).
 */
export function mergeMessages(current: readonly Message[], incoming: readonly Message[]): Message[] {
  if (incoming.length === 0) return current as Message[];
  const bySeq = new Map<number, Message>();
  for (const m of current) bySeq.set(m.seq, m);
  const taken = new Set<string>();
  for (const m of incoming) {
    const existing = bySeq.get(m.seq);
    if (!existing || isNewerVersion(m, existing)) {
      bySeq.set(m.seq, m);
      taken.add(m.id);
    }
  }
  if (taken.size === 0) return current as Message[];
  const merged = [...bySeq.values()].sort((a, b) => a.seq - b.seq);
  merged.forEach((m, i) => {
    if (!m.replyTo || !(taken.has(m.id) || taken.has(m.replyTo.id))) return;
    const original = bySeq.get(m.replyTo.seq);
    if (original?.id !== m.replyTo.id) return;
    const quote = quoteOf(original);
    if (!sameQuote(quote, m.replyTo)) merged[i] = { ...m, replyTo: quote };
  });
  return merged;
}

/** The highest seq held, 0 when none: the `afterSeq` of a re-subscribe. */
export function highestSeq(messages: readonly Message[]): number {
  return messages.at(-1)?.seq ?? 0;
}

/** Holes between loaded messages, as exclusive (afterSeq, beforeSeq) ranges to fetch. */
export function findGaps(messages: readonly Message[]): Array<{ afterSeq: number; beforeSeq: number }> {
  const gaps: Array<{ afterSeq: number; beforeSeq: number }> = [];
  for (let i = 1; i < messages.length; i++) {
    const prev = messages[i - 1]!.seq;
    const next = messages[i]!.seq;
    if (next > prev + 1) gaps.push({ afterSeq: prev, beforeSeq: next });
  }
  return gaps;
}

function confirmedKey(m: Message): string {
  return m.clientId ? `${m.author.id}:${m.clientId}` : `id:${m.id}`;
}

/**
 * What the list shows: confirmed messages in seq order, then the pending copies not yet
 * confirmed, oldest first. A pending copy whose clientId the server already confirmed is
 * dropped, and it shares its React key with the confirmed one so the row does not remount.
 */
export function buildTimeline(
  confirmed: readonly Message[],
  pending: readonly PendingMessage[],
): TimelineItem[] {
  const items: TimelineItem[] = confirmed.map((message) => ({
    kind: 'confirmed',
    key: confirmedKey(message),
    message,
  }));
  const seen = new Set(items.map((i) => i.key));
  const waiting = [...pending].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  for (const p of waiting) {
    const key = `${p.authorId}:${p.clientId}`;
    if (seen.has(key)) continue;
    seen.add(key);
    items.push({ kind: 'pending', key, pending: p });
  }
  return items;
}
