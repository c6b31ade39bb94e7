// @vitest-environment jsdom
import type { Chat, ChatListResponse, Message, User } from '@chatsockets/protocol';
import { QueryClient } from '@tanstack/react-query';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { initI18n } from '../i18n';
import { queryKeys } from '../state/query-keys';
import { useNotifyPrefs } from '../stores/notify-prefs.store';
import { Notifier } from './notifier';

initI18n('en');

const me: User = { id: 'u-me', username: 'me', createdAt: '2030-01-01T00:00:00.000Z' };
const bob = { id: 'u-bob', username: 'bob' };
const carol = { id: 'u-carol', username: 'carol' };

const chat: Chat = {
  id: 'c-1',
  title: 'Room',
  description: '',
  muted: false,
  kind: 'group',
  visibility: 'private',
  createdAt: '2030-01-01T00:00:00.000Z',
  lastSeq: 1,
  lastMessage: null,
  unreadCount: 0,
  role: 'member',
  rev: 1,
  capabilities: ['read', 'post'],
  unreadMentionCount: 0,
  unreadMentionSeqs: [],
};

const message = (body: string, mentions: string[]): Message => ({
  id: 'm-1',
  chatId: 'c-1',
  seq: 2,
  author: bob,
  body,
  clientId: 'x',
  createdAt: '2030-01-01T10:00:00.000Z',
  editedAt: null,
  deletedAt: null,
  rev: 2,
  replyTo: null,
  reactions: [],
  pinnedAt: null,
  mentions,
});

describe('Notifier', () => {
  const shown: Array<{ title: string; body?: string }> = [];
  beforeEach(() => {
    shown.length = 0;
    vi.stubGlobal(
      'Notification',
      class {
        static permission = 'granted';
        onclick: (() => void) | null = null;
        constructor(title: string, opts: { body?: string }) {
          shown.push({ title, body: opts.body });
        }
        close() {}
      },
    );
    Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
    useNotifyPrefs.setState({ enabled: true, sound: false });
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    Object.defineProperty(document, 'visibilityState', { value: 'visible', configurable: true });
  });

  it('[notifications] a mention names people in the body as the chat shows them, not "@…"', () => {
    const qc = new QueryClient();
    qc.setQueryData<ChatListResponse>(queryKeys.chatList(), { chats: [chat] });
    qc.setQueryData(queryKeys.chat('c-1'), {
      chat,
      members: [
        { user: { ...carol, createdAt: me.createdAt }, role: 'member', joinedAt: me.createdAt, readSeq: 0 },
      ],
    });
    const notifier = new Notifier(qc, me);
    notifier.onMessage(message('hey <@u-me>, ask <@u-carol> or <@u-bob>', ['u-me', 'u-carol', 'u-bob']));
    expect(shown).toHaveLength(1);
    expect(shown[0]!.body).toBe('hey @me, ask @carol or @bob');
    notifier.stop();
  });
});
