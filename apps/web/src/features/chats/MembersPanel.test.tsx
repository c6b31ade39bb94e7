// @vitest-environment jsdom
import type { Chat, ChatDetailResponse } from '@chatsockets/protocol';
import { screen } from '@testing-library/react';
import { describe, expect, vi } from 'vitest';
import { queryKeys } from '../../state/query-keys';
import { me, other, test } from '../../test/component';
import { MembersPanel } from './MembersPanel';

const chat: Chat = {
  id: 'c-1',
  title: 'Team',
  description: '',
  kind: 'group',
  visibility: 'private',
  createdAt: '2030-01-01T00:00:00.000Z',
  lastSeq: 0,
  lastMessage: null,
  unreadCount: 0,
  readSeq: 0,
  lastActivityAt: '2030-01-01T00:00:00.000Z',
  role: 'owner',
  rev: 2,
  capabilities: ['read', 'post', 'remove-members', 'leave'],
  muted: false,
  unreadMentionCount: 0,
  unreadMentionSeqs: [],
};
const detail: ChatDetailResponse = {
  chat,
  members: [
    { user: me, role: 'owner', joinedAt: chat.createdAt, joinedSeq: 0, joinedRev: 1, readSeq: 0 },
    { user: other, role: 'member', joinedAt: chat.createdAt, joinedSeq: 0, joinedRev: 1, readSeq: 0 },
  ],
};

describe('MembersPanel', () => {
  test('[confirm] Remove and Leave ask first; Cancel sends nothing, confirming sends the DELETE', async ({
    qc,
    view,
  }) => {
    const fetch = vi.fn(async () => new Response(null, { status: 204 }));
    vi.stubGlobal('fetch', fetch);
    try {
      // No refetch while the test runs: the panel shows what the cache holds.
      qc.setQueryDefaults(queryKeys.chat('c-1'), { staleTime: Infinity });
      qc.setQueryData(queryKeys.chat('c-1'), detail);
      const { user } = view(<MembersPanel chat={chat} self={me} />);
      await user.click(screen.getByRole('button', { name: 'Remove other' }));
      expect(screen.getByRole('group', { name: 'Remove other from this chat?' })).toBeTruthy();
      await user.click(screen.getByRole('button', { name: 'Cancel' }));
      await user.click(screen.getByRole('button', { name: 'Leave chat' }));
      await user.click(screen.getByRole('button', { name: 'Cancel' }));
      expect(fetch).not.toHaveBeenCalled();

      await user.click(screen.getByRole('button', { name: 'Remove other' }));
      await user.click(screen.getByRole('button', { name: 'Remove' }));
      await vi.waitFor(() => expect(fetch).toHaveBeenCalledOnce());
      const [url, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
      expect([init.method, url]).toEqual(['DELETE', '/api/chats/c-1/members/u-other']);
    } finally {
      vi.unstubAllGlobals();
    }
    // Role queries walk jsdom's accessibility tree: slow on a busy machine, and not what is tested.
  }, 30_000);
});
