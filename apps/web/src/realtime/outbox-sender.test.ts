import type { Message } from '@chatsockets/protocol';
import { QueryClient } from '@tanstack/react-query';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api/http';
import type { PendingMessage } from '../state/merge-messages';
import { useOutbox } from '../stores/outbox.store';
import { OutboxSender } from './outbox-sender';
import type { ChatSocket } from './socket';

// The outbox store persists to localStorage; node has none, so give it an in-memory one first.
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
  frame: { chatId: string; clientId: string; body: string };
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

const entry = (clientId: string, chatId = 'c1', at = 0): PendingMessage => ({
  clientId,
  chatId,
  authorId: 'me',
  body: `body ${clientId}`,
  createdAt: new Date(Date.UTC(2030, 0, 1, 0, 0, at)).toISOString(),
  status: 'queued',
});

const ack = (e: PendingMessage, seq: number): Message => ({
  id: `m${seq}`,
  chatId: e.chatId,
  seq,
  author: { id: 'me', username: 'me' },
  body: e.body,
  clientId: e.clientId,
  createdAt: e.createdAt,
  editedAt: null,
  deletedAt: null,
  rev: 1,
  replyTo: null,
  reactions: [],
  pinnedAt: null,
  mentions: [],
});

const statuses = () => Object.fromEntries(useOutbox.getState().entries.map((e) => [e.clientId, e.status]));

beforeEach(() => {
  vi.useFakeTimers();
  vi.stubGlobal('navigator', { onLine: true });
  useOutbox.setState({ entries: [] });
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('OutboxSender', () => {
  it('[outbox] one message in flight per chat, in the order written; acked ones leave the outbox', async () => {
    const { socket, calls } = fakeSocket();
    const sender = new OutboxSender(socket, new QueryClient(), 'me');
    const [a, b, c] = [entry('a', 'c1', 1), entry('b', 'c1', 2), entry('c', 'c2', 3)];
    useOutbox.setState({ entries: [a, b, c] });
    const call = (id: string) => calls.find((x) => x.frame.clientId === id)!;
    // Order across chats does not matter; within a chat, b waits for a.
    expect(calls.map((x) => x.frame.clientId).sort()).toEqual(['a', 'c']);
    call('a').resolve(ack(a, 1));
    await vi.advanceTimersByTimeAsync(0);
    expect(calls.map((x) => x.frame.clientId).sort()).toEqual(['a', 'b', 'c']);
    expect(statuses()).toEqual({ b: 'sending', c: 'sending' });
    call('c').resolve(ack(c, 1));
    call('b').resolve(ack(b, 2));
    await vi.advanceTimersByTimeAsync(0);
    expect(statuses()).toEqual({});
    sender.stop();
  });

  it('[outbox] refused by the server: failed, with its message, and not retried', async () => {
    const { socket, calls } = fakeSocket();
    const sender = new OutboxSender(socket, new QueryClient(), 'me');
    useOutbox.setState({ entries: [entry('a')] });
    calls[0]!.reject(new ApiError(0, 'FORBIDDEN', 'You are not a member'));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(useOutbox.getState().entries[0]).toMatchObject({
      status: 'failed',
      error: 'FORBIDDEN',
    });
    expect(calls).toHaveLength(1);
    sender.stop();
  });

  it('[outbox] a lost ack is retried with the same clientId; after a few, failed but retryable', async () => {
    const { socket, calls } = fakeSocket();
    const sender = new OutboxSender(socket, new QueryClient(), 'me');
    useOutbox.setState({ entries: [entry('a')] });
    for (let i = 0; i < 4; i++) {
      calls.at(-1)!.reject(new ApiError(0, 'UNAVAILABLE', 'timed out'));
      await vi.advanceTimersByTimeAsync(10_000);
    }
    expect(new Set(calls.map((c) => c.frame.clientId))).toEqual(new Set(['a']));
    expect(calls).toHaveLength(4);
    expect(useOutbox.getState().entries[0]).toMatchObject({ status: 'failed', retryable: true });
    // The connection comes back: queued again and sent, still as "a".
    sender.onConnected();
    expect(calls).toHaveLength(5);
    expect(calls[4]!.frame.clientId).toBe('a');
    sender.stop();
  });

  it('[outbox] offline with no socket: nothing is attempted', () => {
    const { socket, calls } = fakeSocket();
    (socket as unknown as { isOpen: boolean }).isOpen = false;
    vi.stubGlobal('navigator', { onLine: false });
    const sender = new OutboxSender(socket, new QueryClient(), 'me');
    useOutbox.setState({ entries: [entry('a')] });
    expect(calls).toHaveLength(0);
    expect(statuses()).toEqual({ a: 'queued' });
    sender.stop();
  });
});
