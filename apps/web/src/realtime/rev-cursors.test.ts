import { QueryClient } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import { RevCursors } from './rev-cursors';

describe('RevCursors', () => {
  it('[rev] applies the next rev and moves on; one already held is not applied again', () => {
    const cursors = new RevCursors(new QueryClient(), 'me');
    cursors.advance('c1', 4);
    expect(cursors.accept('c1', 4)).toBe(false);
    expect(cursors.accept('c1', 3)).toBe(false);
    expect(cursors.accept('c1', 5)).toBe(true);
    expect(cursors.get('c1')).toBe(5);
    cursors.advance('c1', 2);
    expect(cursors.get('c1')).toBe(5); // forward only
  });

  it('[rev] a chat without a cursor (not subscribed yet) takes events as they come', () => {
    const cursors = new RevCursors(new QueryClient(), 'me');
    expect(cursors.accept('new', 9)).toBe(true);
    expect(cursors.get('new')).toBeUndefined();
  });

  it('[members] a membership change older than one applied is refused (a fill read before a live event)', () => {
    const cursors = new RevCursors(new QueryClient(), 'me');
    expect(cursors.noteMember('c1', 'bob', 7)).toBe(true);
    expect(cursors.noteMember('c1', 'bob', 6)).toBe(false);
    expect(cursors.noteMember('c1', 'bob', 7)).toBe(false);
    expect(cursors.noteMember('c1', 'carol', 6)).toBe(true);
  });
});
