import type { ChatDetailResponse, Member, User } from '@chatsockets/protocol';
import type { QueryClient } from '@tanstack/react-query';
import { queryKeys } from './query-keys';

// Live updates to a chat's members (the detail query): who is in it, their role, and their read
// watermark (`Member.readSeq`, docs/PROTOCOL.md › Additions), from which "Seen by" is computed.

function updateMembers(qc: QueryClient, chatId: string, fn: (members: Member[]) => Member[]): void {
  qc.setQueryData<ChatDetailResponse>(queryKeys.chat(chatId), (detail) => {
    if (!detail) return detail;
    const members = fn(detail.members);
    return members === detail.members ? detail : { ...detail, members };
  });
}

/** A member's read watermark moved (a `read` event, or their own message); it only moves forward. */
export function applyMemberReadSeq(qc: QueryClient, chatId: string, userId: string, seq: number): void {
  updateMembers(qc, chatId, (members) => {
    const i = members.findIndex((m) => m.user.id === userId);
    const member = members[i];
    if (!member || member.readSeq >= seq) return members;
    const next = [...members];
    next[i] = { ...member, readSeq: seq };
    return next;
  });
}

/**
 * Someone joined: shown at once as a plain member, there for what comes after `lastSeq` (events
 * arrive in rev order, so the chat's last seq as this client holds it is where the join found
 * it); the caller refetches for the server's copy.
 */
export function addMember(
  qc: QueryClient,
  chatId: string,
  user: User,
  at: { rev: number; lastSeq: number },
): void {
  updateMembers(qc, chatId, (members) =>
    members.some((m) => m.user.id === user.id)
      ? members
      : [
          ...members,
          {
            user,
            role: 'member',
            joinedAt: new Date().toISOString(),
            joinedRev: at.rev,
            joinedSeq: at.lastSeq,
            readSeq: at.lastSeq,
          },
        ],
  );
}

export function removeMember(qc: QueryClient, chatId: string, userId: string): void {
  updateMembers(qc, chatId, (members) =>
    members.some((m) => m.user.id === userId) ? members.filter((m) => m.user.id !== userId) : members,
  );
}

/** The server's answer to a role change (or an add) replaces that member's entry. */
export function putMember(qc: QueryClient, chatId: string, member: Member): void {
  updateMembers(qc, chatId, (members) => {
    const i = members.findIndex((m) => m.user.id === member.user.id);
    if (i < 0) return [...members, member];
    const next = [...members];
    const held = members[i]!;
    // The watermark the cache holds may be newer than the answer's. Events and the change feed
    // carry no last seen (readers get them too: PROTOCOL.md › Presence): the one held stays.
    const user =
      'lastSeenAt' in member.user || !('lastSeenAt' in held.user)
        ? member.user
        : { ...member.user, lastSeenAt: held.user.lastSeenAt };
    next[i] = { ...member, user, readSeq: Math.max(member.readSeq, held.readSeq) };
    return next;
  });
}

/**
 * A refetch of the detail must not undo a watermark a live `read` event moved while it was in
 * flight: per member, keep the higher `readSeq` (used as the detail query's structuralSharing).
 */
export function reconcileDetail(
  previous: ChatDetailResponse | undefined,
  next: ChatDetailResponse,
): ChatDetailResponse {
  if (!previous) return next;
  const seen = new Map(previous.members.map((m) => [m.user.id, m.readSeq]));
  return {
    ...next,
    members: next.members.map((m) => {
      const old = seen.get(m.user.id) ?? 0;
      return old > m.readSeq ? { ...m, readSeq: old } : m;
    }),
  };
}

/**
 * Who has seen message `seq`: current members there when it was sent (`joinedSeq` before it),
 * other than its author, whose watermark reached it (the same rule as GET …/readers, computed
 * from the cache). A member's watermark starts at the chat's end when they join, so it says
 * nothing of what came before.
 */
export function seenBy(members: readonly Member[], seq: number, authorId: string): string[] {
  return members
    .filter((m) => m.user.id !== authorId && m.readSeq >= seq && m.joinedSeq < seq)
    .map((m) => m.user.username);
}
