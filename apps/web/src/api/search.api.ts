import { SearchResponseSchema } from '@chatsockets/protocol';
import { request } from './http';

export interface SearchParams {
  q: string;
  chatId?: string;
  cursor?: string;
}

export const searchApi = {
  search: (params: SearchParams, signal?: AbortSignal) =>
    request('GET', '/api/search', SearchResponseSchema, { query: { ...params }, signal }),
};
