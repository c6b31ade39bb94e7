import { type ChatChange, CLOSE_CODES, type ServerEvent, type User } from '@chatsockets/protocol';
import { loggableError } from '../errors.js';
import type { Bus, BusMessage, ChatAudience } from './bus/bus.js';
import { CHAT_DELETED, type Connection, type Delivery, type Subscription } from './connection.js';
import type { Presence } from './presence.js';
import type { TypingStore } from './typing.js';

export interface HubDeps {
  bus: Bus;
  presence: Presence;
  typing: TypingStore;
  /**
   * A chat's committed changes after `afterRev`, in rev order, a page at a time (gap fill and
   * resync); `undefined` when there is no such chat any more.
   */
  changesAfter(
    chatId: string,
    afterRev: number,
  ): Promise<{ changes: ChatChange[]; hasMore: boolean } | undefined>;
  audienceOf(userId: string): Promise<ChatAudience>;
  /** For presence changes reported by another instance's death (Presence.onExternalChange). */
  usersByIds(userIds: string[]): Promise<User[]>;
  /**
   * Which of these users let others see when they are online (`showLastSeen`), in one read.
   * Without it, everyone does. Asked once per announcement and per subscribe reply, never per
   * delivery.
   */
  showingPresence?(userIds: string[]): Promise<Set<string>>;
  /**
   * Records "last seen" and answers the user as their chats' members see them (with
   * `lastSeenAt` unless they hide it), which the offline announcement then carries.
   */
  wentOffline?(userId: string): Promise<User | undefined>;
  /**
   * Which of these sessions still exist: a revoke the bus lost (an outage) is caught by asking
   * the database, periodically and at every resync.
   */
  liveSessions?(sessionIds: string[]): Promise<Set<string>>;
  log: { warn(obj: object, msg: string): void; error(obj: object, msg: string): void };
}

/**
 * Per chat with local subscribers: the highest rev forwarded, and a chain that keeps events in
 * order. Until the first subscriber's catch-up says where the chat stands (`forwardedRev`
 * undefined), events wait in `pending`.
 */
interface ChatRoute {
  subscribers: Set<Connection>;
  forwardedRev: number | undefined;
  pending: Array<{ event: ServerEvent; rev: number | undefined }>;
  chain: Promise<void>;
  /** The bus confirmed this chat's delivery before the route knew its position: catch up once it does. */
  refill: boolean;
}

/** The rev of an event that is itself a change of the chat (messages carry it in the message). */
export function revOf(event: ServerEvent): number | undefined {
  switch (event.type) {
    case 'message.created':
    case 'message.updated':
      return event.message.rev;
    case 'member.joined':
    case 'member.left':
    case 'member.updated':
    case 'chat.updated':
    case 'reaction.added':
    case 'reaction.removed':
      return event.rev;
    default:
      return undefined;
  }
}

/**
 * A change read back from the database, as the events a subscriber standing at rev `position`
 * would have received (the first carries the change's rev). A member who joined past it comes as
 * `member.joined`, then, promoted since, `member.updated` with their role; one it holds, as
 * `member.updated`. (A message's is decided per socket: `encodeReadBack`.)
 */
function toEvents(chatId: string, change: ChatChange, position: number): ServerEvent[] {
  switch (change.type) {
    case 'message': {
      const m = change.message;
      const created = m.editedAt === null && m.deletedAt === null;
      return [{ type: created ? 'message.created' : 'message.updated', message: m }];
    }
    case 'member': {
      const updated: ServerEvent = { type: 'member.updated', chatId, member: change.member, rev: change.rev };
      if (change.member.joinedRev <= position) return [updated];
      const joined: ServerEvent = {
        type: 'member.joined',
        chatId,
        user: change.member.user,
        rev: change.rev,
      };
      return change.member.role === 'member' ? [joined] : [joined, updated];
    }
    case 'left':
      return [{ type: 'member.left', chatId, user: change.user, rev: change.rev }];
    case 'chat':
      return [
        {
          type: 'chat.updated',
          chatId,
          title: change.title,
          description: change.description,
          rev: change.rev,
        },
      ];
  }
}

