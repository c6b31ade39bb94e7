import { LIMITS } from '@chatsockets/protocol';
import { and, desc, eq, gt, isNull, lt, or, sql } from 'drizzle-orm';
import { refuseIfBarred } from '../chats/bans.js';
import { insertMember } from '../chats/chats.repo.js';
import { decideAgain, type Recheck, withChatRev } from '../db/chat-rev.js';
import type { Db } from '../db/client.js';
import { chatInvitesTable, chatMembersTable, chatsTable, usersTable } from '../db/schema.js';

export type InviteRow = typeof chatInvitesTable.$inferSelect;
/** `insert`'s answer when the chat has `LIMITS.invitesLiveMax` live links already. */
export const TOO_MANY = 'too-many' as const;

const creator = { id: usersTable.id, username: usersTable.username, displayName: usersTable.displayName };

export function createInvitesRepo(db: Db) {
  /** The invite still lets someone in at `now`: not revoked, not expired, not used up. */
  const usable = (now: Date) =>
    and(
      isNull(chatInvitesTable.revokedAt),
      or(isNull(chatInvitesTable.expiresAt), gt(chatInvitesTable.expiresAt, now)),
      or(isNull(chatInvitesTable.maxUses), lt(chatInvitesTable.uses, chatInvitesTable.maxUses)),
    );

  return {
    /**
     * The new invite; `undefined` when the chat is gone. Under the chat's row lock, which every
     * membership change takes: `recheck` sees the creator as they are now (removed meanwhile:
     * refused, no link to come back in by).
     */
    insert(
      values: {
        chatId: string;
        token: string;
        createdBy: string;
        createdAt: Date;
        expiresAt: Date | null;
        maxUses: number | null;
      },
      recheck: Recheck,
    ) {
      return db.transaction(async (tx) => {
        const [locked] = await tx
          .select({ id: chatsTable.id })
          .from(chatsTable)
          .where(eq(chatsTable.id, values.chatId))
          .for('update');
        if (!locked) return undefined;
        await decideAgain(tx, values.chatId, recheck);
        // Counted under the lock: links made at once cannot all see room for one more.
        const [live] = await tx
          .select({ n: sql<number>`count(*)::int` })
          .from(chatInvitesTable)
          .where(and(eq(chatInvitesTable.chatId, values.chatId), usable(values.createdAt)));
        if (live!.n >= LIMITS.invitesLiveMax) return TOO_MANY;
        const [row] = await tx.insert(chatInvitesTable).values(values).returning();
        return row;
      });
    },

    /**
     * The chat's invites that were not revoked, newest first, with who made each: every live one
     * (at most `invitesLiveMax`) and the newest expired or used-up ones, `invitesListMax` in all.
     */
    listForChat(chatId: string, now: Date) {
      return db
        .select({ invite: chatInvitesTable, creator })
        .from(chatInvitesTable)
        .innerJoin(usersTable, eq(usersTable.id, chatInvitesTable.createdBy))
        .where(and(eq(chatInvitesTable.chatId, chatId), isNull(chatInvitesTable.revokedAt)))
        .orderBy(sql`(${usable(now)}) desc`, desc(chatInvitesTable.createdAt))
        .limit(LIMITS.invitesListMax)
        .then((rows) => rows.sort((a, b) => b.invite.createdAt.getTime() - a.invite.createdAt.getTime()));
    },

    async findById(chatId: string, inviteId: string) {
      const [row] = await db
        .select({ invite: chatInvitesTable, creator })
        .from(chatInvitesTable)
        .innerJoin(usersTable, eq(usersTable.id, chatInvitesTable.createdBy))
        .where(and(eq(chatInvitesTable.chatId, chatId), eq(chatInvitesTable.id, inviteId)));
      return row;
    },

    /** Revokes once; `undefined` when it was revoked already (or is not the chat's). */
    async revoke(chatId: string, inviteId: string, now: Date) {
      const [row] = await db
        .update(chatInvitesTable)
        .set({ revokedAt: now })
        .where(
          and(
            eq(chatInvitesTable.chatId, chatId),
            eq(chatInvitesTable.id, inviteId),
            isNull(chatInvitesTable.revokedAt),
          ),
        )
        .returning();
      return row;
    },

    /** The invite with its chat's title, description and member count (for the "Join?" page). */
    async findByToken(token: string) {
      const [row] = await db
        .select({
          invite: chatInvitesTable,
          chat: { id: chatsTable.id, title: chatsTable.title, description: chatsTable.description },
          memberCount: sql<number>`(select count(*)::int from ${chatMembersTable} where ${chatMembersTable.chatId} = ${chatsTable.id})`,
        })
        .from(chatInvitesTable)
        .innerJoin(chatsTable, eq(chatsTable.id, chatInvitesTable.chatId))
        .where(eq(chatInvitesTable.token, token));
      return row;
    },

    /**
     * Joins `userId` to the invite's chat at the chat's next rev, counting one use, in one
     * transaction: the chat row lock (the rev) serializes joins, and the use is counted only
     * while the invite is usable, so concurrent joins never pass `max_uses`. `undefined` (no rev
     * burned, no use counted) when the invite is not usable or the user is a member already.
     */
    join(invite: { id: string; chatId: string }, userId: string, now: Date) {
      return withChatRev(db, invite.chatId, async (tx, rev) => {
        // Refused by throwing, which rolls back the rev: a refused join costs the link nothing.
        await refuseIfBarred(tx, invite.chatId, userId);
        const [used] = await tx
          .update(chatInvitesTable)
          .set({ uses: sql`${chatInvitesTable.uses} + 1` })
          .where(and(eq(chatInvitesTable.id, invite.id), usable(now)))
          .returning({ id: chatInvitesTable.id });
        if (!used) return undefined;
        return insertMember(tx, invite.chatId, userId, 'member', rev);
      });
    },
  };
}
export type InvitesRepo = ReturnType<typeof createInvitesRepo>;
