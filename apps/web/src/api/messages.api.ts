import { MessagePageSchema, MessageResponseSchema, type SendMessageBody } from '@chatsockets/protocol';
import { request, requestNoContent } from './http';

const messagesPath = (chatId: string) => `/api/chats/${encodeURIComponent(chatId)}/messages`;
const messagePath = (chatId: string, messageId: string) =>
  `${messagesPath(chatId)}/${encodeURIComponent(messageId)}`;

export interface PageCursor {
  beforeSeq?: number;
  afterSeq?: number;
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
};
