import { LIMITS } from '@chatsockets/protocol';
import fastifyCookie from '@fastify/cookie';
import fastifyHelmet from '@fastify/helmet';
import underPressure from '@fastify/under-pressure';
import Fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { createAttachmentsRepo } from './attachments/attachments.repo.js';
import attachmentsRoutes from './attachments/attachments.routes.js';
import { createAttachmentsService } from './attachments/attachments.service.js';
import authPlugin from './auth/auth.plugin.js';
import authRoutes from './auth/auth.routes.js';
import { createAuthService } from './auth/auth.service.js';
import { createSessionsRepo } from './auth/sessions.repo.js';
import settingsRoutes from './auth/settings.routes.js';
import { createSettingsService } from './auth/settings.service.js';
import { toUserWithLastSeen } from './auth/users.mapper.js';
import { createUsersRepo } from './auth/users.repo.js';
import avatarsRoutes from './avatars/avatars.routes.js';
import { createAvatarsService } from './avatars/avatars.service.js';
import type { BlobStore } from './blobs/blob-store.js';
import { openBlobStore } from './blobs/open.js';
import { createChangesRepo } from './changes/changes.repo.js';
import changesRoutes from './changes/changes.routes.js';
import { createChangesService } from './changes/changes.service.js';
import { createChatsRepo } from './chats/chats.repo.js';
import chatsRoutes from './chats/chats.routes.js';
import { createChatsService } from './chats/chats.service.js';
import type { Config } from './config.js';
import { type Database, openDatabase } from './db/client.js';
import { withDeadline } from './deadline.js';
import { AppError, unavailable } from './errors.js';
import { createInvitesRepo } from './invites/invites.repo.js';
import invitesRoutes from './invites/invites.routes.js';
import { createInvitesService } from './invites/invites.service.js';
import { type LogStream, loggerOptions } from './logger.js';
import { createMessagesRepo } from './messages/messages.repo.js';
import messagesRoutes from './messages/messages.routes.js';
import { createMessagesService } from './messages/messages.service.js';
import healthRoutes from './ops/health.routes.js';
import { createMetrics } from './ops/metrics.js';
import opsRoutes from './ops/ops.routes.js';
import docs from './plugins/docs.js';
import errorHandler, { clientErrorHandler, frameworkErrors } from './plugins/error-handler.js';
import { refuseBodyWhereNoneIsTaken, refuseQueryWhereNoneIsTaken } from './plugins/strict-requests.js';
import webApp from './plugins/web-app.js';
import { createLimiter } from './rate-limit.js';
import { createReactionsRepo } from './reactions/reactions.repo.js';
import reactionsRoutes from './reactions/reactions.routes.js';
import { createReactionsService } from './reactions/reactions.service.js';
import { type Bus, createPublisher } from './realtime/bus/bus.js';
import { createMemoryBus } from './realtime/bus/memory.js';
import { createRedisBus } from './realtime/bus/redis.js';
import { createCommands } from './realtime/commands.js';
import { createHub } from './realtime/hub.js';
import { createMemoryPresence, type Presence } from './realtime/presence.js';
import { createRedisPresence } from './realtime/presence-redis.js';
import { createTypingStore } from './realtime/typing.js';
import gateway from './realtime/ws.routes.js';
import { closeRedis, connectRedis } from './redis.js';
import { createSearchRepo } from './search/search.repo.js';
import searchRoutes from './search/search.routes.js';
import { createSearchService } from './search/search.service.js';

export interface AppOverrides {
  /** A database the caller owns (tests share one per file); otherwise opened from config. */
  database?: Database;
  bus?: Bus;
  presence?: Presence;
  /** Where logs go (tests read them); stdout otherwise. */
  logStream?: LogStream;
  /** The clock sessions expire by (tests move it instead of waiting). */
  now?: () => Date;
  /** Where file bytes (attachments, avatars) go; tests hand in their own; otherwise from config (BLOB_STORE). */
  blobs?: BlobStore;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Deletes expired unattached uploads now (what the periodic sweep does); how many. */
    sweepUploads(): Promise<number>;
  }
}

