import type { AuthResponse, Chat, ChatResponse, Message } from '@chatsockets/protocol';
import { mapLimit } from './stats.js';

/** HTTP calls to the real server under test (always 127.0.0.1). */
export class Api {
  constructor(readonly base: string) {
    if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(base)) throw new Error('benchmarks only talk to 127.0.0.1');
  }

  async call<T>(method: string, path: string, body?: unknown, token?: string): Promise<T> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (token) headers.authorization = `Bearer ${token}`;
    const res = await fetch(`${this.base}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${text.slice(0, 200)}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  register(username: string, password: string) {
    return this.call<AuthResponse>('POST', '/api/auth/register', { username, password });
  }

  /** Registers `names` in parallel batches (argon2id makes each one cost tens of ms of CPU). */
  registerMany(names: string[], password: string, parallel = 16) {
    return mapLimit(names, parallel, (name) => this.register(name, password));
  }

  /** A private group chat owned by `token`'s user with `members` (more than 99 are added one by one). */
  async createChat(token: string, title: string, members: string[]): Promise<Chat> {
    const first = members.slice(0, 99);
    const { chat } = await this.call<ChatResponse>(
      'POST',
      '/api/chats',
      { title, visibility: 'private', members: first },
      token,
    );
    await mapLimit(members.slice(99), 8, (username) =>
      this.call('POST', `/api/chats/${chat.id}/members`, { username }, token),
    );
    return chat;
  }

  send(token: string, chatId: string, clientId: string, body: string) {
    return this.call<{ message: Message }>(
      'POST',
      `/api/chats/${chatId}/messages`,
      { clientId, body },
      token,
    );
  }

  /**
   * The server's own send-latency histogram (`chatsockets_send_latency_seconds`, WS transport):
   * cumulative counts by upper bound in ms. Measured inside the `message.send` handler.
   */
  async sendLatencyBuckets(): Promise<Map<number, number>> {
    const res = await fetch(`${this.base}/metrics`);
    const out = new Map<number, number>();
    for (const line of (await res.text()).split('\n')) {
      if (!line.startsWith('chatsockets_send_latency_seconds_bucket{') || !line.includes('transport="ws"'))
        continue;
      const le = /le="([^"]+)"/.exec(line)?.[1];
      const count = Number(line.slice(line.lastIndexOf(' ') + 1));
      if (le) out.set(le === '+Inf' ? Number.POSITIVE_INFINITY : Number(le) * 1000, count);
    }
    return out;
  }

  /** Group commit so far (`chatsockets_send_batch_size`): transactions and the sends they stored. */
  async sendBatches(): Promise<{ transactions: number; sends: number }> {
    const text = await (await fetch(`${this.base}/metrics`)).text();
    const read = (name: string) =>
      Number(new RegExp(`^${name}\\s+(\\S+)`, 'm').exec(text)?.[1] ?? Number.NaN);
    return {
      transactions: read('chatsockets_send_batch_size_count'),
      sends: read('chatsockets_send_batch_size_sum'),
    };
  }

  /** `nodejs_heap_size_used_bytes` from the server's Prometheus endpoint. */
  async heapUsed(): Promise<number> {
    const res = await fetch(`${this.base}/metrics`);
    const m = /^nodejs_heap_size_used_bytes\s+(\S+)/m.exec(await res.text());
    return m ? Number(m[1]) : Number.NaN;
  }
}
