import type { Capability } from '@chatsockets/protocol';
import { type SQL, sql } from 'drizzle-orm';
import type { Recheck } from '../db/chat-rev.js';
import { isId } from '../db/ids.js';
import { forbidden, notFound } from '../errors.js';
import type { ChatRow, ChatsRepo, MemberRow } from './chats.repo.js';

/**
 * The one place that decides who may do what in a chat (the Go prototype's TODO). Every
 * service method, HTTP or WebSocket, goes through here, so the two can never disagree.
 * PROTOCOL.md › Chats: no such chat → 404; exists but not allowed → 403.
 */
/** What the rules need of a membership. */
type Membership = Pick<MemberRow, 'role' | 'userId'>;

export interface ChatAccess {
  chat: ChatRow;
  member: Membership | undefined;
  /** Removed by another member, and not added back: may not come back on their own (bans.ts). */
  barred?: boolean;
}

const isManager = (a: ChatAccess) => a.member?.role === 'owner' || a.member?.role === 'admin';

export const rules = {
  /** Members read; anyone signed in may read a public chat (to look before joining). */
  read: (a: ChatAccess) => a.member !== undefined || a.chat.visibility === 'public',
  post: (a: ChatAccess) => a.member !== undefined,
  markRead: (a: ChatAccess) => a.member !== undefined,
  join: (a: ChatAccess) => a.chat.kind === 'group' && a.chat.visibility === 'public' && !a.barred,
  /** Private group: owner or admin. Public group: any member. Direct chats have fixed members. */
  addMember: (a: ChatAccess) =>
    a.chat.kind === 'group' && (a.chat.visibility === 'public' ? a.member !== undefined : isManager(a)),
  /** Owner removes anyone; admin removes plain members; anyone may leave a group chat. */
  removeMember: (a: ChatAccess, target: Membership, actorId: string) => {
    if (a.chat.kind !== 'group' || !a.member) return false;
    if (target.userId === actorId) return true;
    if (a.member.role === 'owner') return true;
    return a.member.role === 'admin' && target.role === 'member';
  },
  /** Only the owner appoints or demotes admins. */
  changeRole: (a: ChatAccess, target: Pick<Membership, 'role'>) =>
    a.chat.kind === 'group' && a.member?.role === 'owner' && target.role !== 'owner',
  /** The owner renames a group chat and sets its description (direct chats have no title of their own). */
  editInfo: (a: ChatAccess) => a.chat.kind === 'group' && a.member?.role === 'owner',
  /** Only the owner deletes a group chat, for everyone. */
  deleteChat: (a: ChatAccess) => a.chat.kind === 'group' && a.member?.role === 'owner',
  /** Owners and admins create and revoke a group chat's invite links. */
  invite: (a: ChatAccess) => a.chat.kind === 'group' && isManager(a),
  editMessage: (a: ChatAccess, authorId: string, actorId: string) =>
    a.member !== undefined && authorId === actorId,
  deleteMessage: (a: ChatAccess, authorId: string, actorId: string) =>
    a.member !== undefined && (authorId === actorId || isManager(a)),
  /** Members react; a reader of a public chat joins first. */
  react: (a: ChatAccess) => a.member !== undefined,
  /** Group chats: the owner and admins. A direct chat's two members both may, as in Telegram. */
  pin: (a: ChatAccess) => a.member !== undefined && (a.chat.kind === 'direct' || isManager(a)),
  /** `<@all>` reaches every member: owners and admins of group chats only. */
  mentionAll: (a: ChatAccess) => a.chat.kind === 'group' && isManager(a),
} as const;

export type Action = keyof typeof rules;

/**
 * The rules above, asked for the viewer, as the capabilities a client receives with each chat
 * (`Chat.capabilities`): the web app shows what these allow and derives nothing itself. Actions
 * on someone else are asked about a plain member, or an admin, who is not the viewer.
 */
