import {
  CLOSE_CODES,
  type ClientFrame,
  type ClientFrameType,
  type HelloFrame,
  PROTOCOL_VERSION,
  REPLY_DATA_SCHEMAS,
  type ReplyData,
  type ReplyFrame,
  type ServerEvent,
  ServerFrameSchema,
} from '@chatsockets/protocol';
import { ApiError } from '../api/http';
import { DEFAULT_RECONNECT, type ReconnectBackoff, reconnectDelay } from './backoff';

/** What the transport is doing; `waiting` carries when the next attempt starts. */
export type SocketState =
  | { kind: 'connecting' }
  | { kind: 'open'; hello: HelloFrame }
  | { kind: 'waiting'; nextAttemptAt: number }
  | { kind: 'offline' }
  | { kind: 'ended' };

export interface SocketOptions {
  url: string;
  onEvent(event: ServerEvent): void;
  onState(state: SocketState): void;
  /** Closed with 4401: the session is over, never reconnect (PROTOCOL.md › Authentication). */
  onSessionEnded(): void;
  /** The server speaks a newer protocol than this build: the app should ask for a reload. */
  onNewerProtocol?(serverVersion: number): void;
  backoff?: ReconnectBackoff;
  requestTimeoutMs?: number;
  /** From `new WebSocket` to `hello`; past it the attempt is abandoned and retried. */
  connectTimeoutMs?: number;
  /** The jitter's source; tests pass a fixed one. */
  random?: () => number;
}

type WithoutId<F> = F extends unknown ? Omit<F, 'id'> : never;
/** A client frame as callers write it; the socket assigns the id. */
export type OutgoingFrame = WithoutId<ClientFrame>;

interface Pending {
  type: ClientFrameType;
  resolve(data: unknown): void;
  reject(err: ApiError): void;
  timer: ReturnType<typeof setTimeout>;
}

// A close we initiate because the browser went offline; any 4000-4999 code is ours to use.
const CLOSE_OFFLINE = 4000;
const CLOSE_DEAD = 4001;
const CLOSE_CONNECT_TIMEOUT = 4002;

/**
 * A half-open TCP connection or a proxy that never answers leaves a WebSocket connecting for
 * minutes (the browser's own timeout); a healthy server says hello within a round trip or two.
 */
const DEFAULT_CONNECT_TIMEOUT_MS = 4_000;

const unavailable = (message: string) => new ApiError(0, 'UNAVAILABLE', message);

/**
 * One reconnecting WebSocket: request/reply by frame id with timeouts, jittered exponential
 * backoff (short while the tab is visible, long while hidden), a connect timeout, a ping-based
 * dead-server check, and no reconnect after 4401 or `close()`. Reconnection and request/reply
 * share the one `ws` and its state, so they stay in one class; the delay rule is `backoff.ts`.
 */
export class ChatSocket {
  private ws: WebSocket | null = null;
  private state: SocketState = { kind: 'connecting' };
  private attempt = 0;
  private nextId = 1;
  private pending = new Map<number, Pending>();
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private connectTimer: ReturnType<typeof setTimeout> | undefined;
  private heartbeat: ReturnType<typeof setInterval> | undefined;
  private stopped = false;

  constructor(private readonly opts: SocketOptions) {
    window.addEventListener('online', this.onOnline);
    window.addEventListener('offline', this.onOffline);
    document.addEventListener('visibilitychange', this.onVisibilityChange);
  }

  get isOpen(): boolean {
    return this.state.kind === 'open';
  }

  connect(): void {
    if (this.stopped || this.ws) return;
    clearTimeout(this.retryTimer);
    if (!navigator.onLine) {
      this.setState({ kind: 'offline' });
      return;
    }
    this.setState({ kind: 'connecting' });
    const ws = new WebSocket(this.opts.url);
    this.ws = ws;
    ws.onmessage = (e) => this.onFrame(e.data);
    ws.onclose = (e) => this.onClose(ws, e.code);
    // An error is always followed by close; the close decides what happens next.
    ws.onerror = () => {};
    this.connectTimer = setTimeout(() => {
      if (this.ws === ws && this.state.kind === 'connecting') this.dropSocket(CLOSE_CONNECT_TIMEOUT);
    }, this.connectTimeout());
  }

  /**
   * Longer after each failed attempt (×1 to ×4), so a link slow enough to need more than the
   * base to say hello still connects eventually instead of being cut off every time.
   */
  private connectTimeout(): number {
    return (this.opts.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS) * Math.min(this.attempt + 1, 4);
  }

  /** While waiting for the next attempt: make it now (the user's "Retry now"). */
  retryNow(): void {
    if (this.state.kind !== 'waiting') return;
    this.connect();
  }

