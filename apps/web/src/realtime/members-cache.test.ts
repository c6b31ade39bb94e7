import type { ChatDetailResponse } from '@chatsockets/protocol';
import { QueryClient, QueryObserver } from '@tanstack/react-query';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { chatsApi } from '../api/chats.api';
import { chatDetailQuery } from '../api/queries';
import { seenBy } from '../state/members';
import { applyServerEvent } from './apply-server-event';

const at = '2030-01-01T00:00:00.000Z';
const user = (id: string) => ({ id, username: id, createdAt: at });
const detail: ChatDetailResponse = {
  chat: {
    id: 'c1',
    title: 'T',
    description: '',
    kind: 'group',
    visibility: 'private',
    createdAt: at,
    lastSeq: 1,
    lastMessage: null,
    unreadCount: 0,
    readSeq: 1,
    lastActivityAt: '2030-01-01T00:00:00.000Z',
    rev: 1,
    capabilities: ['read', 'post'],
    muted: false,
    unreadMentionCount: 0,
    unreadMentionSeqs: [],
    role: 'owner',
  },
  members: [
    { user: user('a'), role: 'owner', joinedAt: at, joinedSeq: 0, joinedRev: 1, readSeq: 1 },
    { user: user('b'), role: 'member', joinedAt: at, joinedSeq: 0, joinedRev: 1, readSeq: 0 },
  ],
};

const settle = () => new Promise((r) => setTimeout(r, 0));

afterEach(() => {
  vi.restoreAllMocks();
});

describe('seen by, through the detail query as SeenBy reads it', () => {
  it('[seen by] a `read` event reaches an observer that selects the names (structural sharing of a select)', async () => {
    vi.spyOn(chatsApi, 'detail').mockResolvedValue(detail);
    const qc = new QueryClient();
    const observer = new QueryObserver(qc, {
      ...chatDetailQuery('c1'),
      select: (d: ChatDetailResponse) => seenBy(d.members, 1, 'a'),
    });
    const shown: Array<string[] | undefined> = [];
    const stop = observer.subscribe((r) => shown.push(r.data));
    await settle();
    applyServerEvent(qc, { type: 'read', chatId: 'c1', userId: 'b', seq: 1 }, 'a');
    await settle();
    expect(shown.at(-1)).toEqual(['b']);
    stop();
  });

  it('[seen by] a refetch answered with an older watermark does not take it back', async () => {
    const detailFn = vi.spyOn(chatsApi, 'detail').mockResolvedValue(detail);
    const qc = new QueryClient();
    await qc.fetchQuery(chatDetailQuery('c1'));
    applyServerEvent(qc, { type: 'read', chatId: 'c1', userId: 'b', seq: 1 }, 'a');
    await qc.refetchQueries({ queryKey: chatDetailQuery('c1').queryKey });
    expect(detailFn).toHaveBeenCalledTimes(2);
    expect(seenBy(qc.getQueryData(chatDetailQuery('c1').queryKey)!.members, 1, 'a')).toEqual(['b']);
  });
});
