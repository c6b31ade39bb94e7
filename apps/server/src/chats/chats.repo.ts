import { LIMITS, MENTION_ALL } from '@chatsockets/protocol';
import { and, asc, desc, eq, ilike, lt, ne, or, type SQL, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { anyOf } from '../db/any-of.js';
import { decideAgain, type Recheck, type Tx, takeRev, withChatRev } from '../db/chat-rev.js';
import type { Db } from '../db/client.js';
import {
  chatBansTable,
  chatDeparturesTable,
  chatInvitesTable,
  chatMembersTable,
  chatsTable,
  messageColumns,
  messagesTable,
  usersTable,
} from '../db/schema.js';
import { type FullMessage, hydrate, inSnapshot } from '../messages/hydrate.js';
import type { ChatAudience } from '../realtime/bus/bus.js';
import { ban, liftBanBy, refuseIfBarred } from './bans.js';

/**
 * The chat list's order: the last activity to the millisecond, as `Chat.lastActivityAt` tells
 * clients (the column holds microseconds), then the id. A client sorting by what it was sent
 * then agrees with the server, ties included.
 */
const activityKey = sql`date_trunc('milliseconds', ${chatsTable.lastActivityAt})`;

export type ChatRow = typeof chatsTable.$inferSelect;
export type MemberRow = typeof chatMembersTable.$inferSelect;
export type Role = MemberRow['role'];

const me = alias(chatMembersTable, 'me');

/**
 * Whether the viewer was removed from the chat and may not come back on their own (chats/bans.ts),
 * read only when they are not a member (a member is never barred): a key lookup for the views of
 * chats one does not belong to, nothing for the rest.
 */
const barredUnlessMember = (userId: SQL) =>
  sql<boolean>`(case when ${me.userId} is null then exists (select 1 from ${chatBansTable} b
    where b.chat_id = ${chatsTable.id} and b.user_id = ${userId}) else false end)`;
const lastAuthor = alias(usersTable, 'last_author');

/**
 * A chat as one user sees it, in ONE query whatever the number of chats: their membership,
 * the last message that is not deleted (docs/PROTOCOL.md › Chats: `unreadCount` and
 * `lastMessage`) and, for a direct chat, the other user's name.
 */
function chatViews(db: Db | Tx, userId: string, membersOnly: boolean) {
  // The newest message not deleted: a backward scan of messages_chat_id_seq_key from the chat's
  // top, which stops at its first row unless the newest messages were deleted.
  const lastMessage = db
    .select(messageColumns)
    .from(messagesTable)
    .where(and(eq(messagesTable.chatId, chatsTable.id), sql`${messagesTable.deletedAt} is null`))
    .orderBy(desc(messagesTable.seq))
    .limit(1)
    .as('last_message');
  const lastMessageFields = Object.fromEntries(
    Object.keys(messageColumns).map((k) => [k, lastMessage[k as keyof typeof messageColumns]]),
  ) as { [K in keyof typeof messageColumns]: (typeof lastMessage)[K] };
  // Unread = lastSeq - readSeq - the deleted messages after the marker (the reader's own messages
  // are behind it: a send moves it). The partial index messages_deleted_idx holds only deleted
  // messages, so this reads the deletions after the marker, not the unread messages.
  const deletedUnread = sql<number>`(select count(*)::integer from ${messagesTable} dm
    where dm.chat_id = ${chatsTable.id} and dm.seq > ${me.readSeq} and dm.deleted_at is not null)`;
  const directTitle = sql<string | null>`(
    select u.username from chat_members m2 join users u on u.id = m2.user_id
    where m2.chat_id = ${chatsTable.id} and m2.user_id <> ${userId} limit 1)`;
  // Unread mentions of the viewer (docs/PROTOCOL.md › Mentions): after their marker, by someone
  // else, not deleted, naming them or all. `cardinality(...) > 0` lets both scans use the partial
  // index messages_mentions_idx, which holds only messages that mention someone.
  const unreadMention = sql`from ${messagesTable} mm
    where mm.chat_id = ${chatsTable.id} and mm.seq > ${me.readSeq}
      and cardinality(mm.mentions) > 0 and mm.mentions && array[${userId}::text, ${MENTION_ALL}::text]
      and mm.author_id <> ${userId} and mm.deleted_at is null`;
  const mentionCount = sql<number>`(select count(*)::integer ${unreadMention})`;
  const mentionSeqs = sql<number[]>`(select coalesce(array_agg(s.seq order by s.seq), '{}') from (
    select mm.seq ${unreadMention} order by mm.seq limit ${LIMITS.mentionSeqsMax}) s)`;
  const query = db
    .select({
      chat: chatsTable,
      role: me.role,
      barred: membersOnly ? sql<boolean>`false` : barredUnlessMember(sql`${userId}`),
      readSeq: me.readSeq,
      muted: me.muted,
      mentionCount,
      mentionSeqs,
      deletedUnread,
      lastMessage: lastMessageFields,
      lastAuthor: { id: lastAuthor.id, username: lastAuthor.username },
      directTitle,
      activity: sql<string>`${activityKey}::text`,
    })
    .from(chatsTable);
  const joined = membersOnly
    ? query.innerJoin(me, and(eq(me.chatId, chatsTable.id), eq(me.userId, userId)))
    : query.leftJoin(me, and(eq(me.chatId, chatsTable.id), eq(me.userId, userId)));
  return joined
    .leftJoinLateral(lastMessage, sql`true`)
    .leftJoin(lastAuthor, eq(lastAuthor.id, lastMessage.authorId));
}
export type ChatViewRow = Awaited<ReturnType<ReturnType<typeof chatViews>['execute']>>[number];
/** A chat view with its last message made whole (reactions, reply quote), as of the view's `rev`. */
export type ChatView = ChatViewRow & { last: FullMessage | null };

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * A member who may no longer invite (demoted to member, removed, gone) takes their links with
 * them, in the transaction that ends the right: a link outliving it would let whoever holds it in
 * on the authority of someone the chat no longer trusts with that (as Telegram revokes a demoted
 * admin's links). Revoked, not deleted: the link's token answers 410 `revoked` as any revoked one.
 */
async function revokeInvitesOf(tx: Tx, chatId: string, userId: string) {
  await tx
    .update(chatInvitesTable)
    .set({ revokedAt: sql`now()` })
    .where(
      and(
        eq(chatInvitesTable.chatId, chatId),
        eq(chatInvitesTable.createdBy, userId),
        sql`${chatInvitesTable.revokedAt} is null`,
      ),
    );
}

/**
 * A new member at `rev`, or undefined if they already were one. A joiner's past is not unread:
 * their marker starts at the last message, which is also where what they were there for begins
 * (`joinedSeq`). Every way in (an add, a join, an invite link) is this.
 */
export async function insertMember(tx: Tx, chatId: string, userId: string, role: Role, rev: number) {
  const lastSeq = sql<number>`(select ${chatsTable.lastSeq} from ${chatsTable} where ${chatsTable.id} = ${chatId})`;
  const [row] = await tx
    .insert(chatMembersTable)
    .values({ chatId, userId, role, rev, joinedRev: rev, readSeq: lastSeq, joinedSeq: lastSeq })
    .onConflictDoNothing()
    .returning();
  return row;
}

export function createChatsRepo(db: Db) {
  /**
   * Views and their last messages made whole, in one snapshot: a reaction committed between the
   * two reads would otherwise sit in a last message of a chat whose `rev` is from before it, and
   * a client applying that reaction's own event would count it twice (as in messages/hydrate.ts).
   */
  function wholeViews(read: (tx: Tx) => Promise<ChatViewRow[]>): Promise<ChatView[]> {
    return inSnapshot(db, async (tx) => {
      const rows = await read(tx);
      const list = rows.flatMap((r) =>
        r.lastMessage && r.lastAuthor ? [{ message: r.lastMessage, author: r.lastAuthor }] : [],
      );
      const made = new Map((await hydrate(tx, list)).map((m) => [m.message.id, m]));
      return rows.map((r) => ({ ...r, last: r.lastMessage ? (made.get(r.lastMessage.id) ?? null) : null }));
    });
  }

  // Every command's access check runs this: built once, not per call.
  const withMembership = db
    .select({ chat: chatsTable, member: me, barred: barredUnlessMember(sql`${sql.placeholder('userId')}`) })
    .from(chatsTable)
    .leftJoin(me, and(eq(me.chatId, chatsTable.id), eq(me.userId, sql.placeholder('userId'))))
    .where(eq(chatsTable.id, sql.placeholder('chatId')))
    .limit(1)
    .prepare('chat_with_membership');

  // A message, its chat and the user's membership in one round trip: the access check of a
  // reaction, the hottest per-message write after a send.
  const messageWithMembership = db
    .select({
      message: { id: messagesTable.id, chatId: messagesTable.chatId, deletedAt: messagesTable.deletedAt },
      chat: chatsTable,
      member: me,
    })
    .from(messagesTable)
    .innerJoin(chatsTable, eq(chatsTable.id, messagesTable.chatId))
    .leftJoin(me, and(eq(me.chatId, chatsTable.id), eq(me.userId, sql.placeholder('userId'))))
    .where(eq(messagesTable.id, sql.placeholder('messageId')))
    .limit(1)
    .prepare('message_with_membership');

  return {
    async findMessageWithMembership(messageId: string, userId: string) {
      const [row] = await messageWithMembership.execute({ messageId, userId });
      return row;
    },
    async findWithMembership(chatId: string, userId: string) {
      const [row] = await withMembership.execute({ chatId, userId });
      return row;
    },

    /**
     * A page of the user's chats, most recent activity first, after `after` (the last row of
     * the previous page). `activity` is the order's key as Postgres prints it.
     */
    listForUser(userId: string, limit: number, after?: { activity: string; id: string }) {
      const before = after
        ? sql`(${activityKey}, ${chatsTable.id}) < (${after.activity}::timestamptz, ${after.id}::uuid)`
        : undefined;
      return wholeViews((tx) =>
        chatViews(tx, userId, true)
          .where(before)
          .orderBy(desc(activityKey), desc(chatsTable.id))
          .limit(limit),
      );
    },

    /** Whether the user is a member of a public chat, whose readers see them as members do. */
    async inAPublicChat(userId: string): Promise<boolean> {
      const [row] = await db
        .select({ one: sql`1` })
        .from(chatMembersTable)
        .innerJoin(chatsTable, eq(chatsTable.id, chatMembersTable.chatId))
        .where(and(eq(chatMembersTable.userId, userId), eq(chatsTable.visibility, 'public')))
        .limit(1);
      return row !== undefined;
    },

    /** Among `userIds`, those who share a chat with `userId`. */
    async sharingAChatWith(userId: string, userIds: string[]): Promise<Set<string>> {
      if (userIds.length === 0) return new Set();
      const other = alias(chatMembersTable, 'other');
      const rows = await db
        .selectDistinct({ userId: other.userId })
        .from(chatMembersTable)
        .innerJoin(other, eq(other.chatId, chatMembersTable.chatId))
        .where(and(eq(chatMembersTable.userId, userId), anyOf(other.userId, userIds)));
      return new Set(rows.map((r) => r.userId));
    },

    /**
     * Among `userIds`, those who count `userId` as a contact: they share a private chat (a direct
     * chat or a private group) in which they have written. Not merely sharing one: a stranger can
     * open a direct chat with anyone or join a public group on their own, and so make themselves
     * a "contact" of everyone there. Each check is a lookup in the messages' (author, chat) key.
     */
    async countingAsContact(userId: string, userIds: string[]): Promise<Set<string>> {
      if (userIds.length === 0) return new Set();
      const other = alias(chatMembersTable, 'other');
      const rows = await db
        .selectDistinct({ userId: other.userId })
        .from(chatMembersTable)
        .innerJoin(other, eq(other.chatId, chatMembersTable.chatId))
        .innerJoin(chatsTable, eq(chatsTable.id, chatMembersTable.chatId))
        .where(
          and(
            eq(chatMembersTable.userId, userId),
            anyOf(other.userId, userIds),
            eq(chatsTable.visibility, 'private'),
            // Written to `userId`: while they were in the chat (since they last joined it), and
            // still there: a message deleted before anyone read it, or one from before the adder
            // came in, was never written to them.
            sql`exists (select 1 from ${messagesTable} w
              where w.author_id = ${other.userId} and w.chat_id = ${chatMembersTable.chatId}
                and w.deleted_at is null and w.created_at >= ${chatMembersTable.joinedAt})`,
          ),
        );
      return new Set(rows.map((r) => r.userId));
    },

    async viewFor(chatId: string, userId: string): Promise<ChatView | undefined> {
      const [view] = await wholeViews((tx) =>
        chatViews(tx, userId, false).where(eq(chatsTable.id, chatId)).limit(1),
      );
      return view;
    },

    searchPublic(userId: string, q: string | undefined, limit = 50) {
      // ё is folded into е on both sides: Russian is mostly typed without ё, and message search
      // (the russian stemmer) already treats them as one letter. ilike folds the case.
      const folded = (text: SQL) => sql`translate(${text}, 'Ёё', 'Ее')`;
      const where = q
        ? and(
            eq(chatsTable.visibility, 'public'),
            ilike(folded(sql`${chatsTable.title}`), folded(sql`${`%${escapeLike(q)}%`}`)),
          )
        : eq(chatsTable.visibility, 'public');
      return wholeViews((tx) =>
        chatViews(tx, userId, false).where(where).orderBy(desc(chatsTable.lastActivityAt)).limit(limit),
      );
    },

    async createGroup(input: {
      title: string;
      visibility: 'public' | 'private';
      ownerId: string;
      memberIds: string[];
    }) {
      return db.transaction(async (tx) => {
        // Each founding member is a change of its own: revs 1..n, the chat at rev n.
        const [chat] = await tx
          .insert(chatsTable)
          .values({
            title: input.title,
            kind: 'group',
            visibility: input.visibility,
            lastRev: 1 + input.memberIds.length,
          })
          .returning();
        const members = [
          { chatId: chat!.id, userId: input.ownerId, role: 'owner' as const, rev: 1, joinedRev: 1 },
          ...input.memberIds.map((userId, i) => ({
            chatId: chat!.id,
            userId,
            role: 'member' as const,
            rev: i + 2,
            joinedRev: i + 2,
          })),
        ];
        await tx.insert(chatMembersTable).values(members);
        return chat!;
      });
    },

    /** Exactly one direct chat per pair: the unique direct_key makes concurrent first uses converge. */
    /** The direct chat of the two users, if there is one. */
    async findDirect(userA: string, userB: string): Promise<ChatRow | undefined> {
      const directKey = [userA, userB].sort().join(':');
      const [chat] = await db.select().from(chatsTable).where(eq(chatsTable.directKey, directKey)).limit(1);
      return chat;
    },

    async getOrCreateDirect(userA: string, userB: string): Promise<{ chat: ChatRow; created: boolean }> {
      const directKey = [userA, userB].sort().join(':');
      const created = await db.transaction(async (tx) => {
        const [chat] = await tx
          .insert(chatsTable)
          .values({ title: '', kind: 'direct', visibility: 'private', directKey, lastRev: 2 })
          .onConflictDoNothing({ target: chatsTable.directKey })
          .returning();
        if (!chat) return undefined;
        await tx.insert(chatMembersTable).values([
          { chatId: chat.id, userId: userA, role: 'member', rev: 1, joinedRev: 1 },
          { chatId: chat.id, userId: userB, role: 'member', rev: 2, joinedRev: 2 },
        ]);
        return chat;
      });
      if (created) return { chat: created, created: true };
      const [chat] = await db.select().from(chatsTable).where(eq(chatsTable.directKey, directKey)).limit(1);
      return { chat: chat!, created: false };
    },

    members(chatId: string) {
      return db
        .select({ member: chatMembersTable, user: usersTable })
        .from(chatMembersTable)
        .innerJoin(usersTable, eq(usersTable.id, chatMembersTable.userId))
        .where(eq(chatMembersTable.chatId, chatId))
        .orderBy(asc(chatMembersTable.joinedAt), asc(usersTable.username));
    },

    /** Those of `userIds` (valid ids) who are members of the chat. */
    async membersAmong(chatId: string, userIds: string[]): Promise<Set<string>> {
      if (userIds.length === 0) return new Set();
      const rows = await db
        .select({ userId: chatMembersTable.userId })
        .from(chatMembersTable)
        .where(and(eq(chatMembersTable.chatId, chatId), anyOf(chatMembersTable.userId, userIds)));
      return new Set(rows.map((r) => r.userId));
    },

    async memberIds(chatId: string): Promise<string[]> {
      const rows = await db
        .select({ userId: chatMembersTable.userId })
        .from(chatMembersTable)
        .where(eq(chatMembersTable.chatId, chatId));
      return rows.map((r) => r.userId);
    },

    /**
     * The new member (at the chat's next rev), or undefined if they already were one (the chat
     * row is locked by the rev, so no send slips in before their read marker). Added by a member,
     * whose right `recheck` decides again; someone removed is added back only by an owner or
     * admin, which lifts the ban (`403` from anyone else, nothing written).
     */
    addMember(chatId: string, userId: string, role: Role, recheck: Recheck) {
      return withChatRev(
        db,
        chatId,
        async (tx, rev) => {
          const row = await insertMember(tx, chatId, userId, role, rev);
          if (row) await liftBanBy(tx, chatId, userId, recheck.actorId);
          return row;
        },
        recheck,
      );
    },

    /** Joins on their own: `403`, nothing written, while a removal bars them. */
    join(chatId: string, userId: string) {
      return withChatRev(db, chatId, async (tx, rev) => {
        await refuseIfBarred(tx, chatId, userId);
        return insertMember(tx, chatId, userId, 'member', rev);
      });
    },

    /**
     * Removes a member at the chat's next rev, and records the departure for the change log;
     * when the owner leaves, the longest-standing admin (else member) becomes owner at the rev
     * after it, so a group chat is never left unmanageable; when no one is left, the chat is
     * deleted (`chatDeleted`). `undefined` if they were no member.
     */
    removeMember(chatId: string, userId: string, recheck: Recheck) {
      return withChatRev(
        db,
        chatId,
        async (tx, rev) => {
          const [removed] = await tx
            .delete(chatMembersTable)
            .where(and(eq(chatMembersTable.chatId, chatId), eq(chatMembersTable.userId, userId)))
            .returning();
          if (!removed) return undefined;
          if (recheck.actorId !== userId) await ban(tx, chatId, userId, recheck.actorId);
          await revokeInvitesOf(tx, chatId, userId);
          await tx.insert(chatDeparturesTable).values({ chatId, userId, rev });
          let heir: MemberRow | undefined;
          if (removed.role === 'owner') {
            const [next] = await tx
              .select({ userId: chatMembersTable.userId })
              .from(chatMembersTable)
              .where(eq(chatMembersTable.chatId, chatId))
              .orderBy(
                sql`case ${chatMembersTable.role} when 'admin' then 0 else 1 end`,
                asc(chatMembersTable.joinedAt),
              )
              .limit(1);
            if (next) {
              // The promotion is a role change like any other: its own rev, its own event.
              const heirRev = (await takeRev(tx, chatId))!;
              [heir] = await tx
                .update(chatMembersTable)
                .set({ role: 'owner', rev: heirRev })
                .where(and(eq(chatMembersTable.chatId, chatId), eq(chatMembersTable.userId, next.userId)))
                .returning();
            } else {
              // The last member left: a group no one belongs to could never be managed again (a
              // private one not even opened), and whoever joined a public one next would inherit
              // its history without anyone having handed it over. It goes, as if its owner deleted it.
              await tx.delete(chatsTable).where(eq(chatsTable.id, chatId));
              return { removed, rev, heir, chatDeleted: true };
            }
          }
          return { removed, rev, heir, chatDeleted: false };
        },
        recheck,
      );
    },

    /**
     * The member at the chat's next rev; `undefined` if the role is unchanged (no rev burned).
     * `recheck` refuses (throws) on the standing under the lock.
     */
    setRole(chatId: string, userId: string, role: Role, recheck: Recheck) {
      return withChatRev(
        db,
        chatId,
        async (tx, rev) => {
          const [row] = await tx
            .update(chatMembersTable)
            .set({ role, rev })
            .where(
              and(
                eq(chatMembersTable.chatId, chatId),
                eq(chatMembersTable.userId, userId),
                ne(chatMembersTable.role, role),
              ),
            )
            .returning();
          if (row && role === 'member') await revokeInvitesOf(tx, chatId, userId);
          return row;
        },
        recheck,
      );
    },

    /**
     * New title and/or description at the chat's next rev (`info_rev` records it for the change
     * log). `undefined` when nothing differs (no rev burned) or there is no such chat.
     */
    updateInfo(chatId: string, patch: { title?: string; description?: string }, recheck: Recheck) {
      return withChatRev(
        db,
        chatId,
        async (tx, rev) => {
          const differs: SQL[] = [];
          if (patch.title !== undefined)
            differs.push(sql`${chatsTable.title} is distinct from ${patch.title}`);
          if (patch.description !== undefined)
            differs.push(sql`${chatsTable.description} is distinct from ${patch.description}`);
          const [row] = await tx
            .update(chatsTable)
            .set({ ...patch, infoRev: rev })
            .where(and(eq(chatsTable.id, chatId), or(...differs)))
            .returning();
          return row;
        },
        recheck,
      );
    },

    /**
     * Deletes the chat and everything in it; the ids of who were its members, `undefined` if none
     * such. `recheck` decides again under the row lock (an owner who left meanwhile deletes nothing).
     */
    deleteChat(chatId: string, recheck: Recheck) {
      return db.transaction(async (tx) => {
        // The row lock first: a send or join racing the delete either committed before (and
        // its member is in the list) or finds no chat.
        const [locked] = await tx
          .select({ id: chatsTable.id })
          .from(chatsTable)
          .where(eq(chatsTable.id, chatId))
          .for('update');
        if (!locked) return undefined;
        await decideAgain(tx, chatId, recheck);
        const members = await tx
          .select({ userId: chatMembersTable.userId })
          .from(chatMembersTable)
          .where(eq(chatMembersTable.chatId, chatId));
        await tx.delete(chatsTable).where(eq(chatsTable.id, chatId));
        return members.map((m) => m.userId);
      });
    },

    /** The member's mute switch; whether they are a member. */
    async setMuted(chatId: string, userId: string, muted: boolean): Promise<boolean> {
      const rows = await db
        .update(chatMembersTable)
        .set({ muted })
        .where(and(eq(chatMembersTable.chatId, chatId), eq(chatMembersTable.userId, userId)))
        .returning({ userId: chatMembersTable.userId });
      return rows.length > 0;
    },

    /** Moves the watermark forward only, never past last_seq; the new value if it moved. */
    async markRead(chatId: string, userId: string, seq: number): Promise<number | undefined> {
      const target = sql<number>`least(${seq}, (select ${chatsTable.lastSeq} from ${chatsTable} where ${chatsTable.id} = ${chatId}))`;
      const [row] = await db
        .update(chatMembersTable)
        .set({ readSeq: target })
        .where(
          and(
            eq(chatMembersTable.chatId, chatId),
            eq(chatMembersTable.userId, userId),
            lt(chatMembersTable.readSeq, target),
          ),
        )
        .returning({ readSeq: chatMembersTable.readSeq });
      return row?.readSeq;
    },

    /**
     * Who hears of a user's presence or profile: the chats they are in, each with its rev as
     * read here, in one snapshot (a removal committed before it is at or below that rev).
     */
    async audienceOf(userId: string): Promise<ChatAudience> {
      const rows = await db
        .select({ chatId: chatMembersTable.chatId, rev: chatsTable.lastRev })
        .from(chatMembersTable)
        .innerJoin(chatsTable, eq(chatsTable.id, chatMembersTable.chatId))
        .where(eq(chatMembersTable.userId, userId));
      return {
        chatIds: rows.map((r) => r.chatId),
        revs: Object.fromEntries(rows.map((r) => [r.chatId, r.rev])),
      };
    },

    usersByIds(ids: string[]) {
      if (ids.length === 0) return Promise.resolve([]);
      return db.select().from(usersTable).where(anyOf(usersTable.id, ids));
    },
  };
}
export type ChatsRepo = ReturnType<typeof createChatsRepo>;
