import { type ChatDetailResponse, type ChatListResponse, LIMITS } from '@chatsockets/protocol';
import { type QueryClient, queryOptions, replaceEqualDeep } from '@tanstack/react-query';
import { findChat, reconcileChatLists } from '../state/chats';
import { reconcileDetail } from '../state/members';
import { highestSeq, mergeMessages } from '../state/merge-messages';
import type { ChatMessages } from '../state/messages';
import { queryKeys } from '../state/query-keys';
import { authApi } from './auth.api';
import { chatsApi } from './chats.api';
import { messagesApi } from './messages.api';

/** How far back the first load goes to reach the first unread message. */
const MAX_INITIAL_MESSAGES = 600;

export const meQuery = () =>
  queryOptions({
    queryKey: queryKeys.me(),
    queryFn: ({ signal }) => authApi.me(signal),
    staleTime: Infinity,
  });

/**
 * The caller's chats. `member.joined`/`member.left` events for the caller change it at once
 * (docs/PROTOCOL.md › Additions); the slow poll is only a safety net for an event lost while the
 * socket was down between a reconnect's resubscribe and its list refetch.
 */
export const chatListQuery = () =>
  queryOptions({
    queryKey: queryKeys.chatList(),
    queryFn: ({ signal }) => chatsApi.list(signal),
    refetchInterval: 60_000,
    structuralSharing: (old, next) =>
      reconcileChatLists(old as ChatListResponse | undefined, next as ChatListResponse),
  });

export const publicChatsQuery = (q: string) =>
  queryOptions({
    queryKey: queryKeys.publicChats(q),
    queryFn: ({ signal }) => chatsApi.searchPublic(q, signal),
    staleTime: 5_000,
  });

const isDetail = (value: unknown): value is ChatDetailResponse =>
  typeof value === 'object' && value !== null && Array.isArray((value as ChatDetailResponse).members);

/**
 * A chat and its members. Kept current by member and read events; refetched on focus and when
 * the members panel opens (role changes are not pushed). A refetch keeps the newer watermarks.
 */
export const chatDetailQuery = (chatId: string) =>
  queryOptions({
    queryKey: queryKeys.chat(chatId),
    queryFn: ({ signal }) => chatsApi.detail(chatId, signal),
    // Also applied to what an observer's `select` returns (SeenBy's names): only a whole
    // detail is reconciled.
    structuralSharing: (old, next) =>
      replaceEqualDeep(old, isDetail(old) && isDetail(next) ? reconcileDetail(old, next) : next),
  });

async function loadLatestMessages(
  client: QueryClient,
  chatId: string,
  signal: AbortSignal,
): Promise<ChatMessages> {
  const first = await messagesApi.page(chatId, { limit: LIMITS.pageDefault }, signal);
  let messages = mergeMessages([], first.messages);
  let hasOlder = first.hasMore;
  // Reach back to the first unread message, so that opening the chat can jump to it.
  const chat = findChat(client, chatId);
  const readSeq = chat ? chat.readSeq : 0;
  while (hasOlder && (messages[0]?.seq ?? 0) > readSeq + 1 && messages.length < MAX_INITIAL_MESSAGES) {
    const older = await messagesApi.page(
      chatId,
      { beforeSeq: messages[0]!.seq, limit: LIMITS.pageMax },
      signal,
    );
    messages = mergeMessages(messages, older.messages);
    hasOlder = older.hasMore;
  }
  // Live events that arrived while this loaded moved the list's lastSeq: fetch up to it.
  let target = findChat(client, chatId)?.lastSeq ?? 0;
  while (highestSeq(messages) < target) {
    const newer = await messagesApi.page(
      chatId,
      { afterSeq: highestSeq(messages), limit: LIMITS.pageMax },
      signal,
    );
    if (newer.messages.length === 0) break;
    messages = mergeMessages(messages, newer.messages);
    target = findChat(client, chatId)?.lastSeq ?? 0;
  }
  return { messages, hasOlder };
}

/**
 * A chat's messages: loaded once, then kept current by socket events and catch-up, never
 * refetched wholesale (a refetch would race the live merges).
 */
export const messagesQuery = (chatId: string) =>
  queryOptions({
    queryKey: queryKeys.messages(chatId),
    queryFn: ({ client, signal }) => loadLatestMessages(client, chatId, signal),
    staleTime: Infinity,
    refetchOnWindowFocus: false,
    refetchOnReconnect: false,
  });

/** A group chat's invite links (owners and admins). */
export const invitesQuery = (chatId: string) =>
  queryOptions({
    queryKey: queryKeys.invites(chatId),
    queryFn: ({ signal }) => chatsApi.invites(chatId, signal),
  });

/** What an invite link leads to; a dead link's 410 is an answer, not worth retrying. */
export const invitePreviewQuery = (token: string) =>
  queryOptions({
    queryKey: queryKeys.invitePreview(token),
    queryFn: ({ signal }) => chatsApi.previewInvite(token, signal),
    retry: false,
  });

/** A chat's pinned messages, latest pin first; kept current by message events (state/pins.ts). */
export const pinsQuery = (chatId: string) =>
  queryOptions({
    queryKey: queryKeys.pins(chatId),
    queryFn: async ({ signal }) => (await messagesApi.pins(chatId, signal)).messages,
    staleTime: Infinity,
  });
