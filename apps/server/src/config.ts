import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { fileURLToPath } from 'node:url';
import { getHeapStatistics } from 'node:v8';
import { z } from 'zod';

// The only reader of process.env (biome: style/noProcessEnv). Everything else receives a Config.

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const int = (def: number) => z.coerce.number().int().min(0).default(def);
const list = z
  .string()
  .transform((s) =>
    s
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean),
  )
  .optional();

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('localhost'),
  /** Real Postgres; when absent, PGlite on disk at PGLITE_DIR. */
  DATABASE_URL: z.string().url().optional(),
  /** Per instance. Rule: instances × DB_POOL_MAX < Postgres max_connections. */
  DB_POOL_MAX: int(10),
  /**
   * Sends stored together in one transaction at most (group commit, ARCHITECTURE.md); 1 turns
   * it off. Batches form only while the database is busy, so an idle server adds no latency.
   */
  SEND_BATCH_MAX: z.coerce.number().int().min(1).max(1000).default(100),
  /**
   * Send transactions in flight at once per instance. More only queue on Postgres' CPUs and
   * shrink the batches: about its core count across all instances, so 2 for the one 2-core
   * box the defaults are for (measured in docs/BENCHMARKS.md). Capped below DB_POOL_MAX so
   * reads always find a connection.
   */
  SEND_CONCURRENCY: z.coerce.number().int().min(1).default(2),
  /** Off for PgBouncer in transaction mode (no prepared statements). */
  DB_PREPARE: bool.default(true),
  /** Fail a query that takes longer than this (ms): a hung database answers UNAVAILABLE, not never. */
  DB_STATEMENT_TIMEOUT_MS: int(5000),
  /** Every HTTP request and socket command answers within this (UNAVAILABLE past it); above the statement timeout. */
  REQUEST_DEADLINE_MS: int(10_000),
  /** Start-up waits this long for the database before giving up (it retries meanwhile). */
  DB_STARTUP_WAIT_MS: int(120_000),
  PGLITE_DIR: z.string().default(fileURLToPath(new URL('../.data/pglite', import.meta.url))),
  /**
   * Every PGlite commit is fsynced before it is acknowledged (survives an OS crash or power
   * cut). `false` trades that away for speed (docs/BENCHMARKS.md): a killed process still loses
   * nothing, a crashed machine may lose recent acked messages or corrupt the directory.
   */
  PGLITE_FSYNC: bool.default(true),
  /** Set: the bus, presence and rate limits are shared through Redis by every instance (docs/SCALING.md). */
  REDIS_URL: z.string().url().optional(),
  /** Prefix of every Redis key and channel: instances with the same prefix form one deployment. */
  REDIS_PREFIX: z
    .string()
    .regex(/^[\w.:-]{1,64}$/)
    .default('chatsockets'),
  /** This process among the instances (presence bookkeeping); unique per process, random by default. */
  INSTANCE_ID: z
    .string()
    .regex(/^[\w.-]{1,100}$/)
    .default(() => `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`),
  /** An instance silent this long is dead; its users go offline within 4/3 of it. */
  PRESENCE_TTL_MS: z.coerce.number().int().min(300).default(15_000),
  ALLOWED_ORIGINS: list,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /**
   * Off by default: X-Forwarded-For from a direct client must not pick its own rate-limit key.
   * `true` (or `1`): one proxy in front, whose own entry (the last) is the client; `n`: that many
   * proxies; or the proxies' addresses/CIDRs, comma-separated. Never "trust every hop": a proxy
   * that appends (nginx's $proxy_add_x_forwarded_for, most load balancers) keeps what the client
   * sent at the front, and that first entry would be the client's to choose.
   */
  TRUST_PROXY: z
    .string()
    .default('false')
    .transform((v): number | string[] => {
      const t = v.trim().toLowerCase();
      if (t === '' || t === 'false' || t === 'no' || t === '0') return 0;
      if (t === 'true' || t === 'yes') return 1;
      if (/^\d{1,2}$/.test(t)) return Number(t);
      return t
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean);
    }),
  WEB_DIST: z.string().default(fileURLToPath(new URL('../../web/dist', import.meta.url))),
  SESSION_IDLE_TTL_MS: int(7 * 24 * 3600_000),
  SESSION_MAX_AGE_MS: int(30 * 24 * 3600_000),
  /** How often expired sessions are deleted (each instance; the delete is idempotent). */
  SESSION_PURGE_MS: z.coerce.number().int().min(1).default(3600_000),
  HEARTBEAT_MS: int(30_000),
  SESSION_CHECK_MS: int(30_000),
  /** Failed logins per address per 15 minutes before RATE_LIMITED. */
  LOGIN_FAILURES_MAX: int(10),
  /** Registrations per address per minute. */
  REGISTER_MAX_PER_MIN: int(20),
  /** Socket frames per second (sustained) and burst, per socket. */
  WS_FRAMES_PER_SEC: int(20),
  WS_FRAMES_BURST: int(60),
  WS_MAX_SOCKETS_PER_USER: int(20),
  /**
   * Socket upgrades per user and minute. A connect and a close are each a presence change
   * announced to every chat of the user: a script cycling one socket must not make that a loop.
   */
  WS_CONNECTS_PER_MIN: int(120),
  /** A reader whose unsent bytes pass this is closed with 1013. */
  WS_SEND_BUFFER_MAX: int(1024 * 1024),
  // Per user and hour: enough for anyone organising groups, not for putting a stranger into
  // thousands of chats (docs/RELIABILITY.md › Abuse).
  CHAT_CREATES_PER_HOUR: int(60),
  MEMBER_ADDS_PER_HOUR: int(500),
  SHUTDOWN_GRACE_MS: int(10_000),
  /**
   * A request (headers and body) must arrive in full within this, or its connection is closed
   * (slowloris); 0 turns it off. WebSockets are not affected once upgraded.
   */
  HTTP_REQUEST_TIMEOUT_MS: int(30_000),
  /** A connection with no bytes either way for this long is closed; 0 turns it off. */
  HTTP_CONNECTION_TIMEOUT_MS: int(120_000),
  /** Idle keep-alive connections are kept this long; above a load balancer's own idle timeout. */
  HTTP_KEEP_ALIVE_TIMEOUT_MS: int(72_000),
  /** Shed load (503 UNAVAILABLE) while the mean event-loop delay is over this (ms); 0 turns it off. */
  LOAD_MAX_EVENT_LOOP_DELAY_MS: int(1000),
  /** Shed load while the V8 heap in use is over this; default 90% of the heap limit, 0 turns it off. */
  LOAD_MAX_HEAP_USED_BYTES: z.coerce
    .number()
    .int()
    .min(0)
    .default(() => Math.floor(getHeapStatistics().heap_size_limit * 0.9)),
  /** Shed load while the process RSS is over this; 0 (default) turns it off. */
  LOAD_MAX_RSS_BYTES: int(0),
  /** How often the load is sampled. */
  LOAD_SAMPLE_MS: z.coerce.number().int().min(10).default(1000),
  /**
   * Where file bytes (attachments, thumbnails, avatars) live: `fs` (default; one instance) or
   * `s3` (any S3-compatible bucket, shared by every instance; docs/SCALING.md).
   */
  BLOB_STORE: z.enum(['fs', 's3']).default('fs'),
  /** One upload's size at most (bytes). */
  UPLOAD_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1)
    .default(25 * 1024 * 1024),
  /** Attachments on one message at most (up to the protocol's 20). */
  ATTACHMENTS_PER_MESSAGE: z.coerce.number().int().min(1).max(20).default(10),
  /** The bytes one user's uploads may take in all (attached or not); 0: no quota. */
  UPLOAD_QUOTA_BYTES: int(1024 * 1024 * 1024),
  /** An upload no sent message holds is deleted once it is this old. */
  UPLOAD_ORPHAN_TTL_MS: z.coerce
    .number()
    .int()
    .min(1)
    .default(24 * 3600_000),
  /** How often each instance sweeps those (and files of deleted messages left by a crash). */
  UPLOAD_SWEEP_MS: z.coerce.number().int().min(1).default(3600_000),
  /**
   * About how many of the caller's newest messages search ranks together before it moves on to
   * older ones (docs/PROTOCOL.md › Search); each older stretch spans four times as long.
   */
  SEARCH_STRETCH_MESSAGES: z.coerce.number().int().min(1).default(3000),
  /** The filesystem store's directory; default next to the PGlite directory. */
  BLOB_DIR: z.string().default(fileURLToPath(new URL('../.data/blobs', import.meta.url))),
  S3_BUCKET: z.string().min(1).optional(),
  S3_REGION: z.string().min(1).default('us-east-1'),
  /** An S3-compatible endpoint (MinIO, R2, Ceph...); unset: AWS. */
  S3_ENDPOINT: z.string().url().optional(),
  /** Unset: the AWS SDK's default chain (AWS_* variables, profile, instance role). */
  S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  /** Path-style URLs (`endpoint/bucket/key`), which most S3-compatible servers need. */
  S3_FORCE_PATH_STYLE: bool.default(false),
  /** Prepended to every key, so one bucket can hold several deployments. */
  S3_PREFIX: z
    .string()
    .regex(/^([A-Za-z0-9_-][A-Za-z0-9._-]*\/)*$/)
    .default(''),
});

