import {
  MessagePageSchema,
  MessageResponseSchema,
  PinsResponseSchema,
  type SendMessageBody,
} from '@chatsockets/protocol';
import { request, requestNoContent } from './http';

const messagesPath = (chatId: string) => `/api/chats/${encodeURIComponent(chatId)}/messages`;
const messagePath = (chatId: string, messageId: string) =>
  `${messagesPath(chatId)}/${encodeURIComponent(messageId)}`;

export interface PageCursor {
  beforeSeq?: number;
  afterSeq?: number;
  /** The page around a message (a jump to one not loaded); not with the other cursors. */
  aroundSeq?: number;
  limit?: number;
}

export const messagesApi = {
  page: (chatId: string, cursor: PageCursor = {}, signal?: AbortSignal) =>
    request('GET', messagesPath(chatId), MessagePageSchema, { query: { ...cursor }, signal }),
  send: (chatId: string, body: SendMessageBody) =>
    request('POST', messagesPath(chatId), MessageResponseSchema, { body }),
  edit: (chatId: string, messageId: string, body: string) =>
    request('PATCH', messagePath(chatId, messageId), MessageResponseSchema, { body: { body } }),
  remove: (chatId: string, messageId: string) => requestNoContent('DELETE', messagePath(chatId, messageId)),
  react: (chatId: string, messageId: string, emoji: string, on: boolean) =>
    requestNoContent(
      on ? 'PUT' : 'DELETE',
      `${messagePath(chatId, messageId)}/reactions/${encodeURIComponent(emoji)}`,
    ),
  pin: (chatId: string, messageId: string, on: boolean) =>
    request(on ? 'PUT' : 'DELETE', `${messagePath(chatId, messageId)}/pin`, MessageResponseSchema),
  pins: (chatId: string, signal?: AbortSignal) =>
    request('GET', `/api/chats/${encodeURIComponent(chatId)}/pins`, PinsResponseSchema, { signal }),
};