/**
 * One event, serialized and UTF-8 encoded once, then written as-is to every socket it goes to
 * (a string would be encoded again for each socket).
 */
const encode = (event: ServerEvent) => Buffer.from(JSON.stringify(event));

/** A `message.created`'s seq: a subscription that holds it gets the message no more (Delivery). */
const createdSeq = (event: ServerEvent) => (event.type === 'message.created' ? event.message.seq : undefined);

/**
 * A message read back from the database (`toEvents`) may be new to a subscriber or one it holds,
 * changed since (a pin, a reaction), which only the subscriber's seq tells: the copy for one
 * that holds it (Delivery › held).
 */
const heldCopy = (event: ServerEvent) =>
  event.type === 'message.created' ? encode({ type: 'message.updated', message: event.message }) : undefined;

const index = <K, V>(map: Map<K, Set<V>>, key: K, value: V) => {
  const set = map.get(key) ?? new Set<V>();
  map.set(key, set);
  set.add(value);
};
const unindex = <K, V>(map: Map<K, Set<V>>, key: K, value: V) => {
  const set = map.get(key);
  if (!set) return;
  set.delete(value);
  if (set.size === 0) map.delete(key);
};

/**
 * This instance's sockets and what they subscribe to. Everything live arrives here from the
 * bus (this instance's events included), and leaves through each connection's one writer.
 * Each event is serialized once, however many sockets it goes to.
 */
