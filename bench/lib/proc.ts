import { readdirSync, readFileSync } from 'node:fs';

/** Linux USER_HZ: /proc times are in ticks of 1/100 s on every mainstream kernel. */
const CLK_TCK = 100;

/** utime + stime of one process, in seconds (/proc/<pid>/stat fields 14 and 15). */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may contain spaces and parentheses: split after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state): utime is field 14 → index 11, stime field 15 → index 12.
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

/** utime + stime of one thread of a process (the main thread's tid is the pid), in seconds. */
export function threadCpuSeconds(pid: number, tid: number): number {
  const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

/** Resident set size of one process in bytes (/proc/<pid>/status VmRSS). */
export function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  return m ? Number(m[1]) * 1024 : 0;
}

/** CPU seconds of every process named `comm` (e.g. all Postgres backends), by pid. */
export function cpuByComm(comm: string): Map<number, number> {
  const out = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() !== comm) continue;
      out.set(Number(entry), cpuSeconds(Number(entry)));
    } catch {
      // the process ended between readdir and read
    }
  }
  return out;
}

/** Busy CPU seconds of the whole machine, all cores summed (/proc/stat: all but idle and iowait). */
export function machineBusySeconds(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
  const t = line.trim().split(/\s+/).slice(1).map(Number);
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = t;
  return (user + nice + system + irq + softirq + steal) / CLK_TCK;
}

const selfCpuSeconds = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

interface Snapshot {
  at: number;
  server: number;
  mainThread: number;
  postgres: Map<number, number>;
  machine: number;
  self: number;
}

export interface CpuWindow {
  wallS: number;
  /** The server under test (every thread of its process). */
  serverCpuS: number;
  /** Its main thread alone: the event loop (PGlite runs on a thread of its own). */
  mainThreadCpuS?: number;
  /** Postgres processes serving the benchmark database, plus its background processes. */
  postgresCpuS: number | undefined;
  /** This load generator. */
  generatorCpuS: number;
  /** Everything else on the machine (other people's builds and tests): a noise gauge. */
  otherCpuS: number;
}

/**
 * CPU over a window, from /proc. `postgresPids`, if given, is asked at the end which Postgres
 * processes count (backends of the benchmark database and the background workers); a backend
 * born during the window counts from zero.
 */
export class CpuMeter {
  private readonly start: Snapshot;

  constructor(
    private readonly pid: number,
    private readonly postgresPids?: () => Promise<Set<number>>,
  ) {
    this.start = this.snap();
  }

  /** The end of the window (synchronous, so it can be taken exactly when the load stops). */
  snap(): Snapshot {
    return {
      at: performance.now(),
      server: cpuSeconds(this.pid),
      mainThread: threadCpuSeconds(this.pid, this.pid),
      postgres: this.postgresPids ? cpuByComm('postgres') : new Map(),
      machine: machineBusySeconds(),
      self: selfCpuSeconds(),
    };
  }

  async result(end: Snapshot = this.snap()): Promise<CpuWindow> {
    const serverCpuS = end.server - this.start.server;
    let postgresCpuS: number | undefined;
    if (this.postgresPids) {
      const pids = await this.postgresPids();
      postgresCpuS = 0;
      for (const [pid, s] of end.postgres)
        if (pids.has(pid)) postgresCpuS += s - (this.start.postgres.get(pid) ?? 0);
    }
    const generatorCpuS = end.self - this.start.self;
    const machine = end.machine - this.start.machine;
    return {
      wallS: (end.at - this.start.at) / 1000,
      serverCpuS,
      mainThreadCpuS: end.mainThread - this.start.mainThread,
      postgresCpuS,
      generatorCpuS,
      otherCpuS: Math.max(0, machine - serverCpuS - (postgresCpuS ?? 0) - generatorCpuS),
    };
  }
}

/**
 * Waits (at most `maxWaitS`) until the machine is quiet: other processes share these cores, and
 * a benchmark next to a browser test suite measures the suite. Returns the busy share last seen.
 */
export async function waitForQuiet(maxWaitS: number, busyBelow = 0.25): Promise<number> {
  const cores = (await import('node:os')).availableParallelism();
  const deadline = performance.now() + maxWaitS * 1000;
  let busy = 1;
  let said = false;
  for (let i = 0; i < 10_000; i++) {
    const m0 = machineBusySeconds();
    await new Promise((r) => setTimeout(r, 2000));
    busy = (machineBusySeconds() - m0) / 2 / cores;
    if (busy < busyBelow || performance.now() > deadline) break;
    if (!said)
      console.log(
        `machine busy (${(busy * 100).toFixed(0)} % of ${cores} cores): waiting up to ${maxWaitS} s for quiet…`,
      );
    said = true;
  }
  return busy;
}

/** CPU seconds per named process over a window (several servers, Redis, …), plus Postgres as CpuMeter counts it. */
export interface MultiCpuWindow {
  wallS: number;
  /** Named processes (e.g. `instance A`, `redis-server`) → CPU seconds in the window. */
  procs: Record<string, number>;
  postgresCpuS: number | undefined;
  generatorCpuS: number;
  /** Everything else on the machine: a noise gauge. */
  otherCpuS: number;
}

interface MultiSnapshot {
  at: number;
  procs: Record<string, number>;
  postgres: Map<number, number>;
  machine: number;
  self: number;
}

/** CpuMeter for more than one process under test. */
export class MultiCpuMeter {
  private readonly start: MultiSnapshot;

  constructor(
    private readonly pids: Record<string, number>,
    private readonly postgresPids?: () => Promise<Set<number>>,
  ) {
    this.start = this.snap();
  }

  snap(): MultiSnapshot {
    return {
      at: performance.now(),
      procs: Object.fromEntries(Object.entries(this.pids).map(([name, pid]) => [name, cpuSeconds(pid)])),
      postgres: this.postgresPids ? cpuByComm('postgres') : new Map(),
      machine: machineBusySeconds(),
      self: selfCpuSeconds(),
    };
  }

  async result(end: MultiSnapshot = this.snap()): Promise<MultiCpuWindow> {
    const procs = Object.fromEntries(
      Object.keys(this.pids).map((name) => [name, end.procs[name]! - this.start.procs[name]!]),
    );
    let postgresCpuS: number | undefined;
    if (this.postgresPids) {
      const pids = await this.postgresPids();
      postgresCpuS = 0;
      for (const [pid, s] of end.postgres)
        if (pids.has(pid)) postgresCpuS += s - (this.start.postgres.get(pid) ?? 0);
    }
    const generatorCpuS = end.self - this.start.self;
    const machine = end.machine - this.start.machine;
    const measured = Object.values(procs).reduce((a, b) => a + b, 0) + (postgresCpuS ?? 0) + generatorCpuS;
    return {
      wallS: (end.at - this.start.at) / 1000,
      procs,
      postgresCpuS,
      generatorCpuS,
      otherCpuS: Math.max(0, machine - measured),
    };
  }
}

/** The pid of the one process named `comm` (e.g. `redis-server`), or undefined if none or several. */
export function pidOfComm(comm: string): number | undefined {
  const pids = [...cpuByComm(comm).keys()];
  return pids.length === 1 ? pids[0] : undefined;
}
