import type { Message } from '@chatsockets/protocol';
import { describe, expect, it } from 'vitest';
import { noteMention, readMentions } from './chats';

const msg = (seq: number, mentions: string[], extra: Partial<Message> = {}): Message => ({
  id: `m${seq}`,
  chatId: 'c',
  seq,
  author: { id: 'bob', username: 'bob' },
  body: 'x',
  clientId: `c${seq}`,
  createdAt: '2030-01-01T00:00:00.000Z',
  editedAt: null,
  deletedAt: null,
  rev: seq,
  replyTo: null,
  reactions: [],
  pinnedAt: null,
  mentions,
  ...extra,
});
const m = (count: number, seqs: number[]) => ({ unreadMentionCount: count, unreadMentionSeqs: seqs });

describe('unread mentions kept by the client', () => {
  it('[mentions] a new message that mentions me (or all) counts; mine, others and deleted do not', () => {
    expect(noteMention(m(0, []), msg(5, ['me']), 'me', 4)).toEqual(m(1, [5]));
    expect(noteMention(m(1, [5]), msg(6, ['all']), 'me', 5)).toEqual(m(2, [5, 6]));
    expect(noteMention(m(0, []), msg(5, ['someone']), 'me', 4)).toEqual(m(0, []));
    expect(noteMention(m(0, []), msg(5, ['all'], { author: { id: 'me', username: 'me' } }), 'me', 4)).toEqual(
      m(0, []),
    );
    // A new one past a list that holds only the oldest: counted, not listed.
    expect(noteMention(m(150, [1, 2]), msg(300, ['me']), 'me', 299)).toEqual(m(151, [1, 2]));
  });

  it('[mentions] an edit adds or removes it; a delete removes it; a repeat changes nothing', () => {
    expect(noteMention(m(1, [5]), msg(3, ['me']), 'me', 9)).toEqual(m(2, [3, 5]));
    expect(noteMention(m(2, [3, 5]), msg(3, []), 'me', 9)).toEqual(m(1, [5]));
    expect(noteMention(m(1, [5]), msg(5, [], { deletedAt: '2030-01-01T00:00:01.000Z' }), 'me', 9)).toEqual(
      m(0, []),
    );
    const same = m(1, [5]);
    expect(noteMention(same, msg(5, ['me']), 'me', 9)).toBe(same);
  });

  it('[mentions] reading drops the ones read; when only the oldest were listed and all are read, ask the server', () => {
    expect(readMentions(m(3, [2, 5, 9]), 5)).toEqual(m(1, [9]));
    expect(readMentions(m(3, [2, 5, 9]), 1)).toEqual(m(3, [2, 5, 9]));
    expect(readMentions(m(3, [2, 5, 9]), 9)).toEqual(m(0, []));
    expect(readMentions(m(150, [2, 5]), 9)).toBe('unknown');
    // An edit in the unlisted tail cannot be placed without the server.
    expect(noteMention(m(150, [2, 5]), msg(50, ['me']), 'me', 400)).toBe('unknown');
  });
});
