import { PROTOCOL_VERSION } from '@chatsockets/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ChatSocket, type SocketOptions, type SocketState } from './socket';

class FakeWebSocket {
  static all: FakeWebSocket[] = [];
  /** While set, every connect fails the way a refused TCP connection does: closed, soon. */
  static serverDown = false;
  onmessage: ((e: { data: string }) => void) | null = null;
  onclose: ((e: { code: number }) => void) | null = null;
  onerror: (() => void) | null = null;
  sent: Array<Record<string, unknown>> = [];
  closedWith: number | null = null;
  readonly createdAt = Date.now();
  constructor(readonly url: string) {
    FakeWebSocket.all.push(this);
    if (FakeWebSocket.serverDown) setTimeout(() => this.serverClose(1006), 5);
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
  hello(protocolVersion: number = PROTOCOL_VERSION) {
    this.receive({
      type: 'hello',
      user: { id: 'u1', username: 'me', createdAt: '2030-01-01T00:00:00.000Z' },
      protocolVersion,
      heartbeatMs: 30_000,
      serverTime: '2030-01-01T00:00:00.000Z',
    });
  }
}

const latest = () => FakeWebSocket.all.at(-1)!;

function setup(overrides: Partial<SocketOptions> = {}) {
  const states: SocketState[] = [];
  const kinds: SocketState['kind'][] = [];
  const ended = vi.fn();
  const events = vi.fn();
  const newer = vi.fn();
  const socket = new ChatSocket({
    url: 'ws://test/ws',
    onState: (s) => {
      states.push(s);
      kinds.push(s.kind);
    },
    onSessionEnded: ended,
    onNewerProtocol: newer,
    onEvent: events,
    backoff: { baseMs: 100, visibleMaxMs: 1000, hiddenMaxMs: 8000 },
    requestTimeoutMs: 500,
    ...overrides,
  });
  socket.connect();
  return { socket, states: kinds, fullStates: states, ended, events, newer };
}

/** The page's visibility, switched the way the browser does it: property first, then the event. */
class FakeDocument extends EventTarget {
  visibilityState: 'visible' | 'hidden' = 'visible';
  show(state: 'visible' | 'hidden') {
    this.visibilityState = state;
    this.dispatchEvent(new Event('visibilitychange'));
  }
}
let page = new FakeDocument();

beforeEach(() => {
  vi.useFakeTimers();
  FakeWebSocket.all = [];
  FakeWebSocket.serverDown = false;
  page = new FakeDocument();
  vi.stubGlobal('WebSocket', FakeWebSocket);
  vi.stubGlobal('window', new EventTarget());
  vi.stubGlobal('document', page);
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

  it('[connect-timeout] a connect that never says hello is abandoned and retried', async () => {
    const { states } = setup({ connectTimeoutMs: 3000, random: () => 0.999_999 });
    const hung = latest();
    await vi.advanceTimersByTimeAsync(2999);
    expect(hung.closedWith).toBeNull();
    await vi.advanceTimersByTimeAsync(1);
    expect(hung.closedWith).toBe(4002);
    expect(states.at(-1)).toBe('waiting');
    await vi.advanceTimersByTimeAsync(100);
    expect(FakeWebSocket.all).toHaveLength(2);
    // A slow link is given longer on the next try, so it can connect at all.
    const slow = latest();
    await vi.advanceTimersByTimeAsync(5999);
    expect(slow.closedWith).toBeNull();
    expect(FakeWebSocket.all).toHaveLength(2);
    // A hello in time clears the timer: the open socket is not dropped later.
    latest().hello();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(latest().closedWith).toBeNull();
    expect(states.at(-1)).toBe('open');
  });

  it('[reconnect-2s] visible tab, default backoff: back within 2 s of the server returning, however long it was down', async () => {
    for (const jitter of [0, 0.5, 0.999_999]) {
      FakeWebSocket.all = [];
      FakeWebSocket.serverDown = true;
      const { socket, states } = setup({ backoff: undefined, random: () => jitter });
      await vi.advanceTimersByTimeAsync(120_000);
      const tries = FakeWebSocket.all.length;
      // Down for two minutes, yet a visible tab never waits more than the cap between tries.
      expect(tries).toBeGreaterThan(80);
      FakeWebSocket.serverDown = false;
      const back = Date.now();
      await vi.advanceTimersByTimeAsync(2000);
      expect(FakeWebSocket.all.length).toBe(tries + 1);
      expect(latest().createdAt - back).toBeLessThanOrEqual(1500);
      latest().hello();
      expect(states.at(-1)).toBe('open');
      socket.close();
    }
  });

  it('[hidden] a hidden tab backs off up to its own, longer cap; becoming visible reconnects at once', async () => {
    page.visibilityState = 'hidden';
    FakeWebSocket.serverDown = true;
    const { fullStates } = setup({ random: () => 0.999_999 });
    await vi.advanceTimersByTimeAsync(30_000);
    const last = fullStates.at(-1)!;
    expect(last.kind).toBe('waiting');
    const wait = (last as { nextAttemptAt: number }).nextAttemptAt - Date.now();
    expect(wait).toBeGreaterThan(1000); // past the visible cap
    const before = FakeWebSocket.all.length;
    FakeWebSocket.serverDown = false;
    page.show('visible');
    expect(FakeWebSocket.all).toHaveLength(before + 1);
    latest().hello();
    expect(fullStates.at(-1)!.kind).toBe('open');
  });

  it('[hidden] the hidden cap bounds the wait', async () => {
    page.visibilityState = 'hidden';
    FakeWebSocket.serverDown = true;
    setup({ random: () => 0.999_999 });
    await vi.advanceTimersByTimeAsync(120_000);
    const created = FakeWebSocket.all.map((w) => w.createdAt);
    const gaps = created.slice(1).map((t, i) => t - created[i]!);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(8000 + 5);
    expect(Math.max(...gaps)).toBeGreaterThan(7000);
  });

  it('[online] online while waiting reconnects at once', async () => {
    FakeWebSocket.serverDown = true;
    setup({ backoff: { baseMs: 10_000, visibleMaxMs: 10_000, hiddenMaxMs: 10_000 } });
    await vi.advanceTimersByTimeAsync(5);
    expect(FakeWebSocket.all).toHaveLength(1);
    window.dispatchEvent(new Event('online'));
    expect(FakeWebSocket.all).toHaveLength(2);
  });

  it('[retry-now] retryNow() connects at once while waiting, and does nothing while open', async () => {
    const { socket, states } = setup({
      backoff: { baseMs: 10_000, visibleMaxMs: 10_000, hiddenMaxMs: 10_000 },
    });
    latest().serverClose(1006);
    expect(states.at(-1)).toBe('waiting');
    socket.retryNow();
    expect(FakeWebSocket.all).toHaveLength(2);
    latest().hello();
    socket.retryNow();
    expect(FakeWebSocket.all).toHaveLength(2);
    // The scheduled attempt it replaced does not fire later as a second socket.
    await vi.advanceTimersByTimeAsync(20_000);
    expect(FakeWebSocket.all).toHaveLength(2);
  });

  it('[protocol] a newer server protocol is reported once per hello and the socket keeps working', async () => {
    const { socket, newer } = setup();
    latest().hello(PROTOCOL_VERSION);
    expect(newer).not.toHaveBeenCalled();
    latest().serverClose(1012);
    await vi.advanceTimersByTimeAsync(1000);
    latest().hello(PROTOCOL_VERSION + 1);
    expect(newer).toHaveBeenCalledWith(PROTOCOL_VERSION + 1);
    const p = socket.request({ type: 'ping' });
    latest().receive({
      type: 'reply',
      id: (latest().sent[0] as { id: number }).id,
      ok: true,
      data: { serverTime: '2030-01-01T00:00:00.000Z' },
    });
    await expect(p).resolves.toEqual({ serverTime: '2030-01-01T00:00:00.000Z' });
  });
});
