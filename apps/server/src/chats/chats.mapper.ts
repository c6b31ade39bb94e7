import type { Chat, Member } from '@chatsockets/protocol';
import { toUser, toUserWithLastSeen } from '../auth/users.mapper.js';
import type { UserRow } from '../auth/users.repo.js';
import { toMessage } from '../messages/messages.mapper.js';
import { capabilitiesOf } from './access.js';
import type { ChatView, MemberRow } from './chats.repo.js';

export const toChat = (row: ChatView, viewerId: string): Chat => ({
  id: row.chat.id,
  title: row.chat.kind === 'direct' ? (row.directTitle ?? row.chat.title) : row.chat.title,
  description: row.chat.description,
  kind: row.chat.kind,
  visibility: row.chat.visibility,
  createdAt: row.chat.createdAt.toISOString(),
  lastSeq: row.chat.lastSeq,
  lastMessage: row.last ? toMessage(row.last) : null,
  // PROTOCOL.md › Chats: `unreadCount` and `lastMessage`: the messages after the caller's read
  // marker that are not deleted (their own are behind it: a send moves it).
  unreadCount: row.role
    ? Math.max(0, row.chat.lastSeq - (row.readSeq ?? 0) - Number(row.deletedUnread ?? 0))
    : 0,
  readSeq: row.role ? (row.readSeq ?? 0) : 0,
  lastActivityAt: row.chat.lastActivityAt.toISOString(),
  role: row.role ?? null,
  rev: row.chat.lastRev,
  muted: row.muted ?? false,
  capabilities: capabilitiesOf(
    {
      chat: row.chat,
      member: row.role ? { role: row.role, userId: viewerId } : undefined,
      barred: row.barred === true,
    },
    viewerId,
  ),
  unreadMentionCount: row.role ? Number(row.mentionCount ?? 0) : 0,
  unreadMentionSeqs: row.role ? (row.mentionSeqs ?? []).map(Number) : [],
});

/**
 * Who the entry is for. `member`: a member of the chat who asked for its members, told
 * everything. `feed`: a member catching up (the change feed, a `subscribe` reply): no last seen
 * (members hold it from the list and `presence`). `anyone`: what may reach a public chat's
 * readers (their members list and feed, and what goes to every subscriber: `member.updated`
 * events, the hub's gap fill), told nothing of the members' presence and reading (PROTOCOL.md ›
 * Presence): no last seen, and no read marker (`readSeq: 0`), which moves when they read.
 * Members hold the markers from the list and `read` events.
 */
export const toMember = (
  member: MemberRow,
  user: UserRow,
  to: 'member' | 'feed' | 'anyone' = 'member',
): Member => ({
  user: to === 'member' ? toUserWithLastSeen(user) : toUser(user),
  role: member.role,
  joinedAt: member.joinedAt.toISOString(),
  joinedSeq: member.joinedSeq,
  joinedRev: member.joinedRev,
  readSeq: to === 'anyone' ? 0 : member.readSeq,
});
