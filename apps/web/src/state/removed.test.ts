import { afterEach, describe, expect, it } from 'vitest';
import { clearRemoved, markRemoved, useRemovedStore } from './removed';

describe('removed', () => {
  afterEach(() => useRemovedStore.setState({ removed: {} }));

  it('[members] a refusal that only says "gone" keeps the reason already known', () => {
    markRemoved('c-1', 'removed');
    markRemoved('c-1', 'gone');
    markRemoved('c-2', 'deleted');
    markRemoved('c-2', 'gone');
    markRemoved('c-3', 'gone');
    expect(useRemovedStore.getState().removed).toEqual({ 'c-1': 'removed', 'c-2': 'deleted', 'c-3': 'gone' });
    // Our own leave stays "left"; joining again clears it.
    markRemoved('c-4', 'left');
    markRemoved('c-4', 'removed');
    expect(useRemovedStore.getState().removed['c-4']).toBe('left');
    clearRemoved('c-4');
    expect(useRemovedStore.getState().removed['c-4']).toBeUndefined();
  });
});
