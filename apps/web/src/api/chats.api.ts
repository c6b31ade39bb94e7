import {
  ChangesResponseSchema,
  type Chat,
  ChatDetailResponseSchema,
  ChatListPageSchema,
  type ChatListResponse,
  ChatListResponseSchema,
  ChatResponseSchema,
  type CreateChatBody,
  type CreateInviteBody,
  InviteListResponseSchema,
  InvitePreviewResponseSchema,
  InviteResponseSchema,
  LIMITS,
  MemberResponseSchema,
  type UpdateChatBody,
  type UpdateMemberBody,
} from '@chatsockets/protocol';
import { request, requestNoContent } from './http';

const chatPath = (chatId: string) => `/api/chats/${encodeURIComponent(chatId)}`;

export const chatsApi = {
  /** Every chat of the caller, read a page at a time (the server pages the list). */
  list: async (signal?: AbortSignal): Promise<ChatListResponse> => {
    const page = (cursor?: string) =>
      request('GET', '/api/chats', ChatListPageSchema, {
        query: { limit: LIMITS.chatPageMax, cursor },
        signal,
      });
    // By id, the copy read last: a chat another chat's activity pushed onto the next page comes twice.
    const byId = new Map<string, Chat>();
    let cursor: string | undefined;
    let pages = 0;
    do {
      const next = await page(cursor);
      pages++;
      for (const chat of next.chats) byId.set(chat.id, chat);
      cursor = next.nextCursor ?? undefined;
    } while (cursor);
    // A chat whose activity moved while later pages were read went above the cursor, where no
    // later page looks, and no live event names a chat the app does not know. It is at the top
    // now: the first page, read again, has it.
    if (pages > 1) for (const chat of (await page()).chats) byId.set(chat.id, chat);
    return { chats: [...byId.values()] };
  },
  searchPublic: (q: string, signal?: AbortSignal) =>
    request('GET', '/api/chats/public', ChatListResponseSchema, { query: { q: q || undefined }, signal }),
  create: (body: CreateChatBody) => request('POST', '/api/chats', ChatResponseSchema, { body }),
  direct: (username: string) =>
    request('POST', '/api/chats/direct', ChatResponseSchema, { body: { username } }),
  detail: (chatId: string, signal?: AbortSignal) =>
    request('GET', chatPath(chatId), ChatDetailResponseSchema, { signal }),
  join: (chatId: string) => request('POST', `${chatPath(chatId)}/join`, ChatResponseSchema),
  addMember: (chatId: string, username: string) =>
    request('POST', `${chatPath(chatId)}/members`, MemberResponseSchema, { body: { username } }),
  setRole: (chatId: string, userId: string, body: UpdateMemberBody) =>
    request('PATCH', `${chatPath(chatId)}/members/${encodeURIComponent(userId)}`, MemberResponseSchema, {
      body,
    }),
  removeMember: (chatId: string, userId: string) =>
    requestNoContent('DELETE', `${chatPath(chatId)}/members/${encodeURIComponent(userId)}`),
  /** The chat's changes after `afterRev` (docs/PROTOCOL.md › Change cursor). */
  changes: (chatId: string, afterRev: number, signal?: AbortSignal) =>
    request('GET', `${chatPath(chatId)}/changes`, ChangesResponseSchema, {
      query: { afterRev: String(afterRev) },
      signal,
    }),
  /** The owner renames the chat or sets its description. */
  update: (chatId: string, body: UpdateChatBody) =>
    request('PATCH', chatPath(chatId), ChatResponseSchema, { body }),
  /** The owner deletes the chat for everyone. */
  remove: (chatId: string) => requestNoContent('DELETE', chatPath(chatId)),
  invites: (chatId: string, signal?: AbortSignal) =>
    request('GET', `${chatPath(chatId)}/invites`, InviteListResponseSchema, { signal }),
  createInvite: (chatId: string, body: CreateInviteBody) =>
    request('POST', `${chatPath(chatId)}/invites`, InviteResponseSchema, { body }),
  revokeInvite: (chatId: string, inviteId: string) =>
    requestNoContent('DELETE', `${chatPath(chatId)}/invites/${encodeURIComponent(inviteId)}`),
  previewInvite: (token: string, signal?: AbortSignal) =>
    request('GET', `/api/invites/${encodeURIComponent(token)}`, InvitePreviewResponseSchema, { signal }),
  joinByInvite: (token: string) =>
    request('POST', `/api/invites/${encodeURIComponent(token)}/join`, ChatResponseSchema),
  mute: (chatId: string, muted: boolean) =>
    requestNoContent('PUT', `${chatPath(chatId)}/mute`, { body: { muted } }),
  markRead: (chatId: string, seq: number) =>
    requestNoContent('POST', `${chatPath(chatId)}/read`, { body: { seq } }),
};
