import type { ServerEvent } from '@chatsockets/protocol';
import type { QueryClient } from '@tanstack/react-query';
import { queryKeys } from '../api/query-keys';
import { applyMessageToChats, applyReadSeq, removeChat } from '../features/chats/chats-cache';
import { setPresence } from '../features/chats/presence-cache';
import { mergeIntoChat } from '../features/messages/messages-cache';
import { clearTyping, setTyping } from '../features/messages/typing-cache';

export function assertNever(value: never): never {
  throw new Error(`Unhandled server event: ${JSON.stringify(value)}`);
}

/**
 * The only way socket events reach components: each becomes a query-cache update
 * (ARCHITECTURE › Conventions 8). The switch is exhaustive, so a new event type breaks the build.
 */
export function applyServerEvent(qc: QueryClient, event: ServerEvent, selfId: string): void {
  switch (event.type) {
    case 'message.created':
      mergeIntoChat(qc, event.message.chatId, [event.message]);
      applyMessageToChats(qc, event.message, selfId);
      // Their message arrived, so they are no longer typing it.
      clearTyping(qc, event.message.chatId, event.message.author.id);
      return;
    case 'message.updated':
      mergeIntoChat(qc, event.message.chatId, [event.message]);
      applyMessageToChats(qc, event.message, selfId);
      return;
    case 'typing':
      if (event.active === false) clearTyping(qc, event.chatId, event.user.id);
      else setTyping(qc, event.chatId, event.user);
      return;
    case 'presence':
      setPresence(qc, { [event.user.id]: event.online });
      return;
    case 'member.joined':
      void qc.invalidateQueries({ queryKey: queryKeys.chat(event.chatId) });
      if (event.user.id === selfId) void qc.invalidateQueries({ queryKey: queryKeys.chatList() });
      return;
    case 'member.left':
      if (event.user.id === selfId) removeChat(qc, event.chatId);
      else void qc.invalidateQueries({ queryKey: queryKeys.chat(event.chatId) });
      return;
    case 'read':
      if (event.userId === selfId) applyReadSeq(qc, event.chatId, event.seq);
      void qc.invalidateQueries({ queryKey: ['readers', event.chatId] });
      return;
    default:
      assertNever(event);
  }
}