/** under-pressure's answer, through the error handler so it has the protocol's shape. */
class Overloaded extends AppError {
  constructor() {
    super('UNAVAILABLE', 'Server is overloaded, retry later');
  }
}

/**
 * Node checks request deadlines only every connectionsCheckingInterval (30 s by default) and
 * refuses a headers timeout above the request timeout: both follow the request timeout.
 */
function httpServerTimeouts(requestTimeoutMs: number) {
  if (requestTimeoutMs === 0) return {};
  return {
    headersTimeout: Math.min(60_000, requestTimeoutMs),
    connectionsCheckingInterval: Math.max(50, Math.min(30_000, Math.floor(requestTimeoutMs / 4))),
  };
}

/**
 * TRUST_PROXY as Fastify takes it. `n` proxies: the socket's peer and the last n-1 entries of
 * X-Forwarded-For are proxies, the entry before them the client (Fastify's own number option
 * trusts nothing, and `true` would trust every entry, the client's own included).
 */
function trustProxyOption(trust: Config['trustProxy']) {
  if (Array.isArray(trust)) return trust;
  if (trust === 0) return false;
  return (_address: string, hop: number) => hop < trust;
}

/** The one explicit, ordered list of what the server is made of. */
export async function buildApp(config: Config, overrides: AppOverrides = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: loggerOptions(config, overrides.logStream),
    trustProxy: trustProxyOption(config.trustProxy),
    bodyLimit: LIMITS.httpBodyMaxBytes,
    forceCloseConnections: 'idle',
    // Answered by the onRequest hook below instead, in the protocol's shape.
    return503OnClosing: false,
    // Long garbage ids reach the route and get a 404 in the protocol's shape instead of a bare 414.
    routerOptions: { maxParamLength: 1000 },
    // What the router and Node's parser reject answers in the protocol's shape too.
    frameworkErrors,
    clientErrorHandler,
    requestTimeout: config.http.requestTimeoutMs,
    connectionTimeout: config.http.connectionTimeoutMs,
    keepAliveTimeout: config.http.keepAliveTimeoutMs,
    http: httpServerTimeouts(config.http.requestTimeoutMs),
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  // Only JSON bodies: a text/plain or form POST (what a cross-site form can send) gets 415.
  app.removeContentTypeParser('text/plain');
  app.addHook('onRoute', refuseBodyWhereNoneIsTaken);
  app.addHook('onRoute', refuseQueryWhereNoneIsTaken);
  // Every handler answers within the deadline (UNAVAILABLE past it), whatever hangs beneath it.
  app.addHook('onRoute', (route) => {
    const handler = route.handler;
    if (route.websocket) return;
    // An upload's handler lives as long as its body streams in; HTTP_REQUEST_TIMEOUT_MS bounds that.
    if ((route.config as { streamsBody?: boolean } | undefined)?.streamsBody) return;
    route.handler = function deadlined(this: unknown, request, reply) {
      return withDeadline(
        Promise.resolve(handler.call(this as never, request, reply)),
        config.requestDeadlineMs,
      );
    };
  });

  const database =
    overrides.database ?? (await openDatabase(config.db, { waitMs: config.dbStartupWaitMs, log: app.log }));
  // REDIS_URL: one deployment of many instances shares the bus, presence and rate limits (docs/SCALING.md).
  const { redisPrefix: prefix, instanceId } = config;
  const redis = config.redisUrl
    ? connectRedis(config.redisUrl, { name: `${prefix}:cmd:${instanceId}`, log: app.log })
    : undefined;
  const bus =
    overrides.bus ??
    (redis
      ? createRedisBus({ redis, channel: `${prefix}:bus`, instanceId, log: app.log })
      : createMemoryBus());
  const { db } = database;

  const publish = createPublisher(bus, app.log);
  const metrics = createMetrics();
  // Repositories are built once, here, and handed to the services that use them.
  const repos = {
    users: createUsersRepo(db),
    sessions: createSessionsRepo(db),
    chats: createChatsRepo(db),
    messages: createMessagesRepo(db, {
      ...config.groupCommit,
      onBatch: (size) => metrics.sendBatchSize.observe(size),
    }),
    changes: createChangesRepo(db),
    invites: createInvitesRepo(db),
    search: createSearchRepo(db),
    reactions: createReactionsRepo(db),
    attachments: createAttachmentsRepo(db),
  };
  const blobs = overrides.blobs ?? (await openBlobStore(config.blobs));
  const attachments = createAttachmentsService({
    attachments: repos.attachments,
    chats: repos.chats,
    blobs,
    limits: config.uploads,
    now: overrides.now,
    log: app.log,
  });
  const auth = createAuthService({
    users: repos.users,
    sessions: repos.sessions,
    publish,
    config: config.session,
    now: overrides.now,
  });
  const perHour = (name: string, points: number) =>
    createLimiter({ keyPrefix: `${prefix}:${name}`, points, durationSec: 3600, redis });
  const chats = createChatsService({
    chats: repos.chats,
    users: repos.users,
    publish,
    limits: {
      chatCreates: perHour('chat-creates', config.limits.chatCreatesPerHour),
      memberAdds: perHour('member-adds', config.limits.memberAddsPerHour),
    },
    now: overrides.now,
  });
  const invites = createInvitesService({
    invites: repos.invites,
    chats: repos.chats,
    publish,
    now: overrides.now,
  });
  const avatars = createAvatarsService({ users: repos.users, chats: repos.chats, blobs, publish });
  const settings = createSettingsService({
    users: repos.users,
    publish,
    audienceOf: repos.chats.audienceOf,
    isOnline: async (userId) => (await presence.socketCount(userId)) > 0,
  });
  const messages = createMessagesService({
    messages: repos.messages,
    chats: repos.chats,
    publish,
    attachments,
    log: app.log,
    typingEnded: chats.typingEnded,
  });
  const changes = createChangesService({ changes: repos.changes, chats: repos.chats });
  const search = createSearchService({
    ...config.search,
    search: repos.search,
    chats: repos.chats,
  });
  const reactions = createReactionsService({
    reactions: repos.reactions,
    chats: repos.chats,
    publish,
  });
  const presence =
    overrides.presence ??
    (redis
      ? createRedisPresence({ redis, prefix, instanceId, ttlMs: config.presenceTtlMs, log: app.log })
      : createMemoryPresence());
  const hub = createHub({
    bus,
    presence,
    typing: createTypingStore(),
    changesAfter: (chatId, afterRev) => changes.after(chatId, afterRev),
    audienceOf: repos.chats.audienceOf,
    usersByIds: chats.usersByIds,
    showingPresence: async (userIds) =>
      new Set((await repos.chats.usersByIds(userIds)).filter((u) => u.showLastSeen).map((u) => u.id)),
    wentOffline: async (userId) => {
      const row = await repos.users.touchLastSeen(userId, (overrides.now ?? (() => new Date()))());
      return row && toUserWithLastSeen(row);
    },
    liveSessions: (sessionIds) => auth.liveSessions(sessionIds),
    log: app.log,
  });
  metrics.observeHub(hub.stats);
  if (bus.received) metrics.observeBus(bus.received);
  const commands = createCommands({
    chats,
    messages,
    changes,
    reactions,
    hub,
    metrics,
    deadlineMs: config.requestDeadlineMs,
  });
  const limits = {
    loginFailures: createLimiter({
      keyPrefix: `${prefix}:login-fail`,
      points: config.limits.loginFailures,
      durationSec: 900,
      redis,
    }),
    register: createLimiter({
      keyPrefix: `${prefix}:register`,
      points: config.limits.registerPerMin,
      durationSec: 60,
      redis,
    }),
  };

  await app.register(errorHandler, { metrics });
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onRequest', async () => {
    if (closing) throw unavailable('Server is shutting down; retry on another instance');
  });
  await app.register(underPressure, {
    maxEventLoopDelay: config.load.maxEventLoopDelayMs,
    maxHeapUsedBytes: config.load.maxHeapUsedBytes,
    maxRssBytes: config.load.maxRssBytes,
    sampleInterval: config.load.sampleMs,
    retryAfter: 5,
    customError: Overloaded,
  });
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        upgradeInsecureRequests: null,
      },
    },
    // The app is served over plain http on localhost too; HSTS belongs to the TLS terminator.
    hsts: false,
  });
  await app.register(fastifyCookie);
  await app.register(authPlugin, {
    auth,
    allowedOrigins: config.allowedOrigins,
    sessionMaxAgeMs: config.session.maxAgeMs,
    deadlineMs: config.requestDeadlineMs,
  });

  await app.register(docs);
  await app.register(authRoutes, { auth, limits });
  await app.register(settingsRoutes, { settings });
  await app.register(chatsRoutes, { chats });
  await app.register(invitesRoutes, { invites });
  await app.register(avatarsRoutes, { avatars });
  await app.register(messagesRoutes, { messages, metrics });
  await app.register(changesRoutes, { changes });
  await app.register(searchRoutes, { search });
  await app.register(reactionsRoutes, { reactions });
  await app.register(attachmentsRoutes, { attachments, maxBytes: config.uploads.maxBytes });
  await app.register(healthRoutes, { database, bus });
  await app.register(opsRoutes, { metrics });
  // An upgrade request is answered over a socket Node has handed over for good: no other request
  // is ever read from it. Whatever answers it outside the gateway (a 404, a route that is no
  // WebSocket), the socket ends with the answer; left open, it held the process's graceful
  // shutdown until the grace period ran out. The gateway ends its own refused upgrades.
  app.addHook('onResponse', async (request) => {
    const socket = request.raw.socket;
    // Node's parser sets `upgrade` on the request it emitted as one (untyped in @types/node 20).
    const upgrade = (request.raw as { upgrade?: boolean }).upgrade === true;
    if (!upgrade || request.ws || socket.destroyed) return;
    socket.once('finish', () => socket.destroy());
    socket.end();
  });
  await app.register(gateway, {
    hub,
    presence,
    commands,
    auth,
    metrics,
    heartbeatMs: config.heartbeatMs,
    deadlineMs: config.requestDeadlineMs,
    sessionCheckMs: config.sessionCheckMs,
    connects: createLimiter({
      keyPrefix: `${prefix}:ws-connects`,
      points: config.limits.wsConnectsPerMin,
      durationSec: 60,
      redis,
    }),
    limits: {
      framesPerSec: config.limits.wsFramesPerSec,
      framesBurst: config.limits.wsFramesBurst,
      maxSocketsPerUser: config.limits.wsMaxSocketsPerUser,
      sendBufferMax: config.limits.wsSendBufferMax,
    },
  });
  if (config.webDist) await app.register(webApp, { root: config.webDist });

  // Expired sessions can never authenticate again; without this their rows pile up forever.
  const sessionPurge = setInterval(() => {
    auth
      .purgeExpired()
      .catch((err: unknown) =>
        app.log.warn({ err: { message: (err as Error).message } }, 'session purge failed'),
      );
  }, config.sessionPurgeMs);
  sessionPurge.unref();
  const uploadSweep = setInterval(() => {
    attachments
      .sweep()
      .catch((err: unknown) =>
        app.log.warn({ err: { message: (err as Error).message } }, 'upload sweep failed'),
      );
  }, config.uploads.sweepMs);
  uploadSweep.unref();
  // Tests run the sweep on their own clock instead of waiting for the interval.
  app.decorate('sweepUploads', () => attachments.sweep());

  app.addHook('onClose', async () => {
    clearInterval(sessionPurge);
    clearInterval(uploadSweep);
    await hub.settled(); // sockets closed in preClose still announce their users offline
    if (!overrides.presence) await presence.close();
    if (!overrides.bus) await bus.close();
    if (redis) await closeRedis(redis);
    if (!overrides.database) await database.close();
    if (!overrides.blobs) await blobs.close();
  });
  return app;
}
