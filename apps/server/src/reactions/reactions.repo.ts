import { LIMITS } from '@chatsockets/protocol';
import { sql } from 'drizzle-orm';
import { type Recheck, withChatRev } from '../db/chat-rev.js';
import type { Db } from '../db/client.js';
import { rowsOf } from '../db/ids.js';
import { conflict } from '../errors.js';

/** What a reaction change did: `rev` it took, or nothing (a repeat, or a deleted message). */
export type ReactionOutcome = { rev: number } | undefined;

/**
 * A reaction change is one statement after the chat's rev is taken (`withChatRev`): it moves the
 * message's rev (so the changes feed finds the message, reactions and all) and writes the
 * reaction. The chat's row lock orders it with every other change of the chat, so the limits
 * counted here are exact and a delete that came first leaves nothing to react to.
 */
export function createReactionsRepo(db: Db) {
  return {
    /**
     * Adds `emoji` by `userId`. Nothing changes (no rev) when they already reacted so, or the
     * message is deleted (`live: false` tells the caller which). Over a limit: CONFLICT, and the
     * transaction rolls back.
     */
    async add(chatId: string, messageId: string, userId: string, emoji: string, recheck: Recheck) {
      let live = true;
      const outcome = await withChatRev(
        db,
        chatId,
        async (tx, rev) => {
          // Every part of one statement sees the same snapshot: `cur` counts without the new row.
          const [row] = rowsOf<{
            live: number;
            inserted: number;
            distinct_n: number;
            mine_n: number;
            present: boolean;
          }>(
            await tx.execute(sql`
            with msg as (
              update messages set rev = ${rev}
              where id = ${messageId} and chat_id = ${chatId} and deleted_at is null
              returning id
            ), ins as (
              -- Stamped now, under the chat's lock, not at the transaction's start: the users
              -- of a reaction are listed by this time, and it must follow rev order.
              insert into message_reactions (message_id, emoji, user_id, created_at)
              select id, ${emoji}, ${userId}, clock_timestamp() from msg
              on conflict do nothing
              returning 1
            )
            select (select count(*) from msg)::int as live,
                   (select count(*) from ins)::int as inserted,
                   count(distinct r.emoji)::int as distinct_n,
                   (count(*) filter (where r.user_id = ${userId}))::int as mine_n,
                   coalesce(bool_or(r.emoji = ${emoji}), false) as present
            from message_reactions r where r.message_id = ${messageId}`),
          );
          if (!row || row.live === 0) {
            live = false;
            return undefined;
          }
          if (row.inserted === 0) return undefined;
          if (!row.present && row.distinct_n + 1 > LIMITS.reactionsDistinctMax) {
            throw conflict(`A message can have at most ${LIMITS.reactionsDistinctMax} different reactions`);
          }
          if (row.mine_n + 1 > LIMITS.reactionsPerUserMax) {
            throw conflict(`You can react to a message at most ${LIMITS.reactionsPerUserMax} times`);
          }
          return { rev };
        },
        recheck,
      );
      return { outcome, live };
    },

    /** Removes `emoji` by `userId`; nothing changes (no rev) when there was no such reaction. */
    remove(
      chatId: string,
      messageId: string,
      userId: string,
      emoji: string,
      recheck: Recheck,
    ): Promise<ReactionOutcome> {
      return withChatRev(
        db,
        chatId,
        async (tx, rev) => {
          const [row] = rowsOf<{ changed: number }>(
            await tx.execute(sql`
            with del as (
              -- Forms of one emoji differ only in U+FE0F (EmojiSchema qualifies what it is sent),
              -- so a reaction stored before that, in another form, is taken back all the same.
              delete from message_reactions
              where message_id = ${messageId} and user_id = ${userId}
                and replace(emoji, ${'\uFE0F'}, '') = replace(${emoji}, ${'\uFE0F'}, '')
              returning 1
            ), msg as (
              update messages set rev = ${rev}
              where id = ${messageId} and chat_id = ${chatId} and exists (select 1 from del)
              returning id
            )
            select (select count(*) from msg)::int as changed`),
          );
          return row && row.changed > 0 ? { rev } : undefined;
        },
        recheck,
      );
    },
  };
}
export type ReactionsRepo = ReturnType<typeof createReactionsRepo>;
