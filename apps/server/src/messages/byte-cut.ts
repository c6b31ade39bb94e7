import { sql } from 'drizzle-orm';
import type { Tx } from '../db/chat-rev.js';
import { rowsOf } from '../db/ids.js';

/**
 * Where a catch-up of a chat's messages, in `order` after `after` (at most `limit` of them), passes
 * `maxBytes` of text: the first `order` value to leave out, or `undefined` when all fit. Never the
 * first message, so a client always moves on. Read from the sizes Postgres keeps beside each value
 * (`octet_length` does not fetch or decompress a stored body), so the bodies left out are never
 * read: a `subscribe` past the socket's budget read up to 200 bodies of 64 KiB each and threw most
 * away, and one user's loop of them slowed every request of the instance.
 */
export async function byteCut(
  tx: Tx,
  f: {
    chatId: string;
    order: 'rev' | 'seq';
    after: number;
    atMostSeq?: number | undefined;
    limit: number;
    maxBytes: number;
  },
): Promise<number | undefined> {
  const col = sql.raw(f.order);
  const upTo = f.atMostSeq === undefined ? sql`` : sql`and seq <= ${f.atMostSeq}`;
  // The window runs over the page alone (the innermost select takes it by the index, with its limit).
  const result = await tx.execute(sql`
    select min(k) as cut from (
      select k, row_number() over (order by k) as n, sum(size) over (order by k) as used from (
        select ${col} as k, octet_length(body) + octet_length(attachments::text) + 300 as size
          from messages
         where chat_id = ${f.chatId} and ${col} > ${f.after} ${upTo}
         order by ${col}
         limit ${f.limit}) page) sized
    where used > ${f.maxBytes} and n > 1`);
  const cut = rowsOf<{ cut: number | string | null }>(result)[0]?.cut;
  return cut === null || cut === undefined ? undefined : Number(cut);
}
