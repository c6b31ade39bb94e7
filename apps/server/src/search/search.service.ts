import { LIMITS, type SearchResponse, type Snippet } from '@chatsockets/protocol';
import type { Actor } from '../auth/auth.service.js';
import { authorize, readableChatCondition } from '../chats/access.js';
import type { ChatsRepo } from '../chats/chats.repo.js';
import { isId } from '../db/ids.js';
import { badRequest } from '../errors.js';
import type { FullMessage, MessageWithAuthor } from '../messages/hydrate.js';
import { toMessage } from '../messages/messages.mapper.js';
import { HIT_START, HIT_STOP, type SearchCursor, type SearchRepo } from './search.repo.js';

export interface SearchInput {
  q: string;
  chatId?: string;
  authorId?: string;
  before?: string;
  after?: string;
  cursor?: string;
  limit?: number;
}

/** ts_headline's marked text → plain segments; an unmatched marker (a body holding one) is text. */
export function toSnippet(headline: string): Snippet {
  const out: Snippet = [];
  const push = (text: string, hit: boolean) => {
    if (!text) return;
    const last = out[out.length - 1];
    if (last && last.hit === hit) last.text += text;
    else out.push({ text, hit });
  };
  let rest = headline;
  while (rest.length) {
    const start = rest.indexOf(HIT_START);
    const stop = start < 0 ? -1 : rest.indexOf(HIT_STOP, start + 1);
    if (start < 0 || stop < 0) {
      push(rest.replaceAll(HIT_START, '').replaceAll(HIT_STOP, ''), false);
      break;
    }
    push(rest.slice(0, start).replaceAll(HIT_STOP, ''), false);
    push(rest.slice(start + 1, stop), true);
    rest = rest.slice(stop + 1);
  }
  return out;
}

const encodeCursor = (c: SearchCursor) =>
  Buffer.from(JSON.stringify([c.rank, c.createdUs, c.id])).toString('base64url');

function decodeCursor(token: string): SearchCursor {
  try {
    const [rank, createdUs, id] = JSON.parse(Buffer.from(token, 'base64url').toString()) as unknown[];
    if (
      typeof rank === 'number' &&
      Number.isFinite(rank) &&
      typeof createdUs === 'string' &&
      /^-?\d{1,19}$/.test(createdUs) &&
      typeof id === 'string' &&
      isId(id)
    ) {
      return { rank, createdUs, id };
    }
  } catch {}
  throw badRequest('Invalid cursor', [
    { path: 'cursor', message: 'must be a nextCursor from a previous page' },
  ]);
}

export function createSearchService(deps: {
  search: SearchRepo;
  chats: ChatsRepo;
  /** What a `Message` shows besides its row (the reply it answers, its reactions). */
  hydrate: (rows: MessageWithAuthor[]) => Promise<FullMessage[]>;
}) {
  const { search, chats } = deps;
  return {
    async search(actor: Actor, input: SearchInput): Promise<SearchResponse> {
      const userId = actor.user.id;
      // A named chat the caller may not read is the usual 404/403, not an empty page.
      if (input.chatId !== undefined) await authorize(chats, input.chatId, userId, 'read');
      const cursor = input.cursor === undefined ? undefined : decodeCursor(input.cursor);
      const empty = (notice: SearchResponse['notice']): SearchResponse => ({
        results: [],
        nextCursor: null,
        notice,
      });
      // An author id that cannot exist matches nobody.
      if (input.authorId !== undefined && !isId(input.authorId)) return empty(null);
      if (!(await search.hasTerms(input.q))) return empty('no-terms');
      const limit = input.limit ?? LIMITS.searchPageDefault;
      const rows = await search.search({
        query: input.q,
        readable: (column) => readableChatCondition(column, userId, input.chatId),
        chatId: input.chatId,
        authorId: input.authorId,
        before: input.before === undefined ? undefined : new Date(input.before),
        after: input.after === undefined ? undefined : new Date(input.after),
        cursor,
        limit: limit + 1,
      });
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      const full = await deps.hydrate(page.map((r) => ({ message: r.message, author: r.author })));
      return {
        results: page.map((r, i) => ({
          message: toMessage(full[i]!),
          snippet: toSnippet(r.headline),
        })),
        nextCursor: rows.length > limit && last ? encodeCursor(last.cursor) : null,
        notice: null,
      };
    },
  };
}

export type SearchService = ReturnType<typeof createSearchService>;
