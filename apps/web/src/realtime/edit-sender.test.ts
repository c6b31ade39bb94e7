import type { Message } from '@chatsockets/protocol';
import { QueryClient } from '@tanstack/react-query';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api/http';
import { useEdits } from '../stores/edits.store';
import { EditSender } from './edit-sender';
import type { ChatSocket } from './socket';

// The edits store persists to localStorage; node has none, so give it an in-memory one first.
vi.hoisted(() => {
  const data = new Map<string, string>();
  Object.assign(globalThis, {
    localStorage: {
      getItem: (k: string) => data.get(k) ?? null,
      setItem: (k: string, v: string) => void data.set(k, v),
      removeItem: (k: string) => void data.delete(k),
    },
  });
});

interface Call {
  frame: { messageId: string; body: string };
  resolve(m: Message): void;
  reject(e: unknown): void;
}

function fakeSocket() {
  const calls: Call[] = [];
  const socket = {
    isOpen: true,
    request: (frame: Call['frame']) =>
      new Promise<{ message: Message }>((resolve, reject) => {
        calls.push({ frame, resolve: (m) => resolve({ message: m }), reject });
      }),
  };
  return { socket: socket as unknown as ChatSocket, calls };
}

const edited = (body: string): Message => ({
  id: 'm1',
  chatId: 'c1',
  seq: 1,
  author: { id: 'me', username: 'me' },
  body,
  clientId: 'x',
  createdAt: '2030-01-01T00:00:00.000Z',
  editedAt: '2030-01-01T00:01:00.000Z',
  deletedAt: null,
  rev: 2,
  replyTo: null,
  reactions: [],
  pinnedAt: null,
  mentions: [],
});

const queue = (body: string) =>
  useEdits.getState().put({ messageId: 'm1', chatId: 'c1', authorId: 'me', body, status: 'queued' });

describe('EditSender', () => {
  afterEach(() => useEdits.setState({ edits: {} }));

  it('[edit queue] delivers a queued edit and forgets it once the server has it', async () => {
    const { socket, calls } = fakeSocket();
    const sender = new EditSender(socket, new QueryClient(), 'me');
    queue('new text');
    expect(calls.map((c) => c.frame)).toEqual([{ type: 'message.edit', messageId: 'm1', body: 'new text' }]);
    calls[0]!.resolve(edited('new text'));
    await vi.waitFor(() => expect(useEdits.getState().edits).toEqual({}));
    sender.stop();
  });

  it('[edit queue] without a connection it waits, text kept, and goes when the connection returns', async () => {
    const { socket, calls } = fakeSocket();
    const sender = new EditSender(socket, new QueryClient(), 'me');
    queue('while offline');
    calls[0]!.reject(new ApiError(0, 'UNAVAILABLE', 'The connection was lost'));
    await vi.waitFor(() => expect(useEdits.getState().edits.m1?.status).toBe('queued'));
    expect(calls).toHaveLength(1); // parked, no busy retry
    sender.onConnected();
    expect(calls).toHaveLength(2);
    calls[1]!.resolve(edited('while offline'));
    await vi.waitFor(() => expect(useEdits.getState().edits).toEqual({}));
    sender.stop();
  });

  it('[edit queue] refused by the server: failed with its code, the text kept', async () => {
    const { socket, calls } = fakeSocket();
    const sender = new EditSender(socket, new QueryClient(), 'me');
    queue('not allowed');
    calls[0]!.reject(new ApiError(403, 'FORBIDDEN', 'Not allowed'));
    await vi.waitFor(() =>
      expect(useEdits.getState().edits.m1).toMatchObject({
        status: 'failed',
        error: 'FORBIDDEN',
        body: 'not allowed',
      }),
    );
    sender.stop();
  });

  it('[edit queue] a passing refusal while the connection stays up (rate limit, server error, no answer) is tried again, not parked until a reconnect that never comes', async () => {
    vi.useFakeTimers();
    try {
      const { socket, calls } = fakeSocket();
      const sender = new EditSender(socket, new QueryClient(), 'me');
      queue('try again');
      calls[0]!.reject(new ApiError(0, 'RATE_LIMITED', 'Slow down'));
      await vi.waitFor(() => expect(useEdits.getState().edits.m1?.status).toBe('queued'));
      await vi.advanceTimersByTimeAsync(30_000);
      expect(calls).toHaveLength(2);
      calls[1]!.reject(new ApiError(0, 'UNAVAILABLE', 'The server did not answer in time'));
      await vi.advanceTimersByTimeAsync(30_000);
      expect(calls).toHaveLength(3);
      calls[2]!.resolve(edited('try again'));
      await vi.waitFor(() => expect(useEdits.getState().edits).toEqual({}));
      sender.stop();
    } finally {
      vi.useRealTimers();
    }
  });

  it('[edit queue] one that keeps failing while connected ends as failed with Retry, not "queued" for ever', async () => {
    vi.useFakeTimers();
    try {
      const { socket, calls } = fakeSocket();
      const sender = new EditSender(socket, new QueryClient(), 'me');
      queue('never lands');
      for (let i = 0; i < 10 && useEdits.getState().edits.m1?.status !== 'failed'; i++) {
        calls.at(-1)!.reject(new ApiError(0, 'INTERNAL', 'Oops'));
        await vi.advanceTimersByTimeAsync(30_000);
      }
      expect(useEdits.getState().edits.m1).toMatchObject({ status: 'failed', body: 'never lands' });
      sender.stop();
    } finally {
      vi.useRealTimers();
    }
  });
});