export type Config = ReturnType<typeof toConfig>;

function blobsConfig(env: z.infer<typeof EnvSchema>) {
  if (env.BLOB_STORE === 'fs') return { kind: 'fs', dir: env.BLOB_DIR } as const;
  if (!env.S3_BUCKET) throw new Error('Invalid configuration: BLOB_STORE=s3 needs S3_BUCKET');
  if (!env.S3_ACCESS_KEY_ID !== !env.S3_SECRET_ACCESS_KEY) {
    throw new Error('Invalid configuration: set both S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY, or neither');
  }
  return {
    kind: 's3',
    bucket: env.S3_BUCKET,
    region: env.S3_REGION,
    endpoint: env.S3_ENDPOINT,
    forcePathStyle: env.S3_FORCE_PATH_STYLE,
    prefix: env.S3_PREFIX,
    credentials:
      env.S3_ACCESS_KEY_ID && env.S3_SECRET_ACCESS_KEY
        ? { accessKeyId: env.S3_ACCESS_KEY_ID, secretAccessKey: env.S3_SECRET_ACCESS_KEY }
        : undefined,
  } as const;
}

function toConfig(env: z.infer<typeof EnvSchema>) {
  const port = env.PORT;
  return {
    blobs: blobsConfig(env),
    search: { stretchMessages: env.SEARCH_STRETCH_MESSAGES },
    uploads: {
      maxBytes: env.UPLOAD_MAX_BYTES,
      perMessage: env.ATTACHMENTS_PER_MESSAGE,
      quotaBytes: env.UPLOAD_QUOTA_BYTES,
      orphanTtlMs: env.UPLOAD_ORPHAN_TTL_MS,
      sweepMs: env.UPLOAD_SWEEP_MS,
    },
    env: env.NODE_ENV,
    port,
    host: env.HOST,
    db: env.DATABASE_URL
      ? ({
          driver: 'postgres',
          url: env.DATABASE_URL,
          poolMax: env.DB_POOL_MAX,
          prepare: env.DB_PREPARE,
          statementTimeoutMs: env.DB_STATEMENT_TIMEOUT_MS,
        } as {
          driver: 'postgres';
          url: string;
          poolMax: number;
          prepare: boolean;
          statementTimeoutMs: number;
          /** How often the tables autovacuum skips are checked for a due VACUUM or ANALYZE (db/autovacuum.ts); 0: never. */
          autovacuumMs?: number;
        })
      : ({ driver: 'pglite', dir: env.PGLITE_DIR, fsync: env.PGLITE_FSYNC } as {
          driver: 'pglite';
          dir: string | undefined;
          fsync?: boolean;
          /** How often its tables are checked for a due VACUUM or ANALYZE (db/autovacuum.ts); 0: never. */
          autovacuumMs?: number;
        }),
    groupCommit: {
      // PGlite runs one query at a time.
      concurrency: env.DATABASE_URL ? Math.max(1, Math.min(env.SEND_CONCURRENCY, env.DB_POOL_MAX - 1)) : 1,
      maxBatch: env.SEND_BATCH_MAX,
    },
    requestDeadlineMs: env.REQUEST_DEADLINE_MS,
    dbStartupWaitMs: env.DB_STARTUP_WAIT_MS,
    redisUrl: env.REDIS_URL,
    redisPrefix: env.REDIS_PREFIX,
    instanceId: env.INSTANCE_ID,
    presenceTtlMs: env.PRESENCE_TTL_MS,
    allowedOrigins: env.ALLOWED_ORIGINS ?? [
      `http://localhost:${port}`,
      `http://127.0.0.1:${port}`,
      'http://localhost:5173',
      'http://127.0.0.1:5173',
    ],
    logLevel: env.LOG_LEVEL,
    /** How many proxies in front (0: none), or their addresses. */
    trustProxy: env.TRUST_PROXY,
    /** Serve the built web app (production mode only). */
    webDist: env.NODE_ENV === 'production' ? env.WEB_DIST : undefined,
    session: { idleTtlMs: env.SESSION_IDLE_TTL_MS, maxAgeMs: env.SESSION_MAX_AGE_MS },
    sessionPurgeMs: env.SESSION_PURGE_MS,
    heartbeatMs: env.HEARTBEAT_MS,
    sessionCheckMs: env.SESSION_CHECK_MS,
    limits: {
      loginFailures: env.LOGIN_FAILURES_MAX,
      registerPerMin: env.REGISTER_MAX_PER_MIN,
      wsFramesPerSec: env.WS_FRAMES_PER_SEC,
      wsFramesBurst: env.WS_FRAMES_BURST,
      wsMaxSocketsPerUser: env.WS_MAX_SOCKETS_PER_USER,
      wsConnectsPerMin: env.WS_CONNECTS_PER_MIN,
      wsSendBufferMax: env.WS_SEND_BUFFER_MAX,
      chatCreatesPerHour: env.CHAT_CREATES_PER_HOUR,
      memberAddsPerHour: env.MEMBER_ADDS_PER_HOUR,
    },
    shutdownGraceMs: env.SHUTDOWN_GRACE_MS,
    http: {
      requestTimeoutMs: env.HTTP_REQUEST_TIMEOUT_MS,
      connectionTimeoutMs: env.HTTP_CONNECTION_TIMEOUT_MS,
      keepAliveTimeoutMs: env.HTTP_KEEP_ALIVE_TIMEOUT_MS,
    },
    load: {
      maxEventLoopDelayMs: env.LOAD_MAX_EVENT_LOOP_DELAY_MS,
      maxHeapUsedBytes: env.LOAD_MAX_HEAP_USED_BYTES,
      maxRssBytes: env.LOAD_MAX_RSS_BYTES,
      sampleMs: env.LOAD_SAMPLE_MS,
    },
  };
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const where = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid configuration: ${where}`);
  }
  return toConfig(parsed.data);
}
