import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ChatSocket, type SocketState } from './socket';

class FakeWebSocket {
  static all: FakeWebSocket[] = [];
  onmessage: ((e: { data: string }) => void) | null = null;
  onclose: ((e: { code: number }) => void) | null = null;
  onerror: (() => void) | null = null;
  sent: Array<Record<string, unknown>> = [];
  closedWith: number | null = null;
  constructor(readonly url: string) {
    FakeWebSocket.all.push(this);
  }
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close(code: number) {
    this.closedWith = code;
  }
  // test helpers
  receive(frame: unknown) {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }
  serverClose(code: number) {
    this.onclose?.({ code });
  }
  hello() {
    this.receive({
      type: 'hello',
      user: { id: 'u1', username: 'me', createdAt: '2030-01-01T00:00:00.000Z' },
      protocolVersion: 1,
      heartbeatMs: 30_000,
      serverTime: '2030-01-01T00:00:00.000Z',
    });
  }
}

const latest = () => FakeWebSocket.all.at(-1)!;

function setup() {
  const states: SocketState['kind'][] = [];
  const ended = vi.fn();
  const events = vi.fn();
  const socket = new ChatSocket({
    url: 'ws://test/ws',
    onState: (s) => states.push(s.kind),
    onSessionEnded: ended,
    onEvent: events,
    backoff: { baseMs: 100, maxMs: 1000 },
    requestTimeoutMs: 500,
  });
  socket.connect();
  return { socket, states, ended, events };
}

beforeEach(() => {
  vi.useFakeTimers();
  FakeWebSocket.all = [];
  vi.stubGlobal('WebSocket', FakeWebSocket);
  vi.stubGlobal('window', new EventTarget());
  vi.stubGlobal('navigator', { onLine: true });
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('ChatSocket', () => {
  it('[4401] session ended: tells the app and never reconnects', async () => {
    const { states, ended } = setup();
    latest().hello();
    latest().serverClose(4401);
    expect(ended).toHaveBeenCalledOnce();
    expect(states.at(-1)).toBe('ended');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(FakeWebSocket.all).toHaveLength(1);
  });

  it('[reconnect] other closes reconnect with backoff; hello resets it', async () => {
    const { states } = setup();
    latest().serverClose(1006);
    expect(states.at(-1)).toBe('waiting');
    await vi.advanceTimersByTimeAsync(100);
    expect(FakeWebSocket.all).toHaveLength(2);
    latest().serverClose(1011);
    await vi.advanceTimersByTimeAsync(99); // attempt 1: between 100 and 200 ms
    latest().serverClose(1001);
    expect(FakeWebSocket.all.length).toBeLessThanOrEqual(3);
    await vi.advanceTimersByTimeAsync(1000);
    latest().hello();
    expect(states.at(-1)).toBe('open');
  });

  it('[reply] request/reply by id: data parsed with the protocol schema, errors carry the code', async () => {
    const { socket } = setup();
    latest().hello();
    const ok = socket.request({ type: 'ping' });
    const bad = socket.request({ type: 'read', chatId: 'c1', seq: 3 });
    const [ping, read] = latest().sent as Array<{ id: number }>;
    // matched by id, not by arrival: the client must not rely on the order of replies
    latest().receive({ type: 'reply', id: read!.id, ok: false, error: { code: 'FORBIDDEN', message: 'no' } });
    latest().receive({
      type: 'reply',
      id: ping!.id,
      ok: true,
      data: { serverTime: '2030-01-01T00:00:00.000Z' },
    });
    await expect(ok).resolves.toEqual({ serverTime: '2030-01-01T00:00:00.000Z' });
    await expect(bad).rejects.toMatchObject({ code: 'FORBIDDEN', message: 'no' });
  });

  it('[reply] a reply that breaks the schema is an error, not data', async () => {
    const { socket } = setup();
    latest().hello();
    const p = socket.request({ type: 'ping' });
    latest().receive({
      type: 'reply',
      id: (latest().sent[0] as { id: number }).id,
      ok: true,
      data: { nope: 1 },
    });
    await expect(p).rejects.toMatchObject({ code: 'INTERNAL' });
  });

  it('[timeout] an unanswered request fails after its timeout; a lost socket fails the rest', async () => {
    const { socket } = setup();
    latest().hello();
    const slow = socket.request({ type: 'ping' });
    const assertion = expect(slow).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    await vi.advanceTimersByTimeAsync(500);
    await assertion;
    const cut = socket.request({ type: 'ping' });
    latest().serverClose(1006);
    await expect(cut).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    await expect(socket.request({ type: 'ping' })).rejects.toMatchObject({ code: 'UNAVAILABLE' });
  });

  it('[offline] going offline closes and waits; coming online reconnects at once', async () => {
    const { states } = setup();
    latest().hello();
    (navigator as { onLine: boolean }).onLine = false;
    window.dispatchEvent(new Event('offline'));
    expect(states.at(-1)).toBe('offline');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(FakeWebSocket.all).toHaveLength(1);
    (navigator as { onLine: boolean }).onLine = true;
    window.dispatchEvent(new Event('online'));
    expect(FakeWebSocket.all).toHaveLength(2);
  });

  it('[events] server events reach onEvent; unknown frames are ignored', () => {
    const { events } = setup();
    latest().hello();
    latest().receive({ type: 'something.new', x: 1 });
    latest().receive({
      type: 'presence',
      user: { id: 'u2', username: 'you', createdAt: '2030-01-01T00:00:00.000Z' },
      online: true,
    });
    expect(events).toHaveBeenCalledTimes(1);
    expect(events.mock.calls[0]![0]).toMatchObject({ type: 'presence', online: true });
  });

  it('[close] close() stops for good', async () => {
    const { socket } = setup();
    latest().hello();
    socket.close();
    expect(latest().closedWith).toBe(1000);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(FakeWebSocket.all).toHaveLength(1);
  });
});
