import { LIMITS } from '@chatsockets/protocol';
import type { QueryClient } from '@tanstack/react-query';
import { messagesApi } from '../api/messages.api';
import { findGaps, highestSeq } from '../state/merge-messages';
import { getChatMessages, mergeIntoChat } from '../state/messages';

const running = new Map<string, Promise<void>>();

/** One catch-up per chat at a time; a second caller waits for the first. */
function once(chatId: string, work: () => Promise<void>): Promise<void> {
  const existing = running.get(chatId);
  if (existing) return existing;
  const p = work().finally(() => running.delete(chatId));
  running.set(chatId, p);
  return p;
}

/**
 * Fetches over HTTP what the socket did not deliver (PROTOCOL.md › Delivery): every hole between
 * loaded messages (seq n then n+2), then everything after the highest seq held when the
 * subscribe reply said `hasMore`.
 */
export function catchUp(qc: QueryClient, chatId: string, opts: { tail?: boolean } = {}): Promise<void> {
  return once(chatId, async () => {
    for (let round = 0; round < 50; round++) {
      const held = getChatMessages(qc, chatId)?.messages;
      if (!held) return;
      const gap = findGaps(held)[0];
      const cursor = gap ?? (opts.tail ? { afterSeq: highestSeq(held) } : undefined);
      if (!cursor) return;
      const page = await messagesApi.page(chatId, { ...cursor, limit: LIMITS.pageMax });
      mergeIntoChat(qc, chatId, page.messages);
      if (!gap && !page.hasMore) return;
      // No progress on a gap the server cannot fill: stop rather than spin.
      if (page.messages.length === 0) return;
    }
  });
}

export function hasGaps(qc: QueryClient, chatId: string): boolean {
  const held = getChatMessages(qc, chatId)?.messages;
  return held ? findGaps(held).length > 0 : false;
}
