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
  replyTo: null,
  reactions: [],
  pinnedAt: null,
  mentions: [],
});

const shape = (rows: ReturnType<typeof buildRows>) =>
  rows.map((r) => (r.kind === 'divider' ? '|' : r.kind === 'date' ? 'D' : r.showHeader ? 'H' : '.'));

describe('buildRows', () => {
  it('[divider] goes before the first message from someone else after the read marker', () => {
    const items = buildTimeline([msg(1), msg(2, me), msg(3, me), msg(4), msg(5)], []);
    expect(shape(buildRows(items, 'me', 1))).toEqual(['D', 'H', 'H', '.', '|', 'H', '.']);
    expect(shape(buildRows(items, 'me', 5))).toEqual(['D', 'H', 'H', '.', 'H', '.']);
    expect(shape(buildRows(items, 'me', null))).toEqual(['D', 'H', 'H', '.', 'H', '.']);
  });

  it('[group] a new header after five quiet minutes', () => {
    const items = buildTimeline([msg(1, you, 0), msg(2, you, 3), msg(3, you, 10)], []);
    expect(shape(buildRows(items, 'me', null))).toEqual(['D', 'H', '.', 'H']);
  });

  it('[group] the first message after the divider names its author, even after the same author (#19 bug 5)', () => {
    const items = buildTimeline([msg(1), msg(2), msg(3)], []);
    expect(shape(buildRows(items, 'me', 1))).toEqual(['D', 'H', '|', 'H', '.']);
    expect(shape(buildRows(items, 'me', null))).toEqual(['D', 'H', '.', '.']);
  });

  it('[date] a separator opens each local day and starts a new group', () => {
    const at = (seq: number, d: number, h: number, min: number) => ({
      ...msg(seq),
      createdAt: new Date(2030, 0, d, h, min).toISOString(),
    });
    // 23:58 and 00:01 are three minutes apart, but on two days.
    const items = buildTimeline([at(1, 1, 23, 58), at(2, 2, 0, 1), at(3, 2, 0, 2), at(4, 5, 9, 0)], []);
    const rows = buildRows(items, 'me', null);
    expect(shape(rows)).toEqual(['D', 'H', 'D', 'H', '.', 'D', 'H']);
    expect(
      rows.filter((r) => r.kind === 'date').map((r) => new Date((r as { day: string }).day).getDate()),
    ).toEqual([1, 2, 5]);
    // The divider and a separator together: the separator first, then the divider.
    expect(shape(buildRows(items, 'me', 1))).toEqual(['D', 'H', 'D', '|', 'H', '.', 'D', 'H']);
    // With older messages still to load, the first day's start is unknown: no separator on top.
    expect(shape(buildRows(items, 'me', null, false))).toEqual(['H', 'D', 'H', '.', 'D', 'H']);
  });
});
