import {
  CLOSE_CODES,
  type ClientFrame,
  ClientFrameSchema,
  type ErrorInfo,
  FrameIdSchema,
  LIMITS,
  PROTOCOL_VERSION,
} from '@chatsockets/protocol';
import fastifyWebsocket from '@fastify/websocket';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { RawData, WebSocket } from 'ws';
import { actorOf } from '../auth/auth.plugin.js';
import { type Actor, type AuthService, TOUCH_EVERY_MS } from '../auth/auth.service.js';
import { withDeadline } from '../deadline.js';
import { AppError, badRequest, loggableError, rateLimited, unavailable } from '../errors.js';
import type { Metrics } from '../ops/metrics.js';
import { observeError } from '../ops/observe-error.js';
import type { Limiter } from '../rate-limit.js';
import type { Commands } from './commands.js';
import { Connection } from './connection.js';
import { FrameBudget } from './frame-budget.js';
import type { Hub } from './hub.js';
import type { Presence } from './presence.js';

export interface GatewayOptions {
  hub: Hub;
  /** Reserves the per-user socket slots (the hub counts sockets only once they are added). */
  presence: Presence;
  commands: Commands;
  auth: AuthService;
  metrics: Metrics;
  heartbeatMs: number;
  /** Every command answers within this (UNAVAILABLE past it). */
  deadlineMs: number;
  /** How often every open socket's session is re-checked (catches lost revokes and expiry). */
  sessionCheckMs: number;
  limits: { framesPerSec: number; framesBurst: number; maxSocketsPerUser: number; sendBufferMax: number };
  /** Upgrades per user (`WS_CONNECTS_PER_MIN`), shared by every instance through Redis. */
  connects: Limiter;
}

// Frame costs in tenths of the budget: a client resubscribing to every chat after a reconnect
// (one subscribe per chat) must fit in one burst; everything else, bad frames included, costs 1.
const FRAME_COST_SCALE = 10;
const FRAME_COST: Record<ClientFrame['type'], number> = {
  subscribe: 2,
  unsubscribe: 1,
  'message.send': 10,
  'message.edit': 10,
  'message.delete': 10,
  typing: 10,
  read: 5,
  ping: 5,
  'reaction.add': 10,
  'reaction.remove': 10,
  'message.pin': 10,
  'message.unpin': 10,
};

const issuesToDetails = (issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>) =>
  issues.map((i) => ({ path: i.path.map(String).join('.') || '(frame)', message: i.message }));