export function createHub(deps: HubDeps) {
  const connections = new Set<Connection>();
  const chats = new Map<string, ChatRoute>();
  const byUser = new Map<string, Set<Connection>>();
  const bySession = new Map<string, Set<Connection>>();
  const leavings = new Set<Promise<void>>();
  /** Sockets refused by `add` (their session had ended): presence never counted them. */
  const uncounted = new WeakSet<Connection>();

  /**
   * `readBack`: the event is a change read back from the database (a gap fill), at the current
   * state of what changed. A message then comes as `message.created` only to a subscription that
   * does not hold it yet, and as `message.updated` to one that does: the change is new to it.
   */
  function forward(chatId: string, r: ChatRoute, event: ServerEvent, rev?: number, readBack = false) {
    const data = encode(event);
    const seq = createdSeq(event);
    const held = readBack ? heldCopy(event) : undefined;
    const skipUser = event.type === 'typing' ? event.user.id : undefined;
    // A reader who joins while subscribed is a member from their join on (in rev order, so the
    // presence brought up to a later rev reaches them, and none brought up to an earlier one).
    // Read back, it may have been lost by the bus, and their own channel's copy with it: their
    // other sockets here get it this way too (one whose subscription a departure read back just
    // before ended included), once (`sendOwn`: whichever copy comes first).
    if (event.type === 'member.joined') {
      for (const conn of byUser.get(event.user.id) ?? []) {
        const sub = conn.subscriptions.get(chatId);
        if (sub) sub.member = true;
        else if (readBack) conn.sendOwn(chatId, event.rev, data);
      }
    }
    // What members do there (typing, reading) is for members: a reader would learn from it when
    // someone who hides their presence is online (PROTOCOL.md › Presence).
    const membersOnly = event.type === 'typing' || event.type === 'read';
    // One delivery for every subscriber (deliver only reads it; a syncing one buffers it as is).
    const delivery: Delivery = { data, rev, seq, held, membersOnly, last: event.type === 'chat.deleted' };
    for (const conn of r.subscribers) if (conn.userId !== skipUser) conn.deliver(chatId, delivery);
    // Membership at delivery: the departed user's sockets get `member.left`, then nothing more
    // of this chat. Events are forwarded in rev order, so nothing after the departure got out.
    if (event.type === 'member.left') {
      // Read back, as a join above: their other sockets here get it once.
      for (const conn of byUser.get(event.user.id) ?? []) {
        if (conn.subscriptions.has(chatId)) end(conn, chatId);
        else if (readBack) conn.sendOwn(chatId, event.rev, data);
      }
      // Also here, not only as the bus hears it: a departure the bus lost arrives through `fill`.
      deps.typing.stop(chatId, event.user.id);
    }
    // A deleted chat has nothing more to send, and no rev to catch up from.
    if (event.type === 'chat.deleted') {
      for (const conn of [...r.subscribers]) end(conn, chatId);
    }
  }

  /**
   * Forwards, in rev order, every change committed after the route's position, read back from
   * the database: what the bus lost, or what is still in flight from another transaction (two
   * commits' publishes can overtake each other). Changes come at their current state, so a
   * late event for any of them is older and is dropped.
   */
  async function fill(chatId: string, r: ChatRoute) {
    for (;;) {
      if (r.forwardedRev === undefined) return;
      const page = await deps.changesAfter(chatId, r.forwardedRev);
      if (!page) {
        // Deleted, and the bus lost `chat.deleted` (an outage): it is what a catch-up reads back.
        forward(chatId, r, { type: 'chat.deleted', chatId });
        return;
      }
      for (const change of page.changes) {
        if (change.rev <= r.forwardedRev) continue;
        const position = r.forwardedRev;
        r.forwardedRev = change.rev;
        toEvents(chatId, change, position).forEach((event, i) => {
          forward(chatId, r, event, i === 0 ? change.rev : undefined, true);
        });
      }
      if (!page.hasMore || page.changes.length === 0) return;
    }
  }

  /**
   * Chat events reach subscribers in rev order, each change once. A change past the next
   * expected rev means changes were lost or overtaken: they are committed already (revs are
   * taken under the chat's row lock), so they are read back and forwarded first. An event that
   * is not a change (`typing`, `read`) waits until the chat is at the rev its publisher saw.
   */
  async function route(chatId: string, r: ChatRoute, event: ServerEvent, atRev: number | undefined) {
    // The chat was deleted (its route dropped): what was still queued for it goes nowhere.
    if (chats.get(chatId) !== r) return;
    const rev = revOf(event);
    if (r.forwardedRev === undefined) {
      r.pending.push({ event, rev: atRev });
      return;
    }
    if (rev !== undefined) {
      if (rev <= r.forwardedRev) return; // late: a fill forwarded this change, at a newer state
      if (rev > r.forwardedRev + 1) await fill(chatId, r);
      if (rev <= r.forwardedRev) return;
      r.forwardedRev = rev;
      forward(chatId, r, event, rev);
      return;
    }
    if (atRev !== undefined && atRev > r.forwardedRev) await fill(chatId, r);
    forward(chatId, r, event);
  }

  async function onChatEvent(chatId: string, event: ServerEvent, atRev: number | undefined) {
    if (event.type === 'typing') {
      if (event.active === false) deps.typing.stop(chatId, event.user.id);
      else deps.typing.start(chatId, event.user);
    }
    if (event.type === 'message.created') deps.typing.stop(chatId, event.message.author.id);
    // A late subscriber must not be told that someone who left is typing there.
    if (event.type === 'member.left') deps.typing.stop(chatId, event.user.id);
    const r = chats.get(chatId);
    if (r) await route(chatId, r, event, atRev);
  }

  /** Chat events run one after another per chat, so order survives the async gap fill. */
  function enqueueChat(chatId: string, task: () => Promise<void> | void) {
    const r = chats.get(chatId);
    if (!r) return void task();
    r.chain = r.chain
      .then(task)
      .catch((err: unknown) => deps.log.error({ err: loggableError(err), chatId }, 'chat event failed'));
  }

  /**
   * A presence or profile change, to the subscribers of the user's chats, once each, `sent`
   * excepted. Through each chat's chain, brought up to the rev its publisher saw first (as
   * `typing`): a member removed before it was published gets `member.left` and not this, even
   * when the bus lost the departure. In order per chat, so per socket too. `membersOnly`
   * (presence): not to a public chat's readers, only to subscriptions of its members.
   */
  function toAudience(audience: ChatAudience, data: Buffer, sent: Set<Connection>, membersOnly = false) {
    for (const chatId of audience.chatIds) {
      const r = chats.get(chatId);
      if (!r) continue;
      const atRev = audience.revs?.[chatId];
      enqueueChat(chatId, async () => {
        if (chats.get(chatId) !== r) return;
        if (atRev !== undefined && r.forwardedRev !== undefined && atRev > r.forwardedRev)
          await fill(chatId, r);
        // Through each subscription, not straight to the socket: one still syncing has not
        // passed its access check, and a refused subscribe must not have heard of the chat's
        // members; it gets this after its reply, like the chat's own events.
        const delivery: Delivery = { data, once: sent, membersOnly };
        for (const conn of r.subscribers) conn.deliver(chatId, delivery);
      });
    }
  }

  function onBus(message: BusMessage) {
    switch (message.kind) {
      case 'chat':
        return enqueueChat(message.chatId, () => onChatEvent(message.chatId, message.event, message.rev));
      case 'user': {
        const e = message.event;
        const data = encode(e);
        const chatId = alsoOnChat(e);
        for (const conn of byUser.get(message.userId) ?? []) {
          // A deletion goes to every socket of every former member, subscribed or not (an
          // unsubscribe racing it would leave neither copy to reach the socket), once: the
          // chat's route may bring it too. Nothing more of the chat reaches the socket after it.
          if (e.type === 'chat.deleted') {
            conn.sendOwn(e.chatId, CHAT_DELETED, data);
            end(conn, e.chatId);
            continue;
          }
          // A socket that follows the chat gets this from the chat's route, in rev order. Sent
          // here too, a `member.left` could overtake the chat's earlier events, which then
          // followed it to a socket that had been told it was out.
          // Not while the subscription syncs: a subscribe that is then refused drops what it
          // held, and the socket would never hear of its departure.
          if (chatId !== undefined && conn.subscriptions.get(chatId)?.syncing === false) continue;
          // A gap fill may have read it back and sent it first (hub.forward).
          if (e.type === 'member.joined' || e.type === 'member.left') conn.sendOwn(e.chatId, e.rev, data);
          else conn.sendRaw(data);
        }
        return;
      }
      case 'session.revoked':
        for (const conn of bySession.get(message.sessionId) ?? [])
          conn.close(CLOSE_CODES.SESSION_ENDED, 'session ended');
        return;
      case 'user.updated': {
        const data = encode({ type: 'user.updated', user: message.user });
        const sent = new Set<Connection>(byUser.get(message.user.id) ?? []);
        for (const conn of sent) conn.sendRaw(data);
        return toAudience(message, data, sent);
      }
      case 'presence': {
        // To the members of the user's chats, never to a public chat's readers (PROTOCOL.md ›
        // Presence). Who hides it is decided where it is published: it is never published.
        const data = encode({ type: 'presence', user: message.user, online: message.online });
        return toAudience(message, data, new Set(byUser.get(message.user.id) ?? []), true);
      }
      default:
        message satisfies never;
    }
  }

  /**
   * Closes (4401) the sockets whose session no longer exists. Only the connections asked about:
   * one that opened while the query ran is not in `live`, and closing it would sign a live
   * session out.
   */
  async function recheckSessions() {
    if (!deps.liveSessions) return;
    const checked = [...connections];
    const ids = [...new Set(checked.map((c) => c.actor.sessionId))];
    if (ids.length === 0) return;
    try {
      const live = await deps.liveSessions(ids);
      for (const conn of checked) {
        if (!live.has(conn.actor.sessionId)) conn.close(CLOSE_CODES.SESSION_ENDED, 'session ended');
      }
    } catch (err) {
      deps.log.warn({ err: { message: (err as Error).message } }, 'session re-check failed');
    }
  }

  /** Whether the session still exists; true when that cannot be read (the periodic re-check retries). */
  async function sessionLive(sessionId: string): Promise<boolean> {
    if (!deps.liveSessions) return true;
    try {
      return (await deps.liveSessions([sessionId])).has(sessionId);
    } catch (err) {
      deps.log.warn({ err: { message: (err as Error).message } }, 'session check failed');
      return true;
    }
  }

  const unsubscribeBus = deps.bus.subscribe(onBus);
  // After the bus lost messages, every subscribed chat catches up from the database, departures
  // included: this is what revalidates subscriptions against membership after an outage. A
  // `session.revoked` lost with them has no rev to be read back by: the sessions are checked
  // first, and every chat waits for that (its fill and the live events queued behind it), so a
  // revoked session's socket is closed before the first event after the outage could reach it.
  const unsubscribeResync = deps.bus.onResync(() => {
    const sessionsChecked = recheckSessions();
    for (const [chatId, r] of chats) {
      enqueueChat(chatId, async () => {
        await sessionsChecked;
        if (chats.get(chatId) === r) await fill(chatId, r);
      });
    }
  });

  /** Whether others may see when this user is online (`showLastSeen`); yes when that cannot be read. */
  async function showsPresence(userId: string): Promise<boolean> {
    if (!deps.showingPresence) return true;
    return (await deps.showingPresence([userId])).has(userId);
  }

  /**
   * `shown`: whether the user lets others see it; `undefined` reads it. A user who hides it is
   * announced to no one (PROTOCOL.md › Presence); their last socket still stops their typing.
   */
  async function announcePresence(user: User, online: boolean, shown?: boolean) {
    try {
      const [audience, visible] = await Promise.all([
        deps.audienceOf(user.id),
        shown ?? showsPresence(user.id),
      ]);
      // Back online meanwhile (a reconnect while "last seen" was written and the audience read):
      // their online announcement stands; an offline one after it would leave them shown offline.
      if (!online && (await deps.presence.socketCount(user.id)) > 0) return;
      if (visible) await deps.bus.publish({ kind: 'presence', user, online, ...audience });
      // Hidden since it was read (the settings change announced them offline, maybe before
      // this): offline again after it, so that is what stands. Not awaited: the socket's hello
      // does not wait for it (shutdown does, through `settled`).
      if (visible && online) track(recheckHidden(user, audience));
      if (!online) {
        for (const chatId of deps.typing.chatsOf(user.id)) {
          await deps.bus.publish({
            kind: 'chat',
            chatId,
            event: { type: 'typing', chatId, user, active: false },
          });
        }
      }
    } catch (err) {
      deps.log.warn({ err: { message: (err as Error).message } }, 'presence announcement failed');
    }
  }

  async function recheckHidden(user: User, audience: ChatAudience) {
    try {
      if (await showsPresence(user.id)) return;
      await deps.bus.publish({ kind: 'presence', user, online: false, ...audience });
    } catch (err) {
      deps.log.warn({ err: { message: (err as Error).message } }, 'presence announcement failed');
    }
  }

  function track(task: Promise<void>) {
    leavings.add(task);
    void task.finally(() => leavings.delete(task));
  }

  /**
   * Every way a user goes offline: "last seen" is recorded first, and the announcement carries
   * it (or no key when they hide it), which clients take as is.
   */
  async function announceOffline(user: User) {
    const seen = await deps
      .wentOffline?.(user.id)
      .catch((err: unknown) =>
        deps.log.warn({ err: { message: (err as Error).message } }, 'last seen not recorded'),
      );
    // `wentOffline` answers the user as others see them: no `lastSeenAt` key when they hide it.
    await announcePresence(seen ?? user, false, seen ? 'lastSeenAt' in seen : undefined);
  }

  // Users no local socket event covers (a crashed instance's, or ours after Redis lost them).
  const unsubscribePresence = deps.presence.onExternalChange?.(async ({ userIds, online }) => {
    try {
      for (const user of await deps.usersByIds(userIds)) {
        await (online ? announcePresence(user, true) : announceOffline(user));
      }
    } catch (err) {
      deps.log.warn({ err: { message: (err as Error).message } }, 'presence change announcement failed');
    }
  });

  /** Ends a subscription's sync: what it buffered goes out, minus what it already holds. */
  function flush(conn: Connection, chatId: string, sub: Subscription) {
    sub.syncing = false;
    const buffered = sub.buffered;
    sub.buffered = [];
    for (const item of buffered) conn.deliver(chatId, item);
  }

  /**
   * One subscriber's changes after `fromRev` up to where its route stands, read back from the
   * database at their current state, then its buffer (whose older copies are then dropped as
   * held). Its own departure among them is the last it gets of the chat, as in `forward`.
   */
  async function catchUpOne(conn: Connection, chatId: string, sub: Subscription, fromRev: number) {
    if (conn.subscriptions.get(chatId) !== sub) return;
    const upTo = chats.get(chatId)?.forwardedRev ?? fromRev;
    let after = fromRev;
    let left = false;
    const items: Subscription['buffered'] = [];
    try {
      reading: while (after < upTo) {
        const page = await deps.changesAfter(chatId, after);
        // Deleted: the route's `chat.deleted` ends the subscription.
        if (!page) break;
        for (const change of page.changes) {
          if (change.rev <= after) continue;
          // Not forwarded yet: the route brings it, and it is buffered meanwhile.
          if (change.rev > upTo) break reading;
          const position = after;
          after = change.rev;
          const events = toEvents(chatId, change, position);
          for (const [i, event] of events.entries()) {
            items.push({
              data: encode(event),
              rev: i === 0 ? change.rev : undefined,
              seq: createdSeq(event),
              held: heldCopy(event),
            });
            // A reader who joined meanwhile: a member from here on (as in `forward`).
            if (event.type === 'member.joined' && event.user.id === conn.userId) sub.member = true;
          }
          const [event] = events;
          if (event?.type === 'member.left' && event.user.id === conn.userId) {
            left = true;
            break reading;
          }
        }
        if (!page.hasMore || page.changes.length === 0) break;
      }
    } finally {
      // Ahead of what it buffered meanwhile (whose older copies it then drops as held); after
      // its own departure, nothing.
      if (conn.subscriptions.get(chatId) === sub) {
        sub.buffered = left ? items : [...items, ...sub.buffered];
        flush(conn, chatId, sub);
        if (left || sub.ended) unsubscribe(conn, chatId);
      }
    }
  }

  /**
   * A subscription's last event was just delivered to it. One still syncing holds that event in
   * its buffer: dropping the subscription now would drop the event with it, and its subscribe
   * reply would then say it is subscribed to a chat it has lost (a public reader, who has no
   * member channel, would never learn it). It leaves the route at once (nothing more reaches
   * it) and ends once its reply and buffer are out (`completeSubscription`).
   */
  function end(conn: Connection, chatId: string) {
    const sub = conn.subscriptions.get(chatId);
    if (!sub) return;
    if (!sub.syncing) return unsubscribe(conn, chatId);
    sub.ended = true;
    leaveRoute(conn, chatId);
  }

  function unsubscribe(conn: Connection, chatId: string) {
    conn.subscriptions.delete(chatId);
    leaveRoute(conn, chatId);
  }

  /** The socket gets nothing more of the chat; the route and its bus follow go with their last subscriber. */
  function leaveRoute(conn: Connection, chatId: string) {
    const r = chats.get(chatId);
    if (!r) return;
    r.subscribers.delete(conn);
    if (r.subscribers.size === 0) {
      chats.delete(chatId);
      deps.bus.unfollow(chatId);
    }
  }

  /**
   * A new route asks the bus for the chat's events. Across instances that starts a moment
   * later (a Redis subscription): whatever was published before it took effect is read back
   * from the database once it has.
   */
  function follow(chatId: string, r: ChatRoute) {
    deps.bus.follow(chatId)?.then(() =>
      enqueueChat(chatId, () => {
        if (chats.get(chatId) !== r) return;
        if (r.forwardedRev === undefined) r.refill = true;
        else return fill(chatId, r);
      }),
    );
  }

  return {
    /**
     * `counted` runs as soon as presence counts the socket: its upgrade's reservation ends there,
     * not after the announcement (a database read and a publish), or concurrent upgrades of the
     * same user would see it twice and be refused below the cap.
     */
    async add(conn: Connection, counted?: () => void): Promise<boolean> {
      connections.add(conn);
      index(byUser, conn.userId, conn);
      index(bySession, conn.actor.sessionId, conn);
      // Indexed first: a revoke from now on reaches this socket over the bus. One that came
      // between the upgrade's authentication and here found no socket to close, so the session
      // is read again; a revoked one never gets its hello, its presence or any event.
      // It leaves the indexes through `remove`, as every socket does (a subscribe it sent
      // meanwhile included), once its close comes; closed, it is sent nothing before that.
      if (!(await sessionLive(conn.actor.sessionId))) {
        uncounted.add(conn);
        conn.close(CLOSE_CODES.SESSION_ENDED, 'session ended');
        return false;
      }
      const cameOnline = await deps.presence.connected(conn.userId);
      counted?.();
      if (cameOnline) await announcePresence(conn.actor.user, true);
      return true;
    },

    /** The one place a closed connection leaves every index. */
    async remove(conn: Connection) {
      if (!connections.delete(conn)) return;
      for (const chatId of [...conn.subscriptions.keys()]) unsubscribe(conn, chatId);
      unindex(byUser, conn.userId, conn);
      unindex(bySession, conn.actor.sessionId, conn);
      conn.dispose();
      if (uncounted.has(conn)) return; // refused before presence counted it
      const leaving = (async () => {
        if (await deps.presence.disconnected(conn.userId)) await announceOffline(conn.actor.user);
      })();
      leavings.add(leaving);
      await leaving.finally(() => leavings.delete(leaving));
    },

    /**
     * Whether a frame of this socket may run. While the bus is down, a sign-out made on another
     * instance (a password change, "sign out other devices") cannot reach this one, so the
     * session is read again for every frame until the bus is back: one that ended closes the
     * socket with 4401, and the frame does nothing. With the bus up, a revoke closes it at once:
     * `true` then, with nothing to wait for.
     */
    sessionStands(conn: Connection): true | Promise<boolean> {
      if (deps.bus.healthy()) return true;
      return sessionLive(conn.actor.sessionId).then((live) => {
        if (!live) conn.close(CLOSE_CODES.SESSION_ENDED, 'session ended');
        return live;
      });
    },

    /** Settles when every removal (and recheck) begun so far has announced its presence: shutdown waits for it. */
    async settled() {
      await Promise.allSettled([...leavings]);
    },

    /** Step 1 of subscribe: live events start buffering BEFORE the catch-up is read. */
    beginSubscription(conn: Connection, chatId: string) {
      // A frame still queued when its socket closed runs after `remove`: registered now, the
      // subscription would hold the dead socket in the route, and the bus's follow, for good.
      if (!connections.has(conn)) return;
      let r = chats.get(chatId);
      conn.subscriptions.set(chatId, {
        syncing: true,
        buffered: [],
        sentRev: 0,
        sentSeq: 0,
        beganUnplaced: r?.forwardedRev === undefined,
        ended: false,
        member: false,
      });
      if (!r) {
        r = {
          subscribers: new Set(),
          forwardedRev: undefined,
          pending: [],
          chain: Promise.resolve(),
          refill: false,
        };
        chats.set(chatId, r);
        follow(chatId, r);
      }
      r.subscribers.add(conn);
    },

    /**
     * Step 2: after the reply went out, flush what arrived meanwhile, minus changes the reply
     * already covered. `rev` is the chat's rev the reply was read at; `seq` the highest message
     * seq it carried (a subscribe by seq).
     */
    completeSubscription(conn: Connection, chatId: string, rev: number, seq = 0) {
      const sub = conn.subscriptions.get(chatId);
      if (!sub) return;
      const r = chats.get(chatId);
      sub.sentRev = Math.max(sub.sentRev, rev);
      sub.sentSeq = Math.max(sub.sentSeq, seq);
      if (sub.ended) {
        flush(conn, chatId, sub);
        conn.subscriptions.delete(chatId);
        return;
      }
      // Two first subscribers of a chat on this instance: the route learned its position from
      // the other one's reply, and the events it held until then that were at or below that
      // position were dropped as late. Those above this reply's rev never reached this socket:
      // it reads them back, in the chat's chain (so nothing newer is forwarded meanwhile: it is
      // buffered), before anything it buffered.
      if (r && sub.beganUnplaced && r.forwardedRev !== undefined && r.forwardedRev > rev) {
        enqueueChat(chatId, () => catchUpOne(conn, chatId, sub, rev));
        return;
      }
      flush(conn, chatId, sub);
      // Only a new route learns its position here (raising a known one would make in-flight
      // events look late); what arrived before it knew goes through in order now.
      if (r && r.forwardedRev === undefined) {
        r.forwardedRev = rev;
        const pending = r.pending;
        r.pending = [];
        for (const item of pending) enqueueChat(chatId, () => route(chatId, r, item.event, item.rev));
        if (r.refill) {
          r.refill = false;
          enqueueChat(chatId, () => (chats.get(chatId) === r ? fill(chatId, r) : undefined));
        }
      }
    },

    unsubscribe,

    /**
     * The subscribe reply read the caller's membership: a member's subscription hears of the
     * chat's members' presence. Only ever raised here: a join forwarded since the read raised it
     * already, and a departure ends the subscription.
     */
    markMember(conn: Connection, chatId: string) {
      const sub = conn.subscriptions.get(chatId);
      if (sub) sub.member = true;
    },

    /**
     * Which of `memberIds` a member sees online: online on any instance, and showing it (the
     * viewer always sees themself). What `presence` events then keep current.
     */
    async onlineSeenBy(viewerId: string, memberIds: string[]): Promise<Set<string>> {
      const online = await deps.presence.onlineAmong(memberIds); // none asked (a reader): no read
      if (online.size === 0 || !deps.showingPresence) return online;
      const others = [...online].filter((id) => id !== viewerId);
      const shown = others.length ? await deps.showingPresence(others) : new Set<string>();
      return new Set([...online].filter((id) => id === viewerId || shown.has(id)));
    },
    typingIn: (chatId: string) => deps.typing.typing(chatId),
    socketCount: (userId: string) => deps.presence.socketCount(userId),

    connections: () => connections as ReadonlySet<Connection>,

    recheckSessions,

    stats() {
      return {
        connections: connections.size,
        chats: chats.size,
        users: byUser.size,
        sessions: bySession.size,
        typingChats: deps.typing.size(),
      };
    },

    close() {
      unsubscribeBus();
      unsubscribeResync();
      unsubscribePresence?.();
    },
  };
}
export type Hub = ReturnType<typeof createHub>;

/** The chat of a user's event that is also published to the chat's subscribers (chats.service.ts). */
function alsoOnChat(event: ServerEvent): string | undefined {
  switch (event.type) {
    case 'member.joined':
    case 'member.left':
    case 'member.updated':
    case 'chat.deleted':
    case 'read':
      return event.chatId;
    default:
      return undefined;
  }
}
