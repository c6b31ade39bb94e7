import { LIMITS } from '@chatsockets/protocol';
import type { QueryClient } from '@tanstack/react-query';
import { messagesApi } from '../api/messages.api';
import { messagesQuery } from '../api/queries';
import { getChatMessages, mergeIntoChat, setHasOlder } from '../state/messages';
import { useRoute } from '../stores/route.store';
import { catchUp, hasGaps } from './catch-up';

/**
 * Makes `seq` part of the chat's loaded messages: the page around it (`aroundSeq`), then every
 * message between it and what was already held, so the one list stays contiguous (the same
 * hole filling as a catch-up). Loads the chat first if it never was.
 */
export async function loadAround(qc: QueryClient, chatId: string, seq: number): Promise<void> {
  await qc.ensureQueryData(messagesQuery(chatId));
  const held = getChatMessages(qc, chatId);
  if (!held || held.messages.some((m) => m.seq === seq)) return;
  const oldest = held.messages[0]?.seq;
  const page = await messagesApi.page(chatId, { aroundSeq: seq, limit: LIMITS.pageDefault });
  mergeIntoChat(qc, chatId, page.messages);
  if (oldest === undefined || (page.messages[0]?.seq ?? oldest) < oldest)
    setHasOlder(qc, chatId, page.hasMore);
  // A catch-up already running may have started before this page was merged: once it is
  // done, one more fills the hole this page left, if any.
  await catchUp(qc, chatId);
  if (hasGaps(qc, chatId)) await catchUp(qc, chatId);
}

/**
 * Jump to a message (a reply's quote, a pin, a search result): opens its chat, loads history
 * around it when it is not loaded, then the list scrolls to it and highlights it for a moment.
 */
export async function jumpToMessage(qc: QueryClient, chatId: string, seq: number): Promise<void> {
  await loadAround(qc, chatId, seq);
  useRoute.getState().jumpTo(chatId, seq);
}
