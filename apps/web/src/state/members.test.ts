import type { ChatDetailResponse, Member } from '@chatsockets/protocol';
import { QueryClient } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import { putMember } from './members';
import { queryKeys } from './query-keys';

const at = '2030-01-01T00:00:00.000Z';
const bob = { id: 'u-bob', username: 'bob', createdAt: at };

describe('putMember', () => {
  it('[last seen] a role change from an event (which carries no last seen) keeps the one held; one that carries it wins', () => {
    const qc = new QueryClient();
    const member = (over: Partial<Member>): Member => ({
      user: bob,
      role: 'member',
      joinedAt: at,
      joinedSeq: 0,
      joinedRev: 1,
      readSeq: 0,
      ...over,
    });
    const held = member({ user: { ...bob, lastSeenAt: '2030-01-02T00:00:00.000Z' }, readSeq: 4 });
    qc.setQueryData<ChatDetailResponse>(queryKeys.chat('c1'), {
      chat: {} as ChatDetailResponse['chat'],
      members: [held],
    });
    const members = () => qc.getQueryData<ChatDetailResponse>(queryKeys.chat('c1'))!.members;
    putMember(qc, 'c1', member({ role: 'admin', readSeq: 2 }));
    expect(members()).toEqual([{ ...held, role: 'admin' }]);
    const seen = member({ user: { ...bob, lastSeenAt: null }, readSeq: 5 });
    putMember(qc, 'c1', seen);
    expect(members()).toEqual([seen]);
  });
});
