import type { AuthResponse } from '@chatsockets/protocol';
import { Api } from './api.js';
import { type BenchClient, SocketIoClient, WsProtocolClient } from './clients.js';
import type { ThrowawayDb } from './db.js';
import { BENCH_DIR, SERVER_DIR, type Started, startNode } from './spawn.js';
import { mapLimit } from './stats.js';

/**
 * Where sockets go: `sockets` spread evenly over `chats`; every `socketsPerUser` consecutive
 * sockets belong to one user, and all of a chat's users are its members.
 */
export interface Layout {
  chats: number;
  sockets: number;
  socketsPerUser: number;
}

export const socketsPerChat = (l: Layout) => l.sockets / l.chats;
export const chatOfSocket = (l: Layout, i: number) => Math.floor(i / socketsPerChat(l));

export interface Prepared {
  chatIds: string[];
  /** Opens socket `i` of the layout (not yet subscribed). */
  connect(i: number): Promise<BenchClient>;
}

/** A server under test: a fresh process per scenario, the same harness for all. */
export interface Target {
  readonly name: string;
  readonly pid: number;
  /** For a server on Postgres: which Postgres processes work for it (CPU is counted for them too). */
  readonly postgresPids?: () => Promise<Set<number>>;
  start(): Promise<void>;
  prepare(layout: Layout, tag: string): Promise<Prepared>;
  heapUsed(): Promise<number>;
  /** The server's own send-latency histogram, where it has one (ours). */
  sendLatencyBuckets?(): Promise<Map<number, number>>;
  gc(): Promise<void>;
  stop(): Promise<void>;
}

function checkLayout(l: Layout) {
  if (l.sockets % l.chats !== 0 || socketsPerChat(l) % l.socketsPerUser !== 0) {
    throw new Error(`layout does not divide evenly: ${JSON.stringify(l)}`);
  }
}

abstract class ProcessTarget {
  protected started: Started | undefined;
  get pid(): number {
    if (!this.started) throw new Error('not started');
    return this.started.pid;
  }
  /** The port of the running process (a free one is picked at every start). */
  get port(): number {
    if (!this.started) throw new Error('not started');
    return this.started.port;
  }
  async gc() {
    await this.started?.gc();
  }
  async stop() {
    await this.started?.stop();
    this.started = undefined;
  }
}

/** Earlier messages in each chat a Postgres scenario prepares (see `seedHistory`). */
const HISTORY_PER_CHAT = 2_000;

/** The real server (apps/server) on the throwaway Postgres database. */
export class ChatsocketsTarget extends ProcessTarget implements Target {
  readonly name = 'chatsockets';
  /** Registered once per run (the database outlives each server process). */
  readonly users: AuthResponse[] = [];
  registerSeconds = 0;

  readonly postgresPids: (() => Promise<Set<number>>) | undefined;

  /** `pgliteDir`: the embedded default instead (PGlite in the server's process, on disk, durable). */
  constructor(
    private readonly db: ThrowawayDb,
    private readonly extraEnv: Record<string, string> = {},
    private readonly pgliteDir?: string,
  ) {
    super();
    this.postgresPids = pgliteDir ? undefined : () => db.postgresPids();
  }

  get api(): Api {
    return new Api(`http://127.0.0.1:${this.port}`);
  }

  async start() {
    this.started = await startNode({
      name: this.name,
      entry: 'src/server.ts',
      cwd: SERVER_DIR,
      readyPath: '/api/health',
      env: {
        ...(this.pgliteDir ? { PGLITE_DIR: this.pgliteDir } : { DATABASE_URL: this.db.url }),
        DB_POOL_MAX: '20',
        LOG_LEVEL: 'warn',
        REGISTER_MAX_PER_MIN: '100000',
        CHAT_CREATES_PER_HOUR: '1000000',
        MEMBER_ADDS_PER_HOUR: '1000000',
        LOGIN_FAILURES_MAX: '100000',
        WS_FRAMES_PER_SEC: '100000',
        WS_FRAMES_BURST: '100000',
        WS_MAX_SOCKETS_PER_USER: '100000',
        WS_CONNECTS_PER_MIN: '1000000',
        // Saturation is what is measured: a shedding server would answer 503 instead.
        LOAD_MAX_EVENT_LOOP_DELAY_MS: '0',
        ...this.extraEnv,
      },
    });
  }

  /** Registers users up to `count` (bench_u00000, …), in parallel batches. */
  async ensureUsers(count: number) {
    if (this.users.length >= count) return;
    const t0 = performance.now();
    const names = Array.from({ length: count - this.users.length }, (_, k) => {
      return `bench_u${String(this.users.length + k).padStart(5, '0')}`;
    });
    this.users.push(...(await this.api.registerMany(names, 'bench-password-1')));
    this.registerSeconds += (performance.now() - t0) / 1000;
  }