export function capabilitiesOf(a: ChatAccess, viewerId: string): Capability[] {
  const someone = '00000000-0000-0000-0000-000000000000';
  const asked: Array<[Capability, boolean]> = [
    ['read', rules.read(a)],
    ['post', rules.post(a)],
    ['edit-own', rules.editMessage(a, viewerId, viewerId)],
    ['delete-own', rules.deleteMessage(a, viewerId, viewerId)],
    ['delete-any', rules.deleteMessage(a, someone, viewerId)],
    ['add-members', rules.addMember(a)],
    ['remove-members', rules.removeMember(a, { userId: someone, role: 'member' }, viewerId)],
    ['remove-admins', rules.removeMember(a, { userId: someone, role: 'admin' }, viewerId)],
    ['change-roles', rules.changeRole(a, { role: 'member' })],
    ['join', a.member === undefined && rules.join(a)],
    [
      'leave',
      a.member !== undefined && rules.removeMember(a, { userId: viewerId, role: a.member.role }, viewerId),
    ],
    ['edit-info', rules.editInfo(a)],
    ['delete-chat', rules.deleteChat(a)],
    ['invite', rules.invite(a)],
    ['react', rules.react(a)],
    ['pin', rules.pin(a)],
    ['mention-all', rules.mentionAll(a)],
  ];
  return asked.filter(([, yes]) => yes).map(([what]) => what);
}

/** Loads the chat and the actor's membership: 404 if there is no such chat. */
export async function loadAccess(chats: ChatsRepo, chatId: string, userId: string): Promise<ChatAccess> {
  if (!isId(chatId)) throw notFound('Chat');
  const row = await chats.findWithMembership(chatId, userId);
  if (!row) throw notFound('Chat');
  return { chat: row.chat, member: row.member ?? undefined, barred: row.barred === true };
}

export function assertAllowed(allowed: boolean, message: string): asserts allowed {
  if (!allowed) throw forbidden(message);
}

/**
 * `rule`, already checked on `access`, decided again for the actor under the chat's row lock
 * (the `recheck` of a change's transaction): by then the actor may have left or lost a role.
 */
export function underLock(
  actor: { user: { id: string } },
  access: ChatAccess,
  rule: (a: ChatAccess) => boolean,
  denied: string,
): Recheck {
  return {
    actorId: actor.user.id,
    allowed: (now) => assertAllowed(rule({ chat: access.chat, member: now.actor }), denied),
  };
}

/** Loads access and checks a chat-level action in one call: the common case. */
export async function authorize(
  chats: ChatsRepo,
  chatId: string,
  userId: string,
  action: 'read' | 'post' | 'markRead' | 'join' | 'addMember' | 'editInfo' | 'deleteChat' | 'invite',
): Promise<ChatAccess> {
  const access = await loadAccess(chats, chatId, userId);
  assertAllowed(rules[action](access), `Not allowed to ${ACTION_TEXT[action]} this chat`);
  return access;
}

const ACTION_TEXT = {
  read: 'read',
  post: 'post in',
  markRead: 'mark read in',
  join: 'join',
  addMember: 'add members to',
  editInfo: 'rename or describe',
  deleteChat: 'delete',
  invite: 'manage invite links of',
} as const;

/**
 * `rules.read` as a SQL condition on a chat id column, for queries that must decide access
 * row by row inside one statement (search): a chat the user is a member of, or, when the
 * caller named `publicChatId`, that chat if it is public. Without a named chat only member
 * chats count, so a search across chats never walks every public chat on the server.
 */
export function readableChatCondition(chatIdColumn: SQL, userId: string, publicChatId?: string): SQL {
  // `= any(array(...))`, not `exists`: the planner then ANDs one bitmap of the search index
  // with one of the member chats' rows, instead of probing the search index once per chat
  // (measured 6x faster for a common word over 1M messages; docs/BENCHMARKS.md › Search).
  const member = sql`${chatIdColumn} = any(array(select cm.chat_id from chat_members cm where cm.user_id = ${userId}))`;
  if (publicChatId === undefined) return member;
  return sql`(${member} or (${chatIdColumn} = ${publicChatId} and exists (select 1 from chats c where c.id = ${publicChatId} and c.visibility = 'public')))`;
}
