import type { Chat, ChatDetailResponse, ChatListResponse, Member, Message } from '@chatsockets/protocol';
import { QueryClient } from '@tanstack/react-query';
import { beforeEach, describe, expect, it } from 'vitest';
import { reconcileChatLists, sortChats } from '../state/chats';
import { reconcileDetail, seenBy } from '../state/members';
import type { ChatMessages } from '../state/messages';
import { usePresenceStore } from '../state/presence';
import { queryKeys } from '../state/query-keys';
import { useRemovedStore } from '../state/removed';
import { resetEphemeralState } from '../state/session';
import { useTypingStore } from '../state/typing';
import { applyServerEvent } from './apply-server-event';

const me = { id: 'me', username: 'me', createdAt: '2030-01-01T00:00:00.000Z' };
const you = { id: 'you', username: 'you', createdAt: '2030-01-01T00:00:00.000Z' };
const them = { id: 'them', username: 'them', createdAt: '2030-01-01T00:00:00.000Z' };

const member = (user: typeof me, readSeq: number, role: Member['role'] = 'member'): Member => ({
  user,
  role,
  joinedAt: '2030-01-01T00:00:00.000Z',
  joinedSeq: 0,
  joinedRev: 1,
  readSeq,
});

const msg = (seq: number, author = you, over: Partial<Message> = {}): Message => ({
  id: `m${seq}`,
  chatId: 'c1',
  seq,
  author: { id: author.id, username: author.username },
  body: `b${seq}`,
  clientId: `k${seq}`,
  createdAt: new Date(Date.UTC(2030, 0, 1, 0, seq)).toISOString(),
  editedAt: null,
  deletedAt: null,
  rev: seq,
  replyTo: null,
  reactions: [],
  pinnedAt: null,
  mentions: [],
  ...over,
});

function chat(over: Partial<Chat> = {}): Chat {
  const c: Omit<Chat, 'readSeq' | 'lastActivityAt'> = {
    id: 'c1',
    title: 'T',
    description: '',
    kind: 'group',
    visibility: 'private',
    createdAt: '2030-01-01T00:00:00.000Z',
    lastSeq: 2,
    lastMessage: msg(2),
    unreadCount: 1,
    role: 'member',
    rev: 4,
    capabilities: ['read', 'post', 'edit-own', 'delete-own', 'leave'],
    muted: false,
    unreadMentionCount: 0,
    unreadMentionSeqs: [],
    ...over,
  };
  // The marker and the order as the server would send them, unless the test sets them.
  return {
    ...c,
    readSeq: over.readSeq ?? c.lastSeq - c.unreadCount,
    lastActivityAt: over.lastActivityAt ?? c.createdAt,
  };
}

function setup(loaded = true) {
  const qc = new QueryClient();
  qc.setQueryData<ChatListResponse>(queryKeys.chatList(), { chats: [chat()] });
  if (loaded)
    qc.setQueryData<ChatMessages>(queryKeys.messages('c1'), { messages: [msg(1), msg(2)], hasOlder: false });
  const listed = () => qc.getQueryData<ChatListResponse>(queryKeys.chatList())!.chats[0]!;
  qc.setQueryData<ChatDetailResponse>(queryKeys.chat('c1'), {
    chat: chat(),
    members: [member(me, 1, 'owner'), member(you, 2)],
  });
  const held = () => qc.getQueryData<ChatMessages>(queryKeys.messages('c1'))?.messages.map((m) => m.seq);
  const members = () => qc.getQueryData<ChatDetailResponse>(queryKeys.chat('c1'))?.members;
  const listInvalidated = () => qc.getQueryState(queryKeys.chatList())?.isInvalidated ?? false;
  return { qc, listed, held, members, listInvalidated };
}

