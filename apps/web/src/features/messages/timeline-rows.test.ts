import type { Message } from '@chatsockets/protocol';
import { describe, expect, it } from 'vitest';
import { buildTimeline } from '../../state/merge-messages';
import { buildRows } from './timeline-rows';

const me = { id: 'me', username: 'me' };
const you = { id: 'you', username: 'you' };
const msg = (seq: number, author = you, minute = seq): Message => ({
  id: `m${seq}`,
  chatId: 'c',
  seq,
  author,
  body: 'x',
  clientId: `c${seq}`,
  createdAt: new Date(Date.UTC(2030, 0, 1, 0, minute)).toISOString(),
  editedAt: null,
  deletedAt: null,
  rev: 1,
  mentions: [],
});

const shape = (rows: ReturnType<typeof buildRows>) =>
  rows.map((r) => (r.kind === 'divider' ? '|' : r.showHeader ? 'H' : '.'));

describe('buildRows', () => {
  it('[divider] goes before the first message from someone else after the read marker', () => {
    const items = buildTimeline([msg(1), msg(2, me), msg(3, me), msg(4), msg(5)], []);
    expect(shape(buildRows(items, 'me', 1))).toEqual(['H', 'H', '.', '|', 'H', '.']);
    expect(shape(buildRows(items, 'me', 5))).toEqual(['H', 'H', '.', 'H', '.']);
    expect(shape(buildRows(items, 'me', null))).toEqual(['H', 'H', '.', 'H', '.']);
  });

  it('[group] a new header after five quiet minutes', () => {
    const items = buildTimeline([msg(1, you, 0), msg(2, you, 3), msg(3, you, 10)], []);
    expect(shape(buildRows(items, 'me', null))).toEqual(['H', '.', 'H']);
  });

  it('[group] the first message after the divider names its author, even after the same author (#19 bug 5)', () => {
    const items = buildTimeline([msg(1), msg(2), msg(3)], []);
    expect(shape(buildRows(items, 'me', 1))).toEqual(['H', '|', 'H', '.']);
    expect(shape(buildRows(items, 'me', null))).toEqual(['H', '.', '.']);
  });
});
