import { randomUUID } from 'node:crypto';
import type { Message, ServerFrame } from '@chatsockets/protocol';
import { io, type Socket } from 'socket.io-client';
import WebSocket from 'ws';

/**
 * One client socket of the load generator, whatever the server. The harness counts every
 * `message.created` it receives (`deliveries`) and, when `onDelivery` is set, hands it the body.
 */
export interface BenchClient {
  deliveries: number;
  onDelivery: ((body: string) => void) | undefined;
  subscribe(chatId: string): Promise<void>;
  /** Resolves with the message once the server acknowledged it. */
  send(chatId: string, body: string): Promise<Message>;
  close(): void;
}

const CREATED_PREFIX = '{"type":"message.created"';
const CONNECT_TIMEOUT_MS = 30_000;
const REPLY_TIMEOUT_MS = 30_000;

interface Pending {
  resolve(data: unknown): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

/** The Chatsockets wire protocol (PROTOCOL.md › WebSocket): our server and the raw `ws` server. */
export class WsProtocolClient implements BenchClient {
  deliveries = 0;
  onDelivery: ((body: string) => void) | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data) => this.onFrame(data.toString()));
    ws.on('close', () => {
      for (const p of this.pending.values()) {
        clearTimeout(p.timer);
        p.reject(new Error('socket closed'));
      }
      this.pending.clear();
    });
  }

  /** Opens the socket and waits for `hello`. */
  static connect(url: string, headers: Record<string, string> = {}): Promise<WsProtocolClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { headers, perMessageDeflate: false });
      const timer = setTimeout(() => {
        ws.terminate();
        reject(new Error('connect timeout'));
      }, CONNECT_TIMEOUT_MS);
      ws.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      ws.once('unexpected-response', (_req, res) => {
        clearTimeout(timer);
        ws.terminate(); // with this listener, aborting the request is ours to do
        reject(new Error(`upgrade refused: ${res.statusCode}`));
      });
      ws.once('message', (data) => {
        clearTimeout(timer);
        const frame = JSON.parse(data.toString()) as ServerFrame;
        if (frame.type !== 'hello') reject(new Error(`expected hello, got ${frame.type}`));
        ws.on('error', () => {});
        resolve(new WsProtocolClient(ws));
      });
    });
  }

  private onFrame(text: string) {
    // Fast path: a delivery nobody inspects is only counted (keeps the generator light).
    if (text.startsWith(CREATED_PREFIX) && !this.onDelivery) {
      this.deliveries++;
      return;
    }
    const frame = JSON.parse(text) as ServerFrame;
    if (frame.type === 'message.created') {
      this.deliveries++;
      this.onDelivery?.(frame.message.body);
    } else if (frame.type === 'reply') {
      const p = this.pending.get(frame.id as number);
      if (!p) return;
      this.pending.delete(frame.id as number);
      clearTimeout(p.timer);
      if (frame.ok) p.resolve(frame.data);
      else p.reject(new Error(`${frame.error.code}: ${frame.error.message}`));
    }
  }

  private request<T>(frame: Record<string, unknown>): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`no reply to ${String(frame.type)} in ${REPLY_TIMEOUT_MS} ms`));
      }, REPLY_TIMEOUT_MS);
      this.pending.set(id, { resolve: resolve as (d: unknown) => void, reject, timer });
      this.ws.send(JSON.stringify({ ...frame, id }));
    });
  }

  async subscribe(chatId: string): Promise<void> {
    await this.request({ type: 'subscribe', chatId });
  }

  async send(chatId: string, body: string): Promise<Message> {
    const data = await this.request<{ message: Message }>({
      type: 'message.send',
      chatId,
      clientId: randomUUID(),
      body,
    });
    return data.message;
  }

  close(): void {
    this.ws.terminate();
  }
}

type Ack<T> = { ok: true; data: T } | { ok: false; error: { code: string; message: string } };

/** The Socket.IO reference server (bench/servers/socketio.ts): the same frames as events with acks. */
export class SocketIoClient implements BenchClient {
  deliveries = 0;
  onDelivery: ((body: string) => void) | undefined;

  private constructor(private readonly socket: Socket) {
    socket.on('message.created', (message: Message) => {
      this.deliveries++;
      this.onDelivery?.(message.body);
    });
  }

  static connect(url: string, username: string): Promise<SocketIoClient> {
    return new Promise((resolve, reject) => {
      const socket = io(url, {
        transports: ['websocket'],
        forceNew: true,
        reconnection: false,
        timeout: CONNECT_TIMEOUT_MS,
        auth: { username },
      });
      socket.once('connect', () => resolve(new SocketIoClient(socket)));
      socket.once('connect_error', (err) => {
        socket.close();
        reject(err);
      });
    });
  }

  private async request<T>(event: string, payload: unknown): Promise<T> {
    const ack = (await this.socket.timeout(REPLY_TIMEOUT_MS).emitWithAck(event, payload)) as Ack<T>;
    if (!ack.ok) throw new Error(`${ack.error.code}: ${ack.error.message}`);
    return ack.data;
  }

  async subscribe(chatId: string): Promise<void> {
    await this.request('subscribe', { chatId });
  }

  async send(chatId: string, body: string): Promise<Message> {
    const data = await this.request<{ message: Message }>('message.send', {
      chatId,
      clientId: randomUUID(),
      body,
    });
    return data.message;
  }

  close(): void {
    this.socket.disconnect();
  }
}
