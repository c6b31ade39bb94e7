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
 * `withoutLastSeen`: for what may reach a public chat's readers, who are told nothing of its
 * members' presence (PROTOCOL.md › Presence), last seen included: the members list a reader asks
 * for, and every `member.updated` event and change-feed entry, which go to readers and members
 * alike (members hold last seen from the list and `presence`).
 */
export const toMember = (member: MemberRow, user: UserRow, withoutLastSeen = false): Member => ({
  user: withoutLastSeen ? toUser(user) : toUserWithLastSeen(user),
  role: member.role,
  joinedAt: member.joinedAt.toISOString(),
  readSeq: member.readSeq,
});
