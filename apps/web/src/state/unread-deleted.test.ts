import type { Chat, ChatDetailResponse, ChatListResponse, Message } from '@chatsockets/protocol';
import { QueryClient } from '@tanstack/react-query';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { chatsApi } from '../api/chats.api';
import { applyServerEvent } from '../realtime/apply-server-event';
import { applyReadSeq } from './chats';
import type { ChatMessages } from './messages';
import { queryKeys } from './query-keys';

// PROTOCOL.md › Chats: `unreadCount` and `lastMessage`: a deleted message is not unread and not
// the preview. The server owns the count; the client applies what it can tell and asks for the rest.
const you = { id: 'you', username: 'you' };
const me = { id: 'me', username: 'me' };
const gone = '2030-01-02T00:00:00.000Z';

const msg = (seq: number, over: Partial<Message> = {}): Message => ({
  id: `m${seq}`,
  chatId: 'c1',
  seq,
  author: you,
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
const tombstone = (seq: number, over: Partial<Message> = {}) =>
  msg(seq, { body: '', deletedAt: gone, rev: 10 + seq, ...over });

function chat(over: Partial<Chat> = {}): Chat {
  const c: Omit<Chat, 'readSeq' | 'lastActivityAt'> = {
    id: 'c1',
    title: 'T',
    description: '',
    kind: 'group',
    visibility: 'private',
    createdAt: '2030-01-01T00:00:00.000Z',
    lastSeq: 3,
    lastMessage: msg(3),
    unreadCount: 3,
    role: 'member',
    rev: 3,
    capabilities: [],
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

/** The chat list holds `listed`; the server, asked for the chat, answers `server`. */
function setup(listed: Chat, server: Chat | (() => Chat), held?: Message[]) {
  const qc = new QueryClient();
  qc.setQueryData<ChatListResponse>(queryKeys.chatList(), { chats: [listed] });
  if (held) qc.setQueryData<ChatMessages>(queryKeys.messages('c1'), { messages: held, hasOlder: false });
  const detail = vi.spyOn(chatsApi, 'detail').mockImplementation(
    async () =>
      ({
        chat: typeof server === 'function' ? server() : server,
        members: [],
      }) satisfies ChatDetailResponse,
  );
  const get = () => qc.getQueryData<ChatListResponse>(queryKeys.chatList())!.chats[0]!;
  const settled = () => vi.waitFor(() => expect(detail.mock.results.length).toBeGreaterThan(0)).then(flush);
  return { qc, get, detail, settled };
}
const flush = () => new Promise((r) => setTimeout(r, 0));

afterEach(() => {
  vi.restoreAllMocks();
});

describe('deleted messages in the chat list (client)', () => {
  it('[unread] an unread message deleted: the count and the preview come from that one chat', async () => {
    const { qc, get, detail, settled } = setup(chat(), chat({ unreadCount: 2, lastMessage: msg(2) }), [
      msg(1),
      msg(2),
      msg(3),
    ]);
    applyServerEvent(qc, { type: 'message.updated', message: tombstone(3) }, me.id);
    // Until the server answers, the deleted text is not shown.
    expect(get().lastMessage).toMatchObject({ seq: 3, deletedAt: gone, body: '' });
    await settled();
    expect(detail).toHaveBeenCalledWith('c1');
    expect(detail).toHaveBeenCalledTimes(1);
    expect(get()).toMatchObject({ lastSeq: 3, unreadCount: 2, lastMessage: { seq: 2, deletedAt: null } });
    expect(qc.getQueryState(queryKeys.chatList())?.isInvalidated ?? false).toBe(false);
  });

  it('[unread] my own message deleted, or any when nothing is unread: nothing to ask', async () => {
    const mine = setup(chat({ unreadCount: 1, lastMessage: msg(3) }), chat());
    applyServerEvent(mine.qc, { type: 'message.updated', message: tombstone(2, { author: me }) }, me.id);
    const none = setup(chat({ unreadCount: 0 }), chat());
    applyServerEvent(none.qc, { type: 'message.updated', message: tombstone(2) }, me.id);
    await flush();
    expect(mine.get()).toMatchObject({ unreadCount: 1, lastMessage: { seq: 3 } });
    expect(none.get()).toMatchObject({ unreadCount: 0, lastMessage: { seq: 3 } });
    expect(mine.detail).not.toHaveBeenCalled();
  });

  it('[unread] a new message that arrives deleted is not counted and not the preview', async () => {
    const { qc, get, detail } = setup(chat({ unreadCount: 1 }), chat());
    applyServerEvent(qc, { type: 'message.updated', message: tombstone(4) }, me.id);
    applyServerEvent(qc, { type: 'message.created', message: msg(5) }, me.id);
    expect(get()).toMatchObject({ lastSeq: 5, unreadCount: 2, lastMessage: { seq: 5 } });
    applyServerEvent(qc, { type: 'message.created', message: tombstone(6) }, me.id);
    expect(get()).toMatchObject({ lastSeq: 6, unreadCount: 2, lastMessage: { seq: 5 } });
    await flush();
    expect(detail).not.toHaveBeenCalled();
  });

  it('[read] reading up to a deleted tail clears the badge; part way over a deletion asks', async () => {
    // Marker at 1; 2 and 3 unread, 4 deleted: unread 2, lastSeq 4.
    const held = [msg(1), msg(2), msg(3), tombstone(4)];
    const { qc, get, detail, settled } = setup(
      chat({ lastSeq: 4, unreadCount: 2, readSeq: 1, lastMessage: msg(3) }),
      chat({ lastSeq: 4, unreadCount: 0, lastMessage: msg(3) }),
      held,
    );
    expect(get().readSeq).toBe(1);
    applyReadSeq(qc, 'c1', 3);
    await settled();
    expect(detail).toHaveBeenCalledTimes(1);
    expect(get().unreadCount).toBe(0);
  });

  it('[refresh] a copy older than the live events is not applied: the chat is read again', async () => {
    let calls = 0;
    const { qc, get, detail } = setup(chat(), () =>
      ++calls === 1
        ? chat({ lastSeq: 3, unreadCount: 2, lastMessage: msg(2) })
        : calls === 2
          ? chat({ lastSeq: 4, unreadCount: 3, lastMessage: msg(4) })
          : chat({ lastSeq: 5, unreadCount: 4, lastMessage: msg(5) }),
    );
    applyServerEvent(qc, { type: 'message.updated', message: tombstone(3) }, me.id);
    applyServerEvent(qc, { type: 'message.created', message: msg(4) }, me.id);
    applyServerEvent(qc, { type: 'message.created', message: msg(5) }, me.id);
    // The first answer (lastSeq 3) and the second (4) are behind 5: asked a third time.
    await vi.waitFor(() => expect(detail).toHaveBeenCalledTimes(3));
    await flush();
    expect(get()).toMatchObject({ lastSeq: 5, unreadCount: 4, lastMessage: { seq: 5 } });
    expect(detail).toHaveBeenCalledTimes(3);
  });
});