describe('applyServerEvent', () => {
  beforeEach(resetEphemeralState);

  it('[unread] a message from someone else counts up; my own moves my marker (as the server does)', () => {
    const { qc, listed, held } = setup();
    applyServerEvent(qc, { type: 'message.created', message: msg(3) }, me.id);
    expect(listed()).toMatchObject({ lastSeq: 3, unreadCount: 2, readSeq: 1, lastMessage: { seq: 3 } });
    expect(held()).toEqual([1, 2, 3]);
    applyServerEvent(qc, { type: 'message.created', message: msg(4, me) }, me.id);
    expect(listed()).toMatchObject({
      lastSeq: 4,
      unreadCount: 0,
      readSeq: 4,
      lastActivityAt: msg(4).createdAt,
    });
  });

  it('[order] the list is in the server’s order, by last activity: a chat whose newest message was deleted keeps its place', () => {
    const { qc } = setup();
    const other = chat({ id: 'c2', lastSeq: 3, lastMessage: msg(3), lastActivityAt: msg(3).createdAt });
    qc.setQueryData<ChatListResponse>(queryKeys.chatList(), (l) => ({ chats: [...l!.chats, other] }));
    // c1's newest message comes and is deleted at once: its preview stays the older one.
    applyServerEvent(
      qc,
      { type: 'message.created', message: msg(5, you, { deletedAt: msg(5).createdAt }) },
      me.id,
    );
    const list = qc.getQueryData<ChatListResponse>(queryKeys.chatList())!.chats;
    expect(list.find((c) => c.id === 'c1')).toMatchObject({
      lastMessage: { seq: 2 },
      lastActivityAt: msg(5).createdAt,
    });
    expect(sortChats(list).map((c) => c.id)).toEqual(['c1', 'c2']);
    // Same activity: the server's tie-break, the higher id first.
    expect(
      sortChats([
        { ...other, id: 'a' },
        { ...other, id: 'b' },
      ]).map((c) => c.id),
    ).toEqual(['b', 'a']);
  });

  it('[dedupe] a repeated or late event changes nothing', () => {
    const { qc, listed, held } = setup();
    applyServerEvent(qc, { type: 'message.created', message: msg(3) }, me.id);
    applyServerEvent(qc, { type: 'message.created', message: msg(3) }, me.id);
    applyServerEvent(qc, { type: 'message.created', message: msg(1) }, me.id);
    expect(held()).toEqual([1, 2, 3]);
    expect(listed().unreadCount).toBe(2);
  });

  it('[gap] seq n then n+2 is held with its hole, for catch-up to fill', () => {
    const { qc, held, listed } = setup();
    applyServerEvent(qc, { type: 'message.created', message: msg(4) }, me.id);
    expect(held()).toEqual([1, 2, 4]);
    expect(listed()).toMatchObject({ lastSeq: 4, unreadCount: 3 });
  });

  it('[unloaded] a chat whose messages are not loaded only updates the list', () => {
    const { qc, held, listed } = setup(false);
    applyServerEvent(qc, { type: 'message.created', message: msg(3) }, me.id);
    expect(held()).toBeUndefined();
    expect(listed().lastSeq).toBe(3);
  });

  it('[edit] updates replace the message and the preview, never go back', () => {
    const { qc, listed } = setup();
    const deleted = msg(2, you, { body: '', deletedAt: '2030-01-02T00:00:00.000Z', rev: 9 });
    applyServerEvent(qc, { type: 'message.updated', message: deleted }, me.id);
    applyServerEvent(
      qc,
      { type: 'message.updated', message: msg(2, you, { editedAt: '2030-01-01T12:00:00.000Z', rev: 8 }) },
      me.id,
    );
    expect(qc.getQueryData<ChatMessages>(queryKeys.messages('c1'))!.messages[1]).toEqual(deleted);
    expect(listed().lastMessage).toEqual(deleted);
  });

  it('[read] my read marker from another tab clears the badge; only forward', () => {
    const { qc, listed } = setup();
    applyServerEvent(qc, { type: 'read', chatId: 'c1', userId: me.id, seq: 2 }, me.id);
    expect(listed().unreadCount).toBe(0);
    applyServerEvent(qc, { type: 'message.created', message: msg(3) }, me.id);
    applyServerEvent(qc, { type: 'read', chatId: 'c1', userId: me.id, seq: 1 }, me.id);
    expect(listed().unreadCount).toBe(1);
  });

  it('[typing] appears, and goes when active:false or their message arrives', () => {
    const { qc } = setup();
    const typing = () => Object.keys(useTypingStore.getState().byChat.c1 ?? {});
    applyServerEvent(qc, { type: 'typing', chatId: 'c1', user: you }, me.id);
    expect(typing()).toEqual(['you']);
    applyServerEvent(qc, { type: 'message.created', message: msg(3) }, me.id);
    expect(typing()).toEqual([]);
    applyServerEvent(qc, { type: 'typing', chatId: 'c1', user: you }, me.id);
    applyServerEvent(qc, { type: 'typing', chatId: 'c1', user: you, active: false }, me.id);
    expect(typing()).toEqual([]);
  });

  it('[presence] online and offline per user', () => {
    const { qc } = setup();
    applyServerEvent(qc, { type: 'presence', user: you, online: true }, me.id);
    expect(usePresenceStore.getState().online).toEqual({ you: true });
    applyServerEvent(qc, { type: 'presence', user: you, online: false }, me.id);
    expect(usePresenceStore.getState().online).toEqual({ you: false });
  });

  it('[members] when I leave or am removed, the chat goes from the list', () => {
    const { qc, held } = setup();
    applyServerEvent(qc, { type: 'member.left', chatId: 'c1', user: me, rev: 5 }, me.id);
    expect(qc.getQueryData<ChatListResponse>(queryKeys.chatList())!.chats).toEqual([]);
    expect(held()).toBeUndefined();
  });

  it('[members] someone else leaving or joining keeps the members list in sync; the list stays', () => {
    const { qc, members, listInvalidated } = setup();
    applyServerEvent(qc, { type: 'member.joined', chatId: 'c1', user: them, rev: 5 }, me.id);
    expect(members()?.map((m) => m.user.id)).toEqual(['me', 'you', 'them']);
    expect(listInvalidated()).toBe(false);
    applyServerEvent(qc, { type: 'member.left', chatId: 'c1', user: you, rev: 5 }, me.id);
    expect(members()?.map((m) => m.user.id)).toEqual(['me', 'them']);
    expect(qc.getQueryData<ChatListResponse>(queryKeys.chatList())!.chats).toHaveLength(1);
  });

  it('[members] added to a chat, or a direct chat started with me (user = the starter): the list refetches', () => {
    const direct = setup();
    applyServerEvent(direct.qc, { type: 'member.joined', chatId: 'new', user: you, rev: 5 }, me.id);
    expect(direct.listInvalidated()).toBe(true);
    const added = setup();
    applyServerEvent(added.qc, { type: 'member.joined', chatId: 'c1', user: me, rev: 5 }, me.id);
    expect(added.listInvalidated()).toBe(true);
  });

  it('[members] removed: the open chat can say so; joining again clears it', () => {
    const { qc } = setup();
    const removed = () => useRemovedStore.getState().removed;
    applyServerEvent(qc, { type: 'member.left', chatId: 'c1', user: me, rev: 5 }, me.id);
    expect(removed()).toEqual({ c1: 'removed' });
    applyServerEvent(qc, { type: 'member.joined', chatId: 'c1', user: me, rev: 5 }, me.id);
    expect(removed()).toEqual({});
  });

  it('[roles] a role change updates that member at once; a change of mine also my role in the list', () => {
    const { qc, listed, members } = setup();
    applyServerEvent(
      qc,
      { type: 'member.updated', chatId: 'c1', member: member(you, 0, 'admin'), rev: 6 },
      me.id,
    );
    expect(members()!.find((m) => m.user.id === you.id)).toMatchObject({ role: 'admin', readSeq: 2 });
    expect(listed().role).toBe('member');
    applyServerEvent(
      qc,
      { type: 'member.updated', chatId: 'c1', member: member(me, 1, 'admin'), rev: 6 },
      me.id,
    );
    expect(listed().role).toBe('admin');
  });

  it("[seen by] another member's read moves their watermark, not my badge; only forward", () => {
    const { qc, listed, members } = setup();
    applyServerEvent(qc, { type: 'message.created', message: msg(3, me) }, me.id);
    expect(seenBy(members()!, 3, me.id)).toEqual([]);
    applyServerEvent(qc, { type: 'read', chatId: 'c1', userId: you.id, seq: 3 }, me.id);
    expect(listed().unreadCount).toBe(0);
    expect(seenBy(members()!, 3, me.id)).toEqual(['you']);
    applyServerEvent(qc, { type: 'read', chatId: 'c1', userId: you.id, seq: 1 }, me.id);
    expect(members()!.find((m) => m.user.id === you.id)!.readSeq).toBe(3);
    // The author is never a reader of their own message.
    expect(seenBy(members()!, 1, me.id)).toEqual(['you']);
  });

  it('[seen by] a reply moves its author’s watermark (sending marks read, as on the server)', () => {
    const { qc, members } = setup();
    applyServerEvent(qc, { type: 'message.created', message: msg(3, me) }, me.id);
    applyServerEvent(qc, { type: 'message.created', message: msg(4, you) }, me.id);
    expect(seenBy(members()!, 3, me.id)).toEqual(['you']);
  });

  it('[seen by] someone who joined after a message is not among its readers, though their watermark starts past it', () => {
    const joinedAfter = (seq: number) => ({ ...member(you, 9), joinedSeq: seq });
    expect(seenBy([member(me, 9), joinedAfter(2)], 3, me.id)).toEqual(['you']);
    expect(seenBy([member(me, 9), joinedAfter(3)], 3, me.id)).toEqual([]);
    // Joined live: there for what comes after the chat's end as this client holds it.
    const { qc, members } = setup();
    applyServerEvent(qc, { type: 'member.joined', chatId: 'c1', user: them, rev: 5 }, me.id);
    expect(members()!.find((m) => m.user.id === them.id)).toMatchObject({ joinedSeq: 2, readSeq: 2 });
    applyServerEvent(qc, { type: 'read', chatId: 'c1', userId: them.id, seq: 3 }, me.id);
    expect(seenBy(members()!, 2, me.id)).not.toContain('them');
    expect(seenBy(members()!, 3, me.id)).toContain('them');
  });

  it('[seen by] a refetch that raced a read event keeps the newer watermark', () => {
    const prev: ChatDetailResponse = { chat: chat(), members: [member(me, 5), member(you, 4)] };
    const next: ChatDetailResponse = { chat: chat(), members: [member(me, 5), member(you, 2, 'admin')] };
    const merged = reconcileDetail(prev, next);
    expect(merged.members.map((m) => [m.readSeq, m.role])).toEqual([
      [5, 'member'],
      [4, 'admin'],
    ]);
  });

  it('[chat info] chat.updated renames the chat in the list and the open detail', () => {
    const { qc, listed } = setup();
    applyServerEvent(
      qc,
      { type: 'chat.updated', chatId: 'c1', title: 'Plans', description: 'About', rev: 5 },
      me.id,
    );
    expect(listed()).toMatchObject({ title: 'Plans', description: 'About' });
    expect(qc.getQueryData<ChatDetailResponse>(queryKeys.chat('c1'))?.chat).toMatchObject({
      title: 'Plans',
      description: 'About',
    });
  });

  it('[chat deleted] chat.deleted drops the chat, its messages, and says it was deleted', () => {
    const { qc, held } = setup();
    applyServerEvent(qc, { type: 'chat.deleted', chatId: 'c1' }, me.id);
    expect(qc.getQueryData<ChatListResponse>(queryKeys.chatList())!.chats).toEqual([]);
    expect(held()).toBeUndefined();
    expect(useRemovedStore.getState().removed.c1).toBe('deleted');
  });

  it('[chat info] a list poll read before a rename does not undo it', () => {
    const renamed = chat({ title: 'New', rev: 6 });
    const stale = chat({ title: 'Old', rev: 5 });
    const merged = reconcileChatLists({ chats: [renamed] }, { chats: [stale] });
    expect(merged.chats[0]).toMatchObject({ title: 'New' });
    expect(reconcileChatLists({ chats: [stale] }, { chats: [renamed] }).chats[0]).toMatchObject({
      title: 'New',
    });
  });

  it('[profile] user.updated renames the member everywhere; an offline presence carries last seen, or hides it', () => {
    const { qc, members } = setup();
    qc.setQueryData<ChatDetailResponse>(queryKeys.chat('c1'), {
      chat: chat(),
      // Fetched before either was ever seen: `me` shows it (null), the copy of `you` has no key.
      members: [member({ ...me, lastSeenAt: null } as typeof me, 1, 'owner'), member(you, 2)],
    });
    applyServerEvent(qc, { type: 'user.updated', user: { ...me, displayName: 'Me Myself' } }, you.id);
    expect(members()![0]!.user).toMatchObject({ displayName: 'Me Myself', lastSeenAt: null });
    const seen = '2026-12-01T00:00:00.000Z';
    applyServerEvent(qc, { type: 'presence', user: { ...you, lastSeenAt: seen }, online: false }, me.id);
    expect(members()![1]!.user.lastSeenAt).toBe(seen);
    // `me` hides last seen: the event has no key, and no copy keeps one.
    applyServerEvent(qc, { type: 'presence', user: me, online: false }, you.id);
    expect('lastSeenAt' in members()![0]!.user).toBe(false);
    applyServerEvent(qc, { type: 'user.updated', user: me }, you.id);
    expect(members()![0]!.user.displayName).toBeUndefined();
  });
});
