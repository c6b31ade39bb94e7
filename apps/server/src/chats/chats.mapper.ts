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
 * `toReader`: for someone who reads a public chat without being in it, who is told nothing of
 * its members' presence (PROTOCOL.md › Presence), last seen included.
 */
export const toMember = (member: MemberRow, user: UserRow, toReader = false): Member => ({
  user: toReader ? toUser(user) : toUserWithLastSeen(user),
  role: member.role,
  joinedAt: member.joinedAt.toISOString(),
  readSeq: member.readSeq,
});
