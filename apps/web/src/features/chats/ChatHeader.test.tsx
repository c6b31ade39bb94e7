// @vitest-environment jsdom
import type { Chat, User } from '@chatsockets/protocol';
import { screen } from '@testing-library/react';
import { describe, expect } from 'vitest';
import { me, other, test } from '../../test/component';
import { ChatHeader } from './ChatHeader';

const chat: Chat = {
  id: 'c-1',
  title: '',
  description: '',
  kind: 'direct',
  visibility: 'private',
  createdAt: '2030-01-01T00:00:00.000Z',
  lastSeq: 0,
  lastMessage: null,
  unreadCount: 0,
  readSeq: 0,
  lastActivityAt: '2030-01-01T00:00:00.000Z',
  role: 'member',
  rev: 2,
  capabilities: ['read', 'post'],
  muted: false,
  unreadMentionCount: 0,
  unreadMentionSeqs: [],
};
const members = (peer: User) => [
  { user: me, role: 'member' as const, joinedAt: chat.createdAt, joinedSeq: 0, joinedRev: 1, readSeq: 0 },
  { user: peer, role: 'member' as const, joinedAt: chat.createdAt, joinedSeq: 0, joinedRev: 1, readSeq: 0 },
];

describe('ChatHeader', () => {
  test('[presence] a direct chat with someone who hides last seen says "last seen recently", not "offline"', ({
    view,
  }) => {
    // The server leaves `lastSeenAt` out for a user who hides it (PROTOCOL.md › Presence).
    expect('lastSeenAt' in other).toBe(false);
    view(<ChatHeader chat={chat} members={members(other)} self={me} />);
    expect(screen.getByText('last seen recently')).toBeTruthy();
  });

  test('[presence] someone never seen online is "offline"', ({ view }) => {
    view(<ChatHeader chat={chat} members={members({ ...other, lastSeenAt: null })} self={me} />);
    expect(screen.getByText('offline')).toBeTruthy();
  });
});
