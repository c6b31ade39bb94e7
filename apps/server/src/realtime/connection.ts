import { randomUUID } from 'node:crypto';
import { CLOSE_CODES, type ServerFrame } from '@chatsockets/protocol';
import type { WebSocket } from 'ws';
import type { Actor } from '../auth/auth.service.js';
import { coalesceWrites } from './coalesce-writes.js';

/** One chat event on its way to a subscription (Connection › deliver). */
export interface Delivery {
  data: Frame;
  /** The change's rev: never sent to a subscription that holds it. */
  rev?: number;
  /** A `message.created`'s seq: a subscription that holds that message gets `held`, or nothing. */
  seq?: number;
  /**
   * A message read back from the database (a gap fill) as `message.updated`, for a subscription
   * that holds its seq already: the change (a pin, a reaction) is new to it, the message is not.
   */
  held?: Frame;
  /** The sockets an announcement to several chats (presence, a profile) has reached: once each. */
  once?: Set<Connection>;
  /** Presence, typing, reading: not to a subscription of a chat the user only reads. */
  membersOnly?: boolean;
  /** `chat.deleted`: once per socket and chat, whichever copy (the chat's, the user's) comes first. */
  last?: boolean;
}

/** The key `chat.deleted` takes among a chat's own-membership events: after it, nothing more. */
export const CHAT_DELETED = Number.MAX_SAFE_INTEGER;

/** A subscription's state: while `syncing`, live events wait until the subscribe reply is out. */
export interface Subscription {
  syncing: boolean;
  /** Events that arrived while syncing, flushed in order after the reply. */
  buffered: Delivery[];
  /** Highest rev this socket holds for the chat (sent, or covered by the subscribe reply): never send one again. */
  sentRev: number;
  /**
   * Highest message seq it holds: a client that subscribed by seq got `missed` read after the
   * reply's rev, so a live `message.created` past that rev may be one it has already.
   */
  sentSeq: number;
  /**
   * It began before its chat's route knew where the chat stood: events the route held until
   * then are forwarded (or dropped as late) against another subscriber's position, which may be
   * newer than this one's reply, so this subscription catches up on its own (Hub).
   */
  beganUnplaced: boolean;
  /** Its last event (its departure, the chat's deletion) came while syncing: it ends after the reply. */
  ended: boolean;
  /**
   * The socket's user is a member of the chat (not a public chat's reader): set by the subscribe
   * reply's read, and by their own `member.joined` forwarded while subscribed (their departure
   * ends the subscription). Only members hear of the chat's members' presence.
   */
  member: boolean;
}

// A reader that stops reading is closed with 1013; if it does not even read the close frame,
// the socket is destroyed after this long so its buffer is freed.
const SLOW_READER_KILL_MS = 5_000;

/** A serialized server frame: JSON text, or the same already UTF-8 encoded. */
export type Frame = string | Buffer;
const TEXT = { binary: false } as const;

export interface ConnectionEvents {
  sent(bytes: number): void;
  slowReader(): void;
}

/**
 * One socket, one writer. Every frame goes through `sendRaw`, which writes in call order and
 * never after close (no "send after close" errors, no two writers interleaving frames). Its send
 * buffer is capped: past the cap the reader is too slow and is closed with 1013.
 */
export class Connection {
  readonly id = randomUUID();
  readonly subscriptions = new Map<string, Subscription>();
  lastPongAt = Date.now();
  private closed = false;
  private killTimer: NodeJS.Timeout | undefined;
  /** Frames are handled one at a time, in arrival order (so one socket's sends keep their order). */
  private queue: Promise<void> = Promise.resolve();
  /** Frames received and not yet handled. */
  private inbound = 0;
  /**
   * Per chat, the rev of the last own `member.joined`/`member.left` sent outside a subscription
   * (`CHAT_DELETED` once the chat's deletion went out).
   */
  private readonly ownMembershipRev = new Map<string, number>();
  private pendingAfterReply: Array<() => void> = [];

  constructor(
    readonly socket: WebSocket,
    readonly actor: Actor,
    readonly sendBufferMax: number,
    private readonly events: ConnectionEvents,
    /**
     * Frames allowed to wait their turn. `ws` reads and parses whatever arrives, and a frame's
     * budget is taken only when its turn comes, so behind one slow frame (a stalled database)
     * a client could queue frames without end, each held in memory. Past this many the socket
     * is not read until the queue shrinks: the client meets TCP backpressure instead (its pongs
     * wait too, so a queue stuck for two heartbeats ends the socket like any silent one).
     */
    private readonly inboundMax = Number.POSITIVE_INFINITY,
  ) {}

