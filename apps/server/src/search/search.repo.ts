import { type SQL, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { rowsOf } from '../db/ids.js';
import { type MessageRow, messageRowOf, type RawMessageRow } from '../messages/messages.repo.js';

/** Where a page ends: the last result's rank, creation time (µs since the epoch) and id. */
export interface SearchCursor {
  rank: number;
  createdUs: string;
  id: string;
}

export interface SearchFilter {
  query: string;
  /** `rules.read` as SQL on `m.chat_id` (chats/access.ts `readableChatCondition`). */
  readable: (chatIdColumn: SQL) => SQL;
  chatId?: string;
  authorId?: string;
  before?: Date;
  after?: Date;
  cursor?: SearchCursor;
  limit: number;
}

export interface SearchRow {
  message: MessageRow;
  author: { id: string; username: string };
  /** ts_headline's text with the matches between START and STOP. */
  headline: string;
  cursor: SearchCursor;
}

// Control characters a message body cannot hold in a meaningful way; ts_headline puts them
// around each match and the service splits on them, so no markup ever travels.
export const HIT_START = '\u0002';
export const HIT_STOP = '\u0003';

const HEADLINE_OPTIONS = `StartSel=${HIT_START}, StopSel=${HIT_STOP}, MaxWords=24, MinWords=8, ShortWord=2, MaxFragments=2, FragmentDelimiter=" … "`;

interface Raw extends RawMessageRow {
  username: string;
  headline: string;
  rank: number | string;
  created_us: string;
}

export function createSearchRepo(db: Db) {
  return {
    /** Whether the query has anything an index can look for (not only stop words or `-word`s). */
    async hasTerms(query: string): Promise<boolean> {
      const result = await db.execute(
        sql`select numnode(q) > 0 and querytree(q) <> 'T' as ok from websearch_to_tsquery('russian', ${query}) q`,
      );
      return rowsOf<{ ok: boolean }>(result)[0]?.ok === true;
    },

    /**
     * One statement: the GIN index finds the matches, access is decided per row in the same
     * snapshot (so a page never holds a message of a chat the caller has just left), the best
     * `limit + 1` are ranked and only they get a headline. Ties in rank go newest first, then
     * by id, so the cursor is exact whatever the ranks.
     */
    async search(f: SearchFilter): Promise<SearchRow[]> {
      const conditions: SQL[] = [
        sql`to_tsvector('russian'::regconfig, m.body) @@ q.query`,
        sql`m.deleted_at is null`,
        f.readable(sql`m.chat_id`),
      ];
      if (f.chatId) conditions.push(sql`m.chat_id = ${f.chatId}`);
      if (f.authorId) conditions.push(sql`m.author_id = ${f.authorId}`);
      if (f.before) conditions.push(sql`m.created_at < ${f.before.toISOString()}::timestamptz`);
      if (f.after) conditions.push(sql`m.created_at >= ${f.after.toISOString()}::timestamptz`);
      const after = f.cursor
        ? sql`where (h.rank, h.created_us, h.id) < (${f.cursor.rank}::real, ${f.cursor.createdUs}::bigint, ${f.cursor.id}::uuid)`
        : sql``;
      const result = await db.execute(sql`
        with q as (select websearch_to_tsquery('russian', ${f.query}) as query),
        hits as (
          select m.id,
                 ts_rank(to_tsvector('russian'::regconfig, m.body), q.query) as rank,
                 (extract(epoch from m.created_at) * 1000000)::bigint as created_us
          from messages m, q
          where ${sql.join(conditions, sql` and `)}
        ),
        page as (
          select h.* from hits h ${after}
          order by h.rank desc, h.created_us desc, h.id desc
          limit ${f.limit}
        )
        select m.id, m.chat_id, m.seq, m.author_id, m.client_id, m.body, m.created_at, m.edited_at,
               m.deleted_at, m.rev, m.reply_to_id, m.pinned_at, m.attachments, u.username, p.rank,
               p.created_us::text as created_us,
               ts_headline('russian'::regconfig, m.body, q.query, ${HEADLINE_OPTIONS}) as headline
        from page p
        join messages m on m.id = p.id
        join users u on u.id = m.author_id
        cross join q
        order by p.rank desc, p.created_us desc, p.id desc
      `);
      return rowsOf<Raw>(result).map((r) => ({
        message: messageRowOf(r),
        author: { id: r.author_id, username: r.username },
        headline: r.headline,
        cursor: { rank: Number(r.rank), createdUs: String(r.created_us), id: r.id },
      }));
    },
  };
}

export type SearchRepo = ReturnType<typeof createSearchRepo>;
