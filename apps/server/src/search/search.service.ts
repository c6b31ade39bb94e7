import { LIMITS, type SearchResponse, type Snippet } from '@chatsockets/protocol';
import type { Actor } from '../auth/auth.service.js';
import { authorize, readableChatCondition } from '../chats/access.js';
import type { ChatsRepo } from '../chats/chats.repo.js';
import { isId } from '../db/ids.js';
import { badRequest } from '../errors.js';
import { toMessage } from '../messages/messages.mapper.js';
import {
  HIT_START,
  HIT_STOP,
  type RankCursor,
  type SearchFilter,
  type SearchRepo,
  type SearchScope,
  type StretchRange,
} from './search.repo.js';

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

/*
 * Results come a stretch of time at a time, newest first, and by rank within a stretch: a word
 * in a third of all messages would otherwise have every one of them ranked for every page. The
 * newest stretch holds about `stretchMessages` of the caller's messages (at their average
 * rate); each older one is sized from the matches the one before held, to hold about as many
 * matches: a common word's first page ranks only the newest stretch, a rare word's matches are
 * all in the second.
 */
const MIN_SPAN_US = 60_000_000;

/** A position in the results: a stretch of time, then the last result's place within it. */
interface Cursor {
  range: StretchRange;
  /** The oldest message searched (µs): the stretch reaching it has no lower bound. */
  oldestUs: number;
  after: RankCursor;
}

function firstRange(first: number, scope: SearchScope, before?: Date, after?: Date) {
  const topUs = Math.min(scope.nowUs, before ? before.getTime() * 1000 : Number.POSITIVE_INFINITY);
  const oldestUs = Math.max(
    scope.oldestUs ?? topUs,
    after ? after.getTime() * 1000 : Number.NEGATIVE_INFINITY,
  );
  const toUs = topUs + 1;
  if (scope.total <= first || oldestUs >= topUs) return { range: { fromUs: null, toUs }, oldestUs };
  const spanUs = Math.max(MIN_SPAN_US, Math.ceil(((topUs - oldestUs) * first) / scope.total));
  return { range: bounded(toUs - spanUs, toUs, oldestUs), oldestUs };
}

/** The stretch before `range`, sized to hold about `first` matches at the rate `range` had. */
function nextRange(
  first: number,
  range: StretchRange,
  matches: number,
  oldestUs: number,
): StretchRange | null {
  if (range.fromUs === null) return null;
  const spanUs = Math.max(
    MIN_SPAN_US,
    Math.ceil(((range.toUs - range.fromUs) * first) / Math.max(matches, 1)),
  );
  return bounded(range.fromUs - spanUs, range.fromUs, oldestUs);
}

const bounded = (fromUs: number, toUs: number, oldestUs: number): StretchRange => ({
  fromUs: fromUs <= oldestUs || !Number.isSafeInteger(fromUs) ? null : fromUs,
  toUs,
});

const isInt = (x: unknown): x is number => Number.isSafeInteger(x);
/**
 * A rank the query can cast to `real` (float4): finite as a float4, and not a nonzero value that
 * underflows to 0. Postgres refuses either (22003), which from a forged cursor would be a 500.
 */
const isReal = (x: number) => Number.isFinite(Math.fround(x)) && (x === 0 || Math.fround(x) !== 0);

const encodeCursor = (c: Cursor) =>
  Buffer.from(
    JSON.stringify([c.range.fromUs, c.range.toUs, c.oldestUs, c.after.rank, c.after.createdUs, c.after.id]),
  ).toString('base64url');

function decodeCursor(token: string): Cursor {
  try {
    const [fromUs, toUs, oldestUs, rank, createdUs, id] = JSON.parse(
      Buffer.from(token, 'base64url').toString(),
    ) as unknown[];
    if (
      (fromUs === null || (isInt(fromUs) && isInt(toUs) && fromUs < toUs)) &&
      isInt(toUs) &&
      isInt(oldestUs) &&
      typeof rank === 'number' &&
      isReal(rank) &&
      isInt(createdUs) &&
      typeof id === 'string' &&
      isId(id)
    ) {
      return { range: { fromUs, toUs }, oldestUs, after: { rank, createdUs, id } };
    }
  } catch {}
  throw badRequest('Invalid cursor', [
    { path: 'cursor', message: 'must be a nextCursor from a previous page' },
  ]);
}

/**
 * A pasted link finds the messages that hold it. Postgres' parser reads a link in a message as
 * its host and path and drops the scheme; in a query it read `https:` as a word, which no
 * message holds, so the link found nothing.
 */
const withoutSchemes = (q: string) => q.replace(/\b[a-z][a-z0-9+.-]*:\/\//gi, ' ');
/**
 * `<` and `>` separate words, as in the index (drizzle/0020): the parser would read the `<b and
 * c>` of `"a<b and c>d"` as an HTML tag and leave it out. They become U+0001, which the parser
 * reads as a separator and websearch_to_tsquery does not split on (it splits on spaces): like
 * any other punctuation, `x<y>z` is the phrase `x y z`, as `x,y,z` is, and `-<y>` excludes `y`.
 */
const withoutBrackets = (q: string) => q.replace(/[<>]/g, '\u0001');

export function createSearchService(deps: {
  /** About how many messages (then matches) a stretch holds (config SEARCH_STRETCH_MESSAGES). */
  stretchMessages: number;
  search: SearchRepo;
  chats: ChatsRepo;
  /** What a `Message` shows besides its row (the reply it answers, its reactions). */
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
      const q = withoutSchemes(withoutBrackets(input.q));
      if (!(await search.hasTerms(q))) return empty('no-terms');
      const limit = input.limit ?? LIMITS.searchPageDefault;
      const filter: SearchFilter = {
        query: q,
        readable: (column) => readableChatCondition(column, userId, input.chatId),
        chatId: input.chatId,
        authorId: input.authorId,
        before: input.before === undefined ? undefined : new Date(input.before),
        after: input.after === undefined ? undefined : new Date(input.after),
      };
      const start = cursor ?? {
        ...firstRange(deps.stretchMessages, await search.scope(filter), filter.before, filter.after),
        after: undefined,
      };
      // One more than a page tells whether another follows; each row remembers its stretch.
      const rows = await search.stretches(filter, {
        first: start.range,
        after: start.after,
        limit: limit + 1,
        next: (range, matches) => nextRange(deps.stretchMessages, range, matches, start.oldestUs),
      });
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      return {
        results: page.map(({ row, whole }) => ({
          message: toMessage(whole),
          snippet: toSnippet(row.headline),
        })),
        nextCursor:
          rows.length > limit && last
            ? encodeCursor({ range: last.range, oldestUs: start.oldestUs, after: last.row.cursor })
            : null,
        notice: null,
      };
    },
  };
}

export type SearchService = ReturnType<typeof createSearchService>;
