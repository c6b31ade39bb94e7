import type { Chat, ChatListResponse, Message } from '@chatsockets/protocol';
import { QueryClient } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import { queryKeys } from '../api/query-keys';
import type { PresenceMap } from '../features/chats/presence-cache';
import type { ChatMessages } from '../features/messages/messages-cache';
import type { TypingMap } from '../features/messages/typing-cache';
import { applyServerEvent } from './apply-server-event';

const me = { id: 'me', username: 'me', createdAt: '2030-01-01T00:00:00.000Z' };
const you = { id: 'you', username: 'you', createdAt: '2030-01-01T00:00:00.000Z' };

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
  ...over,
});

function chat(over: Partial<Chat> = {}): Chat {
  return {
    id: 'c1',
    title: 'T',
    kind: 'group',
    visibility: 'private',
    createdAt: '2030-01-01T00:00:00.000Z',
    lastSeq: 2,
    lastMessage: msg(2),
    unreadCount: 1,
    role: 'member',
    ...over,
  };
}

function setup(loaded = true) {
  const qc = new QueryClient();
  qc.setQueryData<ChatListResponse>(queryKeys.chatList(), { chats: [chat()] });
  if (loaded)
    qc.setQueryData<ChatMessages>(queryKeys.messages('c1'), { messages: [msg(1), msg(2)], hasOlder: false });
  const listed = () => qc.getQueryData<ChatListResponse>(queryKeys.chatList())!.chats[0]!;
  const held = () => qc.getQueryData<ChatMessages>(queryKeys.messages('c1'))?.messages.map((m) => m.seq);
  return { qc, listed, held };
}

describe('applyServerEvent', () => {
  it('[unread] a message from someone else counts up; my own moves my marker (as the server does)', () => {
    const { qc, listed, held } = setup();
    applyServerEvent(qc, { type: 'message.created', message: msg(3) }, me.id);
    expect(listed()).toMatchObject({ lastSeq: 3, unreadCount: 2, lastMessage: { seq: 3 } });
    expect(held()).toEqual([1, 2, 3]);
    applyServerEvent(qc, { type: 'message.created', message: msg(4, me) }, me.id);
    expect(listed()).toMatchObject({ lastSeq: 4, unreadCount: 0 });
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
    const deleted = msg(2, you, { body: '', deletedAt: '2030-01-02T00:00:00.000Z' });
    applyServerEvent(qc, { type: 'message.updated', message: deleted }, me.id);
    applyServerEvent(
      qc,
      { type: 'message.updated', message: msg(2, you, { editedAt: '2030-01-01T12:00:00.000Z' }) },
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
    const typing = () => Object.keys(qc.getQueryData<TypingMap>(queryKeys.typing('c1')) ?? {});
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
    expect(qc.getQueryData<PresenceMap>(queryKeys.presence())).toEqual({ you: true });
    applyServerEvent(qc, { type: 'presence', user: you, online: false }, me.id);
    expect(qc.getQueryData<PresenceMap>(queryKeys.presence())).toEqual({ you: false });
  });

  it('[members] when I leave or am removed, the chat goes from the list', () => {
    const { qc, held } = setup();
    applyServerEvent(qc, { type: 'member.left', chatId: 'c1', user: me }, me.id);
    expect(qc.getQueryData<ChatListResponse>(queryKeys.chatList())!.chats).toEqual([]);
    expect(held()).toBeUndefined();
  });
});
