import { type SQL, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { rowsOf } from '../db/ids.js';
import { type FullMessage, hydrate, inSnapshot } from '../messages/hydrate.js';
import { type MessageRow, messageRowOf, type RawMessageRow } from '../messages/messages.repo.js';

/** Where a page ends within its stretch: the last result's rank, creation time (µs) and id. */
export interface RankCursor {
  rank: number;
  createdUs: number;
  id: string;
}

export interface SearchFilter {
  query: string;
  /** `rules.read` as SQL on a chat id column (chats/access.ts `readableChatCondition`). */
  readable: (chatIdColumn: SQL) => SQL;
  chatId?: string;
  authorId?: string;
  before?: Date;
  after?: Date;
}

/** What the caller may read, to cut it into stretches of time (search.service.ts). */
export interface SearchScope {
  /** The database's clock (µs since the epoch) when the search began. */
  nowUs: number;
  /** Messages ever sent in the readable chats (deleted ones included: an upper bound). */
  total: number;
  /** The oldest message of the readable chats (µs), or null when they hold none. */
  oldestUs: number | null;
}

export interface SearchRow {
  message: MessageRow;
  author: { id: string; username: string };
  /** The body's text around the matches (fromHeadline), the matches between START and STOP. */
  headline: string;
  cursor: RankCursor;
}

// Control characters a message body cannot hold in a meaningful way; ts_headline puts them
// around each match and the service splits on them, so no markup ever travels. A body may hold
// them all the same (stored as sent): they are taken out of the text the headline is made from,
// or a body could mark its own words as hits (and the marks around real hits would pair wrongly).
export const HIT_START = '\u0002';
export const HIT_STOP = '\u0003';

/*
 * The headline is made from the body as the index sees it (drizzle/0020): Postgres' parser reads
 * `<prod>` or the `<b and c>` of `a<b and c>d` as an HTML tag, which the index would not hold and
 * ts_headline would leave out of the text. So `<` and `>` go in as LT and GT, separators to the
 * parser as the index's spaces are, and come back out as themselves (fromHeadline). The body's
 * own LT, GT, GONE and markers go in as GONE, a separator too, which comes out as nothing: none
 * of them can pass for a bracket or a mark, and the words on either side of one stay words (as
 * in the index) without gaining a space the body does not have.
 */
const GONE = '\u0001';
const LT = '\u0004';
const GT = '\u0005';
// Character for character: the first five become GONE, `<` becomes LT, `>` GT.
const HEADLINE_FROM = `${GONE}${HIT_START}${HIT_STOP}${LT}${GT}<>`;
const HEADLINE_TO = `${GONE.repeat(5)}${LT}${GT}`;
const headlineText = (body: SQL) => sql`translate(${body}, ${HEADLINE_FROM}, ${HEADLINE_TO})`;
/** ts_headline's text of headlineText → the body's own text, the marks left in. */
export const fromHeadline = (headline: string) =>
  headline.replaceAll(GONE, '').replaceAll(LT, '<').replaceAll(GT, '>');

const HEADLINE_OPTIONS = `StartSel=${HIT_START}, StopSel=${HIT_STOP}, MaxWords=24, MinWords=8, ShortWord=2, MaxFragments=2, FragmentDelimiter=" … "`;

interface Raw extends RawMessageRow {
  username: string;
  headline: string;
  rank: number | string;
  created_us: number | string;
}

/** Messages created in [fromUs, toUs) (µs since the epoch); `fromUs` null: no lower bound. */
export interface StretchRange {
  fromUs: number | null;
  toUs: number;
}

/** µs since the epoch → timestamptz, exactly (a JS Date holds only milliseconds). */
const instant = (us: number) => sql`('epoch'::timestamptz + ${us}::bigint * interval '1 microsecond')`;

/**
 * What a snippet marks: each word of the query that is not excluded, on its own. ts_headline
 * looks for covers of the query it is given, and for a phrase or a word repeated its time grew
 * steeply with their length (Postgres 15: a phrase of 12 words over a 4 000-character body
 * 98 ms, of 18 words 1 s, for each hit), so one search could hold a connection for seconds.
 * Each word on its own is about 1 ms, and it marks what ts_headline marked anyway: every
 * occurrence of each word. The lexemes are read from the query's own text form, quotes and all.
 */
const marks = (tsquery: SQL) => sql`coalesce((
  select string_agg(distinct w[2], ' | ')::tsquery
    from regexp_matches((${tsquery})::text, ${LEXEME}, 'g') w
   where w[1] = ''), ${tsquery})`;
/** A lexeme in a tsquery's text, with the `!` of a negated one. */
const LEXEME = "(!?)('(?:[^']|'')+')";

/** One stretch: a page of its best matches after `after`, and how many matches it holds in all. */
async function stretch(
  db: Pick<Db, 'execute'>,
  f: SearchFilter,
  range: StretchRange,
  after: RankCursor | undefined,
  limit: number,
): Promise<{ rows: SearchRow[]; matches: number }> {
  // Written out where it is used, not in a CTE of its own: folded to a constant, the planner can
  // estimate how common its words are.
  const tsquery = sql`websearch_to_tsquery('russian'::regconfig, ${f.query})`;
  const conditions: SQL[] = [
    sql`m.search_vector @@ ${tsquery}`,
    sql`m.deleted_at is null`,
    f.readable(sql`m.chat_id`),
    sql`m.created_at < ${instant(range.toUs)}`,
  ];
  if (range.fromUs !== null) conditions.push(sql`m.created_at >= ${instant(range.fromUs)}`);
  if (f.chatId) conditions.push(sql`m.chat_id = ${f.chatId}`);
  if (f.authorId) conditions.push(sql`m.author_id = ${f.authorId}`);
  // As µs from the epoch, not toISOString(): Postgres reads neither its year 0000 nor the
  // "+010000-…" an offset can carry 9999-12-31 into, and the request would be a 500.
  if (f.before) conditions.push(sql`m.created_at < ${instant(f.before.getTime() * 1000)}`);
  if (f.after) conditions.push(sql`m.created_at >= ${instant(f.after.getTime() * 1000)}`);
  const past = after
    ? sql`where (h.rank, h.created_us, h.id) < (${after.rank}::real, ${after.createdUs}::bigint, ${after.id}::uuid)`
    : sql``;
  // The count comes on a row of its own when the page is empty (a stretch read to its end).
  const result = await db.execute(sql`
    with hits as (
      select m.id, ts_rank(m.search_vector, ${tsquery}) as rank,
             (extract(epoch from m.created_at) * 1000000)::bigint as created_us
      from messages m
      where ${sql.join(conditions, sql` and `)}
    ),
    page as (
      select h.* from hits h ${past}
      order by h.rank desc, h.created_us desc, h.id desc
      limit ${limit}
    )
    select c.matches, m.id, m.chat_id, m.seq, m.author_id, m.client_id, m.body, m.created_at,
           m.edited_at, m.deleted_at, m.rev, m.reply_to_id, m.pinned_at, m.attachments, u.username,
           p.rank, p.created_us::text as created_us,
           ts_headline('russian'::regconfig, ${headlineText(sql`m.body`)}, ${marks(tsquery)},
                       ${HEADLINE_OPTIONS}) as headline
    from (select count(*)::int as matches from hits) c
    left join page p on true
    left join messages m on m.id = p.id
    left join users u on u.id = m.author_id
    order by p.rank desc, p.created_us desc, p.id desc
  `);
  const raw = rowsOf<Raw & { matches: number }>(result);
  return {
    matches: Number(raw[0]?.matches ?? 0),
    rows: raw
      .filter((r) => r.id !== null)
      .map((r) => ({
        message: messageRowOf(r),
        author: { id: r.author_id, username: r.username },
        headline: fromHeadline(r.headline),
        cursor: { rank: Number(r.rank), createdUs: Number(r.created_us), id: r.id },
      })),
  };
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

    /** The size and age of what the caller may read: one row per readable chat, one probe each. */
    async scope(f: Pick<SearchFilter, 'readable' | 'chatId'>): Promise<SearchScope> {
      const only = f.chatId ? sql`and c.id = ${f.chatId}` : sql``;
      const result = await db.execute(sql`
        select (extract(epoch from now()) * 1000000)::bigint::text as now_us,
               coalesce(sum(c.last_seq), 0)::bigint::text as total,
               (extract(epoch from min(o.created_at)) * 1000000)::bigint::text as oldest_us
        from chats c
        left join lateral (
          select m.created_at from messages m where m.chat_id = c.id order by m.created_at limit 1
        ) o on true
        where ${f.readable(sql`c.id`)} ${only}
      `);
      const row = rowsOf<{ now_us: string; total: string; oldest_us: string | null }>(result)[0];
      return {
        nowUs: Number(row?.now_us),
        total: Number(row?.total ?? 0),
        oldestUs: row?.oldest_us == null ? null : Number(row.oldest_us),
      };
    },

    /**
     * Up to `limit` results, a stretch of time at a time from `first` (after `after` within it),
     * each stretch's matches in (rank desc, created desc, id desc) order; `next` names the
     * stretch before one, given how many matches that one held, or null after the oldest.
     *
     * One statement per stretch: the index finds the matches, access is decided per row in the
     * same snapshot (so a page never holds a message of a chat the caller has just left), only
     * the page gets a headline. Each is planned for its own values (force_custom_plan): within a
     * short stretch a very common word is cheaper to find by reading the stretch's rows (the
     * chat/created_at index), a rare one through its posting list, and a cached generic plan
     * cannot know which of the two it is.
     */
    async stretches(
      f: SearchFilter,
      walk: {
        first: StretchRange;
        after: RankCursor | undefined;
        limit: number;
        next: (range: StretchRange, matches: number) => StretchRange | null;
      },
    ): Promise<Array<{ row: SearchRow; whole: FullMessage; range: StretchRange }>> {
      // One snapshot, the hits completed in it (hydrate.ts › inSnapshot): a hit is whole at its rev.
      return inSnapshot(db, async (tx) => {
        await tx.execute(sql`set local plan_cache_mode = force_custom_plan`);
        const out: Array<{ row: SearchRow; range: StretchRange }> = [];
        let range: StretchRange | null = walk.first;
        let after = walk.after;
        while (range && out.length < walk.limit) {
          const { rows, matches } = await stretch(tx, f, range, after, walk.limit - out.length);
          for (const row of rows) out.push({ row, range });
          range = walk.next(range, matches);
          after = undefined;
        }
        const whole = await hydrate(
          tx,
          out.map(({ row }) => ({ message: row.message, author: row.author })),
        );
        return out.map((hit, i) => ({ ...hit, whole: whole[i]! }));
      });
    },
  };
}

export type SearchRepo = ReturnType<typeof createSearchRepo>;