  /**
   * Users and chats through this instance's HTTP API. `wsPortFor(i)`, if given, picks the port
   * socket `i` connects to: another instance on the same database and Redis (bench/scale-out.ts).
   */
  async prepare(layout: Layout, tag: string, wsPortFor?: (i: number) => number): Promise<Prepared> {
    checkLayout(layout);
    const users = layout.sockets / layout.socketsPerUser;
    await this.ensureUsers(users);
    const usersPerChat = users / layout.chats;
    const chats = await mapLimit(
      Array.from({ length: layout.chats }, (_, c) => c),
      4,
      (c) => {
        const members = this.users.slice(c * usersPerChat, (c + 1) * usersPerChat);
        return this.api.createChat(
          members[0]!.token,
          `${tag} ${c}`,
          members.slice(1).map((m) => m.user.username),
        );
      },
    );
    await this.seedHistory(chats.map((c) => c.id));
    const port = this.port;
    return {
      chatIds: chats.map((c) => c.id),
      connect: (i) => {
        const user = this.users[Math.floor(i / layout.socketsPerUser)]!;
        const url = `ws://127.0.0.1:${wsPortFor?.(i) ?? port}/ws`;
        return WsProtocolClient.connect(url, { authorization: `Bearer ${user.token}` });
      },
    };
  }

  /**
   * A deployment in use, not one minutes old: each new chat gets `HISTORY_PER_CHAT` earlier
   * messages, and the database is analyzed, as autovacuum would have done by then. On a fresh,
   * never-analyzed database the plans Postgres keeps are made for empty tables: in one run a
   * lone send cost 1.8 ms of Postgres CPU, reading every earlier message of its chat (docs/
   * BENCHMARKS.md › Issue #16, 2026-12-01). The embedded default analyzes itself (db/autovacuum.ts)
   * and its directory is the server's alone, so it starts empty.
   */
  private async seedHistory(chatIds: string[]) {
    if (this.pgliteDir) return;
    const author = this.users[0]!.user.id;
    await this.db.sql`
      insert into messages (chat_id, seq, author_id, client_id, body, rev)
      select c.id, c.last_seq + g, ${author}, 'history-' || c.last_seq + g, 'an earlier message ' || g, c.last_rev + g
        from chats c, generate_series(1, ${HISTORY_PER_CHAT}) g
       where c.id = any(${chatIds}::uuid[])`;
    await this.db.sql`
      update chats set last_seq = last_seq + ${HISTORY_PER_CHAT}, last_rev = last_rev + ${HISTORY_PER_CHAT}
       where id = any(${chatIds}::uuid[])`;
    await this.db.sql`analyze`;
  }

  heapUsed() {
    return this.api.heapUsed();
  }

  sendLatencyBuckets() {
    return this.api.sendLatencyBuckets();
  }
}

async function statsHeap(port: number): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${port}/stats`);
  return ((await res.json()) as { heapUsed: number }).heapUsed;
}

/** bench/servers/raw-ws.ts: bare `ws`, same frames, no DB. */
export class RawWsTarget extends ProcessTarget implements Target {
  readonly name = 'raw-ws';
  async start() {
    this.started = await startNode({
      name: this.name,
      entry: 'servers/raw-ws.ts',
      cwd: BENCH_DIR,
      readyPath: '/stats',
      env: {},
    });
  }
  async prepare(layout: Layout, tag: string): Promise<Prepared> {
    checkLayout(layout);
    const url = `ws://127.0.0.1:${this.port}/ws`;
    return {
      chatIds: Array.from({ length: layout.chats }, (_, c) => `${tag}-${c}`),
      connect: (i) => WsProtocolClient.connect(`${url}?user=u${Math.floor(i / layout.socketsPerUser)}`),
    };
  }
  heapUsed() {
    return statsHeap(this.port);
  }
}

/** bench/servers/socketio.ts: Socket.IO 4 rooms, same job, no DB. */
export class SocketIoTarget extends ProcessTarget implements Target {
  readonly name = 'socket.io';
  async start() {
    this.started = await startNode({
      name: this.name,
      entry: 'servers/socketio.ts',
      cwd: BENCH_DIR,
      readyPath: '/stats',
      env: {},
    });
  }
  async prepare(layout: Layout, tag: string): Promise<Prepared> {
    checkLayout(layout);
    const url = `http://127.0.0.1:${this.port}`;
    return {
      chatIds: Array.from({ length: layout.chats }, (_, c) => `${tag}-${c}`),
      connect: (i) => SocketIoClient.connect(url, `u${Math.floor(i / layout.socketsPerUser)}`),
    };
  }
  heapUsed() {
    return statsHeap(this.port);
  }
}
