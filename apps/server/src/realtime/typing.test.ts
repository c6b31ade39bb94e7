import type { User } from '@chatsockets/protocol';
import { describe, expect, it } from 'vitest';
import { createTypingStore } from './typing.js';

const user = (id: string) => ({ id, username: id }) as User;

describe('typing store', () => {
  it('[typing] entries nobody asks about again still expire: the store does not grow with every chat ever typed in', () => {
    // An instance hears a chat's typing only while it follows the chat: once its last subscriber
    // left, the `active: false` that would end an entry never arrives here, and nobody asks
    // about that chat again. Those entries must still go once their TTL has passed.
    let now = 0;
    const typing = createTypingStore(5000, () => now);
    for (let chat = 0; chat < 100; chat++) typing.start(`chat-${chat}`, user('u1'));
    expect(typing.size()).toBe(100);
    now += 5000;
    typing.start('chat-new', user('u2'));
    expect(typing.size()).toBe(1);
    expect(typing.typing('chat-new').map((u) => u.id)).toEqual(['u2']);
    expect(typing.chatsOf('u1')).toEqual([]);
  });

  it('[typing] within the TTL an entry stays, and a stop ends it at once', () => {
    let now = 0;
    const typing = createTypingStore(5000, () => now);
    typing.start('c', user('u1'));
    now += 4999;
    typing.start('d', user('u2'));
    expect(typing.typing('c').map((u) => u.id)).toEqual(['u1']);
    expect(typing.stop('c', 'u1')).toBe(true);
    expect(typing.size()).toBe(1);
  });
});
