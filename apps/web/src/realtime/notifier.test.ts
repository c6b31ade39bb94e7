// @vitest-environment jsdom
import type { ChatListResponse } from '@chatsockets/protocol';
import { QueryClient } from '@tanstack/react-query';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { queryKeys } from '../state/query-keys';
import { useNotifyPrefs } from '../stores/notify-prefs.store';
import { chatOf, me, messageOf } from '../test/component';
import { Notifier } from './notifier';

const bob = { id: 'u-bob', username: 'bob' };
const carol = { id: 'u-carol', username: 'carol' };
const chat = chatOf();
const message = (body: string, mentions: string[]) =>
  messageOf({ seq: 2, author: bob, body, clientId: 'x', rev: 2, mentions });

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
        {
          user: { ...carol, createdAt: me.createdAt },
          role: 'member',
          joinedAt: me.createdAt,
          joinedSeq: 0,
          joinedRev: 1,
          readSeq: 0,
        },
      ],
    });
    const notifier = new Notifier(qc, me);
    notifier.onMessage(message('hey <@u-me>, ask <@u-carol> or <@u-bob>', ['u-me', 'u-carol', 'u-bob']));
    expect(shown).toHaveLength(1);
    expect(shown[0]!.body).toBe('hey @me, ask @carol or @bob');
    notifier.stop();
  });
});
