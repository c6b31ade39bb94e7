import type { ServerEvent } from '@chatsockets/protocol';
import type { QueryClient } from '@tanstack/react-query';
import {
  applyChatInfo,
  applyMessageToChats,
  applyMuted,
  applyReadSeq,
  applyRole,
  findChat,
  removeChat,
} from '../state/chats';
import { addMember, applyMemberReadSeq, putMember, removeMember } from '../state/members';
import { mergeIntoChat } from '../state/messages';
import { applyUserUpdate, applyWentOffline } from '../state/people';
import { applyPinnedState } from '../state/pins';
import { setPresence } from '../state/presence';
import { queryKeys } from '../state/query-keys';
import { applyReactionEvent } from '../state/reactions';
import { clearRemoved, markRemoved } from '../state/removed';
import { clearTyping, setTyping } from '../state/typing';

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
      // Sending moves the author's own watermark to their message (the server does the same).
      applyMemberReadSeq(qc, event.message.chatId, event.message.author.id, event.message.seq);
      // Their message arrived, so they are no longer typing it.
      clearTyping(event.message.chatId, event.message.author.id);
      return;
    case 'message.updated':
      mergeIntoChat(qc, event.message.chatId, [event.message]);
      applyMessageToChats(qc, event.message, selfId);
      // Pins and unpins (and a delete, which unpins) come as updates of the message.
      applyPinnedState(qc, event.message);
      return;
    case 'reaction.added':
    case 'reaction.removed':
      applyReactionEvent(qc, event);
      return;
    case 'typing':
      if (event.active === false) clearTyping(event.chatId, event.user.id);
      else setTyping(event.chatId, event.user);
      return;
    case 'presence':
      setPresence({ [event.user.id]: event.online });
      if (!event.online) applyWentOffline(qc, event.user);
      return;
    case 'member.joined':
      // Also sent to the caller's own sockets when they were added, or a direct chat was started
      // with them (then `user` is the one who started it): a chat we do not list yet is new to us.
      if (event.user.id === selfId) clearRemoved(event.chatId);
      if (event.user.id === selfId || !findChat(qc, event.chatId)) {
        void qc.invalidateQueries({ queryKey: queryKeys.chatList() });
      }
      if (event.user.id !== selfId)
        addMember(qc, event.chatId, event.user, {
          rev: event.rev,
          lastSeq: findChat(qc, event.chatId)?.lastSeq ?? 0,
        });
      // Role, joinedAt and watermark come from the server.
      void qc.invalidateQueries({ queryKey: queryKeys.chat(event.chatId) });
      return;
    case 'member.left':
      if (event.user.id === selfId) {
        // Dropping it from the list also drops its subscription (ChatSync follows the list).
        markRemoved(event.chatId, 'removed');
        removeChat(qc, event.chatId);
      } else {
        removeMember(qc, event.chatId, event.user.id);
      }
      return;
    case 'member.updated':
      // A role change: the members panel, and what the caller may do, follow at once.
      putMember(qc, event.chatId, event.member);
      if (event.member.user.id === selfId) {
        applyRole(qc, event.chatId, event.member.role);
        // What the caller may do now comes from the server (Chat.capabilities).
        void qc.invalidateQueries({ queryKey: queryKeys.chatList() });
      }
      return;
    case 'read':
      // Now also sent to the chat's subscribers: only our own moves our marker and badge; any
      // user's moves their watermark, from which "Seen by" is computed.
      if (event.userId === selfId) applyReadSeq(qc, event.chatId, event.seq);
      applyMemberReadSeq(qc, event.chatId, event.userId, event.seq);
      return;
    case 'chat.updated':
      applyChatInfo(qc, event.chatId, event);
      return;
    case 'chat.muted':
      applyMuted(qc, event.chatId, event.muted);
      return;
    case 'user.updated':
      applyUserUpdate(qc, event.user);
      return;
    case 'chat.deleted':
      // Dropping it from the list also drops its subscription; an open chat says it was deleted.
      markRemoved(event.chatId, 'deleted');
      removeChat(qc, event.chatId);
      return;
    default:
      assertNever(event);
  }
}
