import { z } from 'zod';
import { MessageSchema } from '../entities.js';
import { LIMITS } from '../limits.js';
import {
  atMostUnits,
  IdSchema,
  IsoDateSchema,
  isStorableText,
  limitQuery,
  STORABLE_TEXT_MESSAGE,
} from '../primitives.js';

/**
 * Addition to PROTOCOL v1: `GET /api/search`. Full-text search (Russian and English stemming,
 * `websearch_to_tsquery` syntax: words, "quoted phrases", `-excluded`, `or`) over the messages
 * of the chats the caller may read now: every chat they are a member of, or only `chatId`
 * (which may be a public chat they have not joined). Deleted messages never match; an edited one
 * matches its current text. Best match first; `cursor` is the previous page's `nextCursor`.
 */
export const SearchQuerySchema = z.strictObject({
  q: z
    .string()
    .refine(isStorableText, STORABLE_TEXT_MESSAGE)
    .refine((s) => s.trim().length > 0, 'must not be empty')
    .refine(...atMostUnits(LIMITS.searchQueryMax)),
  chatId: IdSchema.optional(),
  authorId: IdSchema.optional(),
  /** Only messages created before / at or after this instant. */
  before: IsoDateSchema.optional(),
  after: IsoDateSchema.optional(),
  cursor: z.string().min(1).max(LIMITS.cursorTokenMax).optional(),
  limit: limitQuery(LIMITS.searchPageMax).optional(),
});
export type SearchQuery = z.input<typeof SearchQuerySchema>;

/**
 * A snippet of the message's text around what matched, as segments: `hit` ones are the
 * matched words. Plain text, never markup: a client renders each segment as text.
 */
export const SnippetSchema = z.array(z.object({ text: z.string(), hit: z.boolean() }));
export type Snippet = z.infer<typeof SnippetSchema>;

export const SearchResultSchema = z.object({ message: MessageSchema, snippet: SnippetSchema });
export type SearchResult = z.infer<typeof SearchResultSchema>;

export const SearchResponseSchema = z.object({
  results: z.array(SearchResultSchema),
  nextCursor: z.string().nullable(),
  /**
   * `no-terms`: the query has nothing to search for (only stop words such as "the" or "и",
   * punctuation, or only `-excluded` words), so it matches nothing; `results` is empty.
   */
  notice: z.enum(['no-terms']).nullable(),
});
export type SearchResponse = z.infer<typeof SearchResponseSchema>;
