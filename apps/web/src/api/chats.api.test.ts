import type { Chat } from '@chatsockets/protocol';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { chatOf, messageOf } from '../test/component';
import { chatsApi } from './chats.api';

/** A chat whose last message is at `minute`: the server orders the list by that activity. */
const chatAt = (id: string, minute: number): Chat =>
  chatOf({
    id,
    lastMessage: messageOf({
      chatId: id,
      createdAt: `2030-01-01T10:${String(minute).padStart(2, '0')}:00.000Z`,
    }),
  });

describe('chatsApi.list', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('[paging] a chat whose activity moves above the cursor while later pages are read is still in the list', async () => {
    // The server's list, most recent first, two to a page; the cursor is the last chat shown.
    let chats = [chatAt('a', 5), chatAt('b', 4), chatAt('c', 3), chatAt('d', 2)];
    const fetch = vi.fn(async (url: string) => {
      const cursor = new URL(url, 'http://x').searchParams.get('cursor');
      const from = cursor ? chats.findIndex((c) => c.id === cursor) + 1 : 0;
      const shown = chats.slice(from, from + 2);
      const nextCursor = from + 2 < chats.length ? shown.at(-1)!.id : null;
      // While the app holds the first page, a message moves `d` to the top: past every cursor.
      if (!cursor) chats = [chatAt('d', 6), ...chats.filter((c) => c.id !== 'd')];
      return Response.json({ chats: shown, nextCursor });
    });
    vi.stubGlobal('fetch', fetch);
    const { chats: listed } = await chatsApi.list();
    expect(listed.map((c) => c.id).sort()).toEqual(['a', 'b', 'c', 'd']);
    expect(listed.find((c) => c.id === 'd')?.lastMessage?.createdAt).toBe('2030-01-01T10:06:00.000Z');
  });
});