/** PROTOCOL.md › WebSocket, on @fastify/websocket. */
export default async function gateway(app: FastifyInstance, opts: GatewayOptions) {
  const { hub, commands, metrics } = opts;
  let draining = false;

  // PROTOCOL.md › Frame budget: per socket, `framesBurst` frames at once, refilled at `framesPerSec`.
  // The app's one clock (injectable in tests), so a refill can be shown without waiting for it.
  const frameBudget = () =>
    new FrameBudget(
      opts.limits.framesBurst * FRAME_COST_SCALE,
      opts.limits.framesPerSec * FRAME_COST_SCALE,
      () => opts.auth.now().getTime(),
    );

  await app.register(fastifyWebsocket, {
    options: {
      maxPayload: LIMITS.frameMaxBytes, // over it: ws closes with 1009
      perMessageDeflate: false,
    },
    // Graceful shutdown: stop taking frames, let in-flight ones finish (their acks go out),
    // then 1001 to every socket (PROTOCOL.md › close codes: reconnect elsewhere).
    preClose: async function preClose(this: FastifyInstance) {
      draining = true;
      clearInterval(heartbeat);
      clearInterval(sessionCheck);
      const open = [...hub.connections()];
      await Promise.race([
        Promise.allSettled(open.map((c) => c.drained())),
        new Promise((r) => setTimeout(r, 3000).unref()),
      ]);
      for (const conn of open) conn.close(CLOSE_CODES.GOING_AWAY, 'server shutting down');
      this.server.removeAllListeners('upgrade');
      await new Promise<void>((resolve) => this.websocketServer.close(() => resolve()));
    },
  });

  // One heartbeat for the whole server (ws README: "detect broken connections"), not a timer
  // per socket. A socket silent for two intervals is terminated; a closing one is never pinged.
  const heartbeat = setInterval(() => {
    const deadline = Date.now() - 2 * opts.heartbeatMs;
    for (const conn of hub.connections()) {
      if (conn.lastPongAt < deadline) conn.socket.terminate();
      else if (conn.isOpen) conn.socket.ping();
    }
  }, opts.heartbeatMs);
  heartbeat.unref();

  // Catches revokes the bus lost and sessions that expired (the hub also checks at every resync).
  const sessionCheck = setInterval(() => void hub.recheckSessions(), opts.sessionCheckMs);
  sessionCheck.unref();

  app.addHook('onClose', async () => {
    clearInterval(heartbeat);
    clearInterval(sessionCheck);
    hub.close();
  });

  // An upgrade's socket slot, from its reservation (before the 101) until the hub counts the socket.
  const slots = new WeakMap<FastifyRequest['raw'], () => void>();
  const slotHoldMs = Math.max(10_000, 2 * opts.deadlineMs);

  /** Authenticated before the 101: a refused upgrade is a plain HTTP 401/403/429, no socket. */
  async function authorizeUpgrade(request: FastifyRequest) {
    // A plain GET would otherwise get @fastify/websocket's bare 404.
    if (!request.ws) throw badRequest('/ws takes a WebSocket upgrade only');
    if (draining) throw unavailable('Server is shutting down');
    await app.authenticate(request);
    // Reserved, not just counted: concurrent upgrades would all see the same count and pass.
    const userId = actorOf(request).user.id;
    await opts.connects.consume(userId);
    const token = await opts.presence.reserve(userId, opts.limits.maxSocketsPerUser, slotHoldMs);
    if (!token) throw rateLimited(5);
    const raw = request.raw;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      raw.socket?.off('close', release);
      slots.delete(raw);
      opts.presence.release(userId, token).catch(() => {});
    };
    // An upgrade that fails after this point never reaches the handler; its socket closes.
    raw.socket?.once('close', release);
    slots.set(raw, release);
  }

  // Frames a socket may have waiting: twice what a full budget admits at once in the cheapest
  // frame (a resubscribe to every chat), so a client within its budget is never held back; at
  // least a few, so that a budget of zero (every frame refused) still reads frames in batches.
  const inboundMax = Math.max(
    64,
    (2 * opts.limits.framesBurst * FRAME_COST_SCALE) / Math.min(...Object.values(FRAME_COST)),
  );

  // Shared by every connection: a socket's closures must not keep its upgrade request alive.
  const connectionEvents = {
    sent(bytes: number) {
      metrics.outbound.frames++;
      metrics.outbound.bytes += bytes;
    },
    slowReader: () => metrics.slowReaders.inc(),
  };

  app.get(
    '/ws',
    { websocket: true, preValidation: authorizeUpgrade, schema: { hide: true } },
    (socket, request) => {
      const releaseSlot = slots.get(request.raw);
      releaseUpgradeResponse(request);
      attach(socket, actorOf(request), releaseSlot);
    },
  );

  /**
   * @fastify/websocket answers the upgrade through a ServerResponse assigned to the socket; the
   * socket keeps it (and, through it, the upgrade request) for as long as it lives. Detaching it
   * frees both: several KiB per idle socket.
   */
  function releaseUpgradeResponse(request: FastifyRequest) {
    const socket = request.raw.socket as (typeof request.raw.socket & { _httpMessage?: unknown }) | null;
    const response = socket?._httpMessage as { detachSocket?: (s: unknown) => void } | undefined;
    if (socket && response?.detachSocket) response.detachSocket(socket);
  }

  function attach(socket: WebSocket, actor: Actor, releaseSlot?: () => void) {
    const conn = new Connection(socket, actor, opts.limits.sendBufferMax, connectionEvents, inboundMax);
    const budget = frameBudget();
    touchedAt.set(conn, opts.auth.now().getTime()); // the upgrade authenticated (and touched) it
    metrics.connections.inc();
    // @fastify/websocket's own error listener closes over the upgrade request and reply, keeping
    // them alive as long as the socket; ours replaces it and holds nothing but the log.
    socket.removeAllListeners('error');
    socket.on('error', (err) => app.log.debug({ err: { message: err.message } }, 'socket error'));
    socket.on('pong', () => {
      conn.lastPongAt = Date.now();
    });
    socket.on('close', () => {
      metrics.connections.dec();
      void hub
        .remove(conn)
        .catch((err: unknown) => app.log.error({ err: loggableError(err) }, 'connection cleanup failed'));
    });
    socket.on('message', (data, isBinary) => {
      const arrived = opts.auth.now().getTime();
      void conn
        .enqueue(() => handleFrame(conn, budget, data, isBinary, arrived))
        .catch((err: unknown) => app.log.error({ err: loggableError(err) }, 'frame handler failed'));
    });
    const ready = hub
      .add(conn, releaseSlot)
      .finally(releaseSlot)
      .then((added) => {
        // Not added: its session ended during the upgrade, and the hub closed it with 4401.
        if (!added) return;
        conn.send({
          type: 'hello',
          user: conn.actor.user,
          protocolVersion: PROTOCOL_VERSION,
          heartbeatMs: opts.heartbeatMs,
          serverTime: new Date().toISOString(),
        });
      })
      .catch((err: unknown) => {
        app.log.error({ err: loggableError(err) }, 'connection setup failed');
        conn.close(CLOSE_CODES.INTERNAL, 'internal error');
      });
    // First in the socket's queue: every frame waits for the hello, so no reply comes before it.
    void conn.enqueue(() => ready);
  }

  // When each socket last refreshed its session; a socket's first frame counts from its upgrade.
  const touchedAt = new WeakMap<Connection, number>();

  /**
   * A client active only over its socket must not be signed out at the idle TTL: its frames
   * refresh the session, at most one write per socket per TOUCH_EVERY_MS. Awaited, so the reply
   * follows the write; a failed write costs the frame nothing. Nothing to wait for (most frames):
   * undefined, so the frame sets no timer for it.
   */
  function keepSessionAlive(conn: Connection): Promise<void> | undefined {
    const at = opts.auth.now().getTime();
    if (at - (touchedAt.get(conn) ?? at) < TOUCH_EVERY_MS) return undefined;
    touchedAt.set(conn, at);
    return opts.auth
      .touch(conn.actor.sessionId)
      .catch((err: unknown) =>
        app.log.warn({ err: { message: (err as Error).message } }, 'session touch failed'),
      );
  }

  /** Parse → validate → limit → dispatch → exactly one reply. Never throws, never closes the socket. */
  async function handleFrame(
    conn: Connection,
    budget: FrameBudget,
    data: RawData,
    isBinary: boolean,
    arrived: number,
  ): Promise<void> {
    let id: string | number | undefined;
    // Every frame answers within the deadline from its arrival, its wait behind the socket's
    // earlier frames included: behind one that hangs (a database that does not answer), the
    // next ones would each wait a whole deadline of their own.
    const left = () => opts.deadlineMs - (opts.auth.now().getTime() - arrived);
    const bounded = <T>(work: Promise<T>) =>
      opts.deadlineMs > 0 ? withDeadline(work, Math.max(1, left())) : work;
    const touching = conn.isOpen ? keepSessionAlive(conn) : undefined;
    if (touching) await bounded(touching).catch(() => {});
    try {
      if (isBinary) throw badRequest('Binary frames are not supported; send JSON text');
      let raw: unknown;
      try {
        raw = JSON.parse(data.toString());
      } catch {
        throw badRequest('Frame is not valid JSON');
      }
      if (raw && typeof raw === 'object' && !Array.isArray(raw) && 'id' in raw) {
        const parsedId = FrameIdSchema.safeParse(raw.id);
        if (parsedId.success) id = parsedId.data;
      }
      const parsed = ClientFrameSchema.safeParse(raw);
      const cost = parsed.success ? FRAME_COST[parsed.data.type] : FRAME_COST_SCALE;
      const waitMs = budget.take(cost);
      if (waitMs > 0) throw rateLimited(Math.ceil(waitMs / 1000));
      if (!parsed.success) {
        throw new AppError('BAD_REQUEST', 'Frame does not match the protocol', {
          details: issuesToDetails(parsed.error.issues),
        });
      }
      metrics.framesIn.inc({ type: parsed.data.type });
      // Closed meanwhile (signed out, its session revoked, gone): what it still had queued does
      // not run. A frame already running finishes; its reply goes nowhere.
      if (!conn.isOpen) return;
      if (opts.deadlineMs > 0 && left() <= 0)
        throw unavailable('The frame waited too long behind this socket’s earlier ones; retry later');
      // A ping asks nothing of the database; with the bus up, no frame waits for this.
      const stands = parsed.data.type === 'ping' || hub.sessionStands(conn);
      if (stands !== true && !(await bounded(stands))) return;
      if (draining) throw unavailable('Server is shutting down; reconnect elsewhere');
      // subscribe bounds its own database work, so a late catch-up cannot leave a subscription half-made.
      const work = dispatch(conn, parsed.data);
      const result = await (parsed.data.type === 'subscribe' ? work : bounded(work));
      // PROTOCOL.md › WebSocket: only a frame with an id gets a reply.
      conn.reply(id === undefined ? undefined : { type: 'reply', id, ok: true, data: result });
    } catch (err) {
      const error: ErrorInfo = observeError(metrics, 'ws', app.log, err);
      if (id !== undefined) conn.reply({ type: 'reply', id, ok: false, error });
      else conn.reply({ type: 'error', error });
    }
  }

  function dispatch(conn: Connection, frame: ClientFrame): Promise<unknown> {
    const handler = commands[frame.type] as (c: Connection, f: ClientFrame) => Promise<unknown>;
    return handler(conn, frame);
  }
}
