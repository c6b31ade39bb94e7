import { type ServerFrame, ServerFrameSchema } from '@chatsockets/protocol';
import WebSocket from 'ws';

const WAIT_MS = 15_000;

export interface WsClientOptions {
  token?: string;
  cookie?: string;
  origin?: string;
}

/**
 * A real `ws` client for the gateway suites: every frame it receives is parsed with the
 * protocol's schema (a malformed server frame fails the test), kept in order, and awaitable.
 */
export class WsClient {
  readonly frames: ServerFrame[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private waiters: Array<{ match: (f: ServerFrame) => boolean; resolve: (f: ServerFrame) => void }> = [];
  private nextId = 1;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const frame = ServerFrameSchema.parse(JSON.parse(data.toString()));
      this.frames.push(frame);
      this.waiters = this.waiters.filter((w) => {
        if (!w.match(frame)) return true;
        w.resolve(frame);
        return false;
      });
    });
    this.closed = new Promise((resolve) =>
      socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
  }

  static connect(baseUrl: string, opts: WsClientOptions = {}): Promise<WsClient> {
    const headers: Record<string, string> = {};
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    if (opts.cookie) headers.cookie = opts.cookie;
    if (opts.origin) headers.origin = opts.origin;
    const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/ws`, {
      headers,
      perMessageDeflate: false,
    });
    const client = new WsClient(socket);
    return new Promise((resolve, reject) => {
      socket.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      socket.once('error', reject);
      socket.once('close', (code) => reject(new Error(`closed with ${code} before hello`)));
      client.next((f) => f.type === 'hello').then(() => resolve(client), reject);
    });
  }

  /**
   * Resolves with the first frame (already received or still to come) that matches. The default
   * timeout only bounds a hang: a machine busy with other suites can take seconds to answer.
   */
  next(match: (f: ServerFrame) => boolean, timeoutMs = WAIT_MS, includeSeen = false): Promise<ServerFrame> {
    if (includeSeen) {
      const seen = this.frames.find(match);
      if (seen) return Promise.resolve(seen);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('timed out waiting for a frame')), timeoutMs);
      this.waiters.push({
        match,
        resolve: (f) => {
          clearTimeout(timer);
          resolve(f);
        },
      });
    });
  }

  sendRaw(data: string | Buffer, binary = false) {
    this.socket.send(data, { binary });
  }

  /** Sends a frame with a fresh id and resolves with its reply. */
  async request(frame: Record<string, unknown>, timeoutMs = WAIT_MS) {
    const id = this.nextId++;
    const reply = this.next((f) => f.type === 'reply' && f.id === id, timeoutMs);
    this.socket.send(JSON.stringify({ ...frame, id }));
    const r = await reply;
    if (r.type !== 'reply') throw new Error('unreachable');
    return r;
  }

  /** Like `request`, but throws unless ok, and returns `data`. */
  async ok<T = Record<string, unknown>>(frame: Record<string, unknown>, timeoutMs = WAIT_MS): Promise<T> {
    const r = await this.request(frame, timeoutMs);
    if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
    return r.data as T;
  }

  events<T extends ServerFrame['type']>(type: T) {
    return this.frames.filter((f): f is Extract<ServerFrame, { type: T }> => f.type === type);
  }

  close() {
    this.socket.close();
    return this.closed;
  }
}
