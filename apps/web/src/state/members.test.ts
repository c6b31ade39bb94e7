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
    const held: Member = {
      user: { ...bob, lastSeenAt: '2030-01-02T00:00:00.000Z' },
      role: 'member',
      joinedAt: at,
      joinedSeq: 0,
      joinedRev: 1,
      readSeq: 4,
    };
    qc.setQueryData<ChatDetailResponse>(queryKeys.chat('c1'), {
      chat: {} as ChatDetailResponse['chat'],
      members: [held],
    });
    const members = () => qc.getQueryData<ChatDetailResponse>(queryKeys.chat('c1'))!.members;
    putMember(qc, 'c1', { user: bob, role: 'admin', joinedAt: at, joinedSeq: 0, joinedRev: 1, readSeq: 2 });
    expect(members()).toEqual([{ ...held, role: 'admin' }]);
    putMember(qc, 'c1', {
      user: { ...bob, lastSeenAt: null },
      role: 'member',
      joinedAt: at,
      joinedSeq: 0,
      joinedRev: 1,
      readSeq: 5,
    });
    expect(members()).toEqual([
      {
        user: { ...bob, lastSeenAt: null },
        role: 'member',
        joinedAt: at,
        joinedSeq: 0,
        joinedRev: 1,
        readSeq: 5,
      },
    ]);
  });
});
