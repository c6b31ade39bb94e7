import type { Message } from '@chatsockets/protocol';
import type { QueryClient } from '@tanstack/react-query';
import { mergeMessages } from './merge-messages';
import { queryKeys } from './query-keys';

/** The one cache entry per chat that every message source merges into. */
export interface ChatMessages {
  /** Ascending by seq, each seq once (see merge-messages.ts). */
  messages: Message[];
  /** Older messages exist on the server before `messages[0]`. */
  hasOlder: boolean;
}

export function getChatMessages(qc: QueryClient, chatId: string): ChatMessages | undefined {
  return qc.getQueryData<ChatMessages>(queryKeys.messages(chatId));
}

/**
 * Merges messages into a chat's entry if the chat is loaded. An unloaded chat is skipped: its
 * first load reads the server, and catches up to the chat list's lastSeq (see queries.ts).
 */
export function mergeIntoChat(qc: QueryClient, chatId: string, incoming: readonly Message[]): boolean {
  const current = getChatMessages(qc, chatId);
  if (!current) return false;
  const messages = mergeMessages(current.messages, incoming);
  if (messages !== current.messages) {
    qc.setQueryData<ChatMessages>(queryKeys.messages(chatId), { ...current, messages });
  }
  return true;
}

export function setHasOlder(qc: QueryClient, chatId: string, hasOlder: boolean): void {
  const current = getChatMessages(qc, chatId);
  if (current && current.hasOlder !== hasOlder) {
    qc.setQueryData<ChatMessages>(queryKeys.messages(chatId), { ...current, hasOlder });
  }
}