  get isOpen(): boolean {
    return !this.closed && this.socket.readyState === this.socket.OPEN;
  }

  get userId(): string {
    return this.actor.user.id;
  }

  /** Runs `task` after every frame received before it; returns when it is done. */
  enqueue(task: () => Promise<void>): Promise<void> {
    if (++this.inbound >= this.inboundMax && !this.socket.isPaused) this.socket.pause();
    const run = () =>
      task().finally(() => {
        if (--this.inbound < this.inboundMax && this.socket.isPaused) this.socket.resume();
      });
    this.queue = this.queue.then(run, run);
    return this.queue;
  }

  /** Settles when every frame received so far has been handled (graceful shutdown). */
  drained(): Promise<void> {
    return this.queue;
  }

  /** Runs `fn` right after the reply to the frame being handled has been written. */
  afterReply(fn: () => void): void {
    this.pendingAfterReply.push(fn);
  }

  /** Writes a reply (if the frame wanted one), then whatever its handler deferred until after it. */
  reply(frame: ServerFrame | undefined): void {
    if (frame) this.send(frame);
    const pending = this.pendingAfterReply;
    this.pendingAfterReply = [];
    for (const fn of pending) fn();
  }

  send(frame: ServerFrame): void {
    this.sendRaw(JSON.stringify(frame));
  }

  /**
   * A `member.joined`/`member.left` about this socket's own user, sent outside a subscription:
   * it comes on the user's own channel, and again when a gap fill reads it back (the bus may
   * have lost the first). Once each, by its rev, whichever comes first. `chat.deleted` too
   * (`CHAT_DELETED`), which also comes from the chat's route.
   */
  sendOwn(chatId: string, rev: number, data: Frame): void {
    if (rev <= (this.ownMembershipRev.get(chatId) ?? 0)) return;
    this.ownMembershipRev.set(chatId, rev);
    this.sendRaw(data);
  }

  /** `data` is serialized once by the caller and shared by every socket it goes to. */
  sendRaw(data: Frame): void {
    if (!this.isOpen) return;
    if (this.socket.bufferedAmount + data.length > this.sendBufferMax) {
      this.events.slowReader();
      this.close(CLOSE_CODES.TRY_AGAIN_LATER, 'send buffer overflow: reading too slowly');
      this.killTimer = setTimeout(() => this.socket.terminate(), SLOW_READER_KILL_MS);
      return;
    }
    coalesceWrites(this.socket);
    // Always a text frame, whether the JSON comes as a string or already encoded.
    this.socket.send(data, TEXT);
    this.events.sent(data.length);
  }

  /**
   * Delivers a chat event, holding it while the subscription syncs and dropping revs already held.
   * `once`: an announcement that goes to several chats goes out once per socket, through
   * whichever chat's subscription is ready first. `membersOnly` is decided when it goes out (a
   * syncing subscription learns whether it is a member's by then).
   */
  deliver(chatId: string, d: Delivery): void {
    const sub = this.subscriptions.get(chatId);
    if (!sub) return;
    if (sub.syncing) {
      sub.buffered.push(d);
      return;
    }
    if (d.membersOnly && !sub.member) return;
    if (d.once) {
      if (d.once.has(this)) return;
      d.once.add(this);
    }
    if (d.rev !== undefined) {
      if (d.rev <= sub.sentRev) return;
      sub.sentRev = d.rev;
    }
    if (d.seq !== undefined && d.seq <= sub.sentSeq) {
      if (d.held) this.sendRaw(d.held);
      return;
    }
    if (d.seq !== undefined) sub.sentSeq = d.seq;
    if (d.last) this.sendOwn(chatId, CHAT_DELETED, d.data);
    else this.sendRaw(d.data);
  }

  close(code: number, reason = ''): void {
    if (this.closed) return;
    this.closed = true;
    if (this.socket.readyState === this.socket.OPEN || this.socket.readyState === this.socket.CONNECTING) {
      this.socket.close(code, reason);
    }
  }

  /** Called once from the socket's `close` event: nothing may outlive the socket. */
  dispose(): void {
    this.closed = true;
    clearTimeout(this.killTimer);
    this.subscriptions.clear();
  }
}
