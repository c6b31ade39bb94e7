import { randomBytes, randomUUID } from 'node:crypto';
import type { AuthResponse, Message, ServerFrame } from '@chatsockets/protocol';
import { WsClient } from '../ws-client.js';
import { sleep } from './cluster.js';

export async function api<T = Record<string, unknown>>(
  baseUrl: string,
  method: string,
  path: string,
  token?: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as T };
}

export const PASSWORD = 'correct horse battery';

export async function register(baseUrl: string, prefix = 'u'): Promise<AuthResponse> {
  const username = `${prefix}_${randomBytes(4).toString('hex')}`;
  const res = await api<AuthResponse>(baseUrl, 'POST', '/api/auth/register', undefined, {
    username,
    password: PASSWORD,
  });
  if (res.status !== 201) throw new Error(`register: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** A group chat owned by `owner` with every other user as a member; returns its id. */
export async function groupChat(baseUrl: string, owner: AuthResponse, members: AuthResponse[]) {
  const res = await api<{ chat: { id: string } }>(baseUrl, 'POST', '/api/chats', owner.token, {
    title: 'scale-out',
    members: members.map((m) => m.user.username),
  });
  if (res.status !== 201) throw new Error(`create chat: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.chat.id;
}

/** Full jitter: half to all of min(1 s, 100 ms · 2^attempt). */
const backoff = (attempt: number) => Math.min(1000, 100 * 2 ** attempt) * (0.5 + Math.random() / 2);

type Reply = Extract<ServerFrame, { type: 'reply' }>;

/**
 * A chat client as the protocol asks one to be written: it keeps the seqs it holds, and after
 * any disconnect reconnects (jittered backoff, to the next address: a load balancer's view)
 * and re-subscribes with afterSeq = the highest seq it holds; a send that got no ack is
 * retried with the same clientId. It never fills gaps itself: every anomaly the server lets
 * through on one socket (a seq twice, out of order, or skipped) is recorded for the test.
 */
export class ChatMember {
  readonly held = new Set<number>();
  readonly anomalies: string[] = [];
  /** clientIds of every send, and those that were acknowledged. */
  readonly attempted: string[] = [];
  readonly acked = new Map<string, number>();
  /** Sends that needed another try (no ack before the socket died). */
  retried = 0;
  sockets = 0;
  private client: WsClient | undefined;
  private lastOnSocket = 0;
  private nextId = 1;
  private pending = new Map<string, { resolve: (r: Reply) => void; reject: (e: Error) => void }>();
  private subscribeId: string | undefined;
  private urlIndex: number;
  private stopped = false;
  ready: Promise<void>;

  constructor(
    private readonly urls: string[],
    readonly token: string,
    readonly chatId: string,
    start = 0,
  ) {
    this.urlIndex = start;
    this.ready = this.open();
  }

  get url() {
    return this.urls[this.urlIndex % this.urls.length]!;
  }

  private async open(): Promise<void> {
    for (let attempt = 0; !this.stopped; attempt++) {
      if (attempt > 0) await sleep(backoff(attempt));
      try {
        const client = await WsClient.connect(this.url, { token: this.token });
        this.attach(client);
        await this.subscribe();
        return;
      } catch {
        const failed = this.client;
        this.client = undefined; // its close event must not start a second reconnect loop
        failed?.socket.terminate();
        this.urlIndex++;
      }
    }
  }

  private attach(client: WsClient) {
    this.client = client;
    this.sockets++;
    const socketNo = this.sockets;
    this.lastOnSocket = this.maxHeld();
    client.socket.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as ServerFrame;
      if (frame.type === 'reply') {
        if (frame.id === this.subscribeId && frame.ok) {
          const { missed, hasMore } = frame.data as { missed: Message[]; hasMore: boolean };
          if (hasMore) this.anomalies.push(`socket ${socketNo}: subscribe had more than one page missed`);
          for (const m of missed) this.record(m.seq, socketNo);
        }
        const waiter = this.pending.get(String(frame.id));
        this.pending.delete(String(frame.id));
        waiter?.resolve(frame);
      } else if (frame.type === 'message.created' && frame.message.chatId === this.chatId) {
        this.record(frame.message.seq, socketNo);
      }
    });
    client.socket.on('close', () => {
      if (this.client !== client) return;
      for (const waiter of this.pending.values()) waiter.reject(new Error('disconnected'));
      this.pending.clear();
      if (!this.stopped) this.ready = this.open();
    });
  }

  private record(seq: number, socketNo: number) {
    if (seq <= this.lastOnSocket)
      this.anomalies.push(`socket ${socketNo}: seq ${seq} again after ${this.lastOnSocket}`);
    else if (seq !== this.lastOnSocket + 1)
      this.anomalies.push(`socket ${socketNo}: seq ${seq} skipped to after ${this.lastOnSocket}`);
    this.lastOnSocket = Math.max(this.lastOnSocket, seq);
    this.held.add(seq);
  }

  maxHeld() {
    let max = 0;
    for (const s of this.held) max = Math.max(max, s);
    return max;
  }

  private request(frame: Record<string, unknown>, timeoutMs = 10_000): Promise<Reply> {
    const client = this.client;
    if (!client || client.socket.readyState !== client.socket.OPEN)
      return Promise.reject(new Error('not open'));
    const id = `r${this.nextId++}`;
    return new Promise<Reply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error('timeout'));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      client.socket.send(JSON.stringify({ ...frame, id }));
    });
  }

  private async subscribe() {
    const id = `r${this.nextId}`;
    this.subscribeId = id;
    const reply = await this.request({ type: 'subscribe', chatId: this.chatId, afterSeq: this.maxHeld() });
    if (!reply.ok) throw new Error(`subscribe: ${reply.error.code}`);
  }

  /** Sends until acknowledged (same clientId on every try); resolves with the seq. */
  async send(body: string): Promise<number> {
    const clientId = randomUUID();
    this.attempted.push(clientId);
    for (let attempt = 0; ; attempt++) {
      if (this.stopped) throw new Error('stopped');
      await this.ready;
      if (attempt === 1) this.retried++;
      try {
        const reply = await this.request({ type: 'message.send', chatId: this.chatId, clientId, body });
        if (reply.ok) {
          const seq = (reply.data as { message: Message }).message.seq;
          this.acked.set(clientId, seq);
          return seq;
        }
        if (reply.error.code !== 'UNAVAILABLE' && reply.error.code !== 'RATE_LIMITED')
          throw new Error(`send: ${reply.error.code} ${reply.error.message}`);
      } catch (err) {
        if ((err as Error).message.startsWith('send:')) throw err;
      }
      await sleep(backoff(Math.min(attempt, 4)));
    }
  }

  /** Resolves once this client holds every seq up to `seq`. */
  async caughtUp(seq: number, timeoutMs = 10_000) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.held.size >= seq && this.maxHeld() >= seq) return;
      await sleep(20);
    }
  }

  missing(lastSeq: number): number[] {
    return Array.from({ length: lastSeq }, (_, i) => i + 1).filter((s) => !this.held.has(s));
  }

  close() {
    this.stopped = true;
    this.client?.socket.terminate();
  }
}
