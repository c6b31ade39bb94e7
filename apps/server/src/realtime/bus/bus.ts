import type { ServerEvent, User } from '@chatsockets/protocol';

/**
 * What services publish after COMMIT, and what every instance's hub receives.
 * `chat`: to the sockets subscribed to the chat, in the chat's rev order. An event that is not
 *   a change of its own (`typing`, `read`) may carry `rev`, the chat's rev its publisher saw:
 *   each hub brings the chat up to that rev before forwarding it, so a member's departure
 *   is applied before anything published after it, even when the bus lost the departure.
 * `user`: to one user's sockets (e.g. `read`, their own `member.joined`).
 * `session.revoked`: close that session's sockets with 4401 (logout, expiry).
 * `presence`: to the sockets subscribed to any of `chatIds` (the user's chats) as members, not
 *   to public chats' readers; never published for a user who hides it (PROTOCOL.md › Presence).
 * `user.updated`: to every socket subscribed to any of `chatIds`, readers included, and to the
 *   user's own sockets (a new display name).
 *   Both may carry `revs`, each chat's rev their publisher saw: like `typing`, each hub brings
 *   the chat up to it first, so a member removed before is not told (ChatAudience).
 */
export type BusMessage =
  | { kind: 'chat'; chatId: string; event: ServerEvent; rev?: number }
  | { kind: 'user'; userId: string; event: ServerEvent }
  | { kind: 'session.revoked'; sessionId: string }
  | ({ kind: 'presence'; user: User; online: boolean } & ChatAudience)
  | ({ kind: 'user.updated'; user: User } & ChatAudience);

/** The chats that hear of a user's presence or profile, and the rev of each its publisher read. */
export interface ChatAudience {
  chatIds: string[];
  revs?: Record<string, number>;
}

export type BusHandler = (message: BusMessage) => void;

export interface Bus {
  readonly kind: 'memory' | 'redis';
  /** Resolves once the message is handed to the transport; delivery is best effort. */
  publish(message: BusMessage): Promise<void>;
  /**
   * Every message published by any instance, this one included, except `chat` messages of
   * chats this instance does not follow (its own publishes are always delivered to it).
   */
  subscribe(handler: BusHandler): () => void;
  /**
   * This instance has subscribers of `chatId`: deliver its `chat` messages here. Returns a
   * promise when the transport needs time to start (it resolves once messages published from
   * then on will arrive, so the caller catches up from the database for what came before), or
   * nothing when delivery is immediate (one instance).
   */
  follow(chatId: string): Promise<void> | undefined;
  /** No subscriber of `chatId` is left here: stop sending its messages to this instance. */
  unfollow(chatId: string): void;
  /** Called after the transport lost messages (reconnect): hubs catch up from the database. */
  onResync(handler: () => void): () => void;
  healthy(): boolean;
  /** What arrived from other instances (messages by kind, bytes); absent on one instance. */
  received?(): { chat: number; other: number; bytes: number };
  close(): Promise<void>;
}

export type Publish = (message: BusMessage) => void;

/**
 * Services publish after COMMIT and never wait for or fail on the bus: live delivery is best
 * effort (PROTOCOL.md › Delivery), the data is already durable, and clients recover by seq.
 */
export function createPublisher(bus: Bus, log: { warn(obj: object, msg: string): void }): Publish {
  return (message) => {
    bus.publish(message).catch((err: unknown) => {
      log.warn({ err: { message: (err as Error).message }, kind: message.kind }, 'bus publish failed');
    });
  };
}