  /** Sends a frame and resolves with its reply's `data`, parsed with the protocol schema. */
  request<F extends OutgoingFrame>(frame: F, timeoutMs?: number): Promise<ReplyData[F['type']]> {
    const ws = this.ws;
    if (!ws || this.state.kind !== 'open') return Promise.reject(unavailable('Not connected'));
    const id = this.nextId++;
    return new Promise<ReplyData[F['type']]>((resolve, reject) => {
      const timer = setTimeout(
        () => {
          this.pending.delete(id);
          reject(unavailable('The server did not answer in time'));
        },
        timeoutMs ?? this.opts.requestTimeoutMs ?? 10_000,
      );
      this.pending.set(id, { type: frame.type, resolve: resolve as (d: unknown) => void, reject, timer });
      ws.send(JSON.stringify({ ...frame, id }));
    });
  }

  /** Stops for good: no reconnect, pending requests fail. */
  close(): void {
    this.stopped = true;
    window.removeEventListener('online', this.onOnline);
    window.removeEventListener('offline', this.onOffline);
    document.removeEventListener('visibilitychange', this.onVisibilityChange);
    clearTimeout(this.retryTimer);
    clearTimeout(this.connectTimer);
    this.dropSocket(CLOSE_CODES.NORMAL);
  }

  private setState(state: SocketState): void {
    this.state = state;
    this.opts.onState(state);
  }

  private onFrame(raw: unknown): void {
    let json: unknown;
    try {
      json = JSON.parse(String(raw));
    } catch {
      return;
    }
    const parsed = ServerFrameSchema.safeParse(json);
    // An event type this client does not know (a newer server) is ignored, not fatal.
    if (!parsed.success) return;
    const frame = parsed.data;
    switch (frame.type) {
      case 'hello':
        clearTimeout(this.connectTimer);
        this.attempt = 0;
        // A newer server may say things this build cannot follow. It carries on with what it
        // understands (unknown frames are ignored) and the user is asked to reload when convenient.
        if (frame.protocolVersion > PROTOCOL_VERSION) this.opts.onNewerProtocol?.(frame.protocolVersion);
        this.setState({ kind: 'open', hello: frame });
        this.startHeartbeat(frame.heartbeatMs);
        return;
      case 'reply':
        this.settle(frame);
        return;
      case 'error':
        return;
      default:
        this.opts.onEvent(frame);
    }
  }

  private settle(frame: ReplyFrame): void {
    if (typeof frame.id !== 'number') return;
    const p = this.pending.get(frame.id);
    if (!p) return;
    this.pending.delete(frame.id);
    clearTimeout(p.timer);
    if (!frame.ok) {
      p.reject(new ApiError(0, frame.error.code, frame.error.message, frame.error.details));
      return;
    }
    const data = REPLY_DATA_SCHEMAS[p.type].safeParse(frame.data);
    if (data.success) p.resolve(data.data);
    else p.reject(new ApiError(0, 'INTERNAL', 'The server sent a reply this app does not understand.'));
  }

  private onClose(ws: WebSocket, code: number): void {
    if (ws !== this.ws) return;
    this.ws = null;
    clearTimeout(this.connectTimer);
    this.stopHeartbeat();
    this.failPending();
    if (code === CLOSE_CODES.SESSION_ENDED) {
      this.stopped = true;
      this.setState({ kind: 'ended' });
      this.opts.onSessionEnded();
      return;
    }
    if (this.stopped) return;
    if (!navigator.onLine || code === CLOSE_OFFLINE) this.setState({ kind: 'offline' });
    else this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    const hidden = document.visibilityState === 'hidden';
    const delay = reconnectDelay(
      this.attempt++,
      hidden,
      this.opts.backoff ?? DEFAULT_RECONNECT,
      this.opts.random,
    );
    this.setState({ kind: 'waiting', nextAttemptAt: Date.now() + delay });
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }

  private failPending(): void {
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(unavailable('The connection was lost'));
    }
    this.pending.clear();
  }

  private dropSocket(code: number): void {
    const ws = this.ws;
    if (!ws) return;
    // Handle the close now rather than waiting for the browser's close handshake.
    ws.onclose = null;
    ws.onmessage = null;
    ws.close(code);
    this.onClose(ws, code);
  }

  /** Browsers answer the server's pings themselves; our own pings detect a dead server. */
  private startHeartbeat(heartbeatMs: number): void {
    this.stopHeartbeat();
    const every = Math.min(Math.max(heartbeatMs, 5_000), 30_000);
    this.heartbeat = setInterval(() => {
      this.request({ type: 'ping' }, every).catch(() => {
        if (this.state.kind === 'open') this.dropSocket(CLOSE_DEAD);
      });
    }, every);
  }

  private stopHeartbeat(): void {
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }

  private onOnline = () => {
    if (this.stopped || this.ws) return;
    this.attempt = 0;
    this.connect();
  };

  /** A hidden tab may be waiting out a long delay; once someone looks, try at once. */
  private onVisibilityChange = () => {
    if (document.visibilityState === 'visible') this.retryNow();
  };

  private onOffline = () => {
    if (this.stopped) return;
    clearTimeout(this.retryTimer);
    if (this.ws) this.dropSocket(CLOSE_OFFLINE);
    else this.setState({ kind: 'offline' });
  };
}

export function socketUrl(): string {
  const proto = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${proto}//${window.location.host}/ws`;
}
