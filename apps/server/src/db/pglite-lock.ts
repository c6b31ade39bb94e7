import { linkSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

/**
 * PGlite is one Postgres inside one process: two processes on one data directory each keep
 * their own buffers and overwrite each other's pages, and acknowledged writes are lost. So the
 * directory is held by a lock file naming its process. A lock left by a process that is gone
 * (kill -9, a crash, a power cut) is taken over; one held by a live process stops the start-up.
 *
 * Node has no flock, hence a pid file: created atomically (link(2) fails if the name exists),
 * judged by whether that pid is alive and, on Linux, whether it is still the same process (its
 * start time, so a reused pid is not mistaken for the holder).
 */
interface Holder {
  pid: number;
  host: string;
  /** /proc/<pid>/stat starttime (clock ticks since boot); absent off Linux. */
  start?: string;
}

const LOCK_FILE = 'chatsockets.lock';

function startTimeOf(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces) start after the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

function isAlive(holder: Holder): boolean {
  try {
    process.kill(holder.pid, 0);
  } catch (err) {
    // EPERM: it exists but belongs to another user, so it is alive.
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const start = startTimeOf(holder.pid);
  return !(holder.start && start && start !== holder.start);
}

function readHolder(path: string): Holder | undefined {
  const found = readLock(path);
  return typeof found === 'object' ? found : undefined;
}

/** The holder a lock file names; `unreadable`: written by a process that died while writing it. */
function readLock(path: string): Holder | 'absent' | 'unreadable' {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'absent';
    throw err;
  }
  try {
    const parsed = JSON.parse(text) as Partial<Holder>;
    if (typeof parsed.pid !== 'number' || typeof parsed.host !== 'string') return 'unreadable';
    return parsed as Holder;
  } catch {
    return 'unreadable';
  }
}

/** Creates `path` as a link to `tmp` (atomic: fails if the name exists); false when it exists. */
function tryLink(tmp: string, path: string): boolean {
  try {
    linkSync(tmp, path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return false;
  }
}

/** Stale: its process is gone, or it is our own pid from a previous life in a container. */
const isStale = (holder: Holder, me: Holder) =>
  holder.host === me.host && (holder.pid === me.pid || !isAlive(holder));

/** Blocks the thread for `ms` (start-up only: the lock is taken before anything else runs). */
const pause = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * Removes a stale lock file, and only that one. Two processes that both read a stale lock must
 * not both remove "it": the second removal would take the first one's fresh lock, and both would
 * go on to hold the directory (seen with four processes started at once after a crash). So a
 * removal happens only under a second lock file (`.break`, taken the same atomic way), after the
 * lock is read again there: while a stale lock exists nobody can create another in its place,
 * and only the breaker removes one. A breaker whose process died mid-way is cleared when found
 * stale (not atomic itself, but that needs a crash inside these few statements first).
 * Returns false when another process is breaking it now.
 */
function breakStale(path: string, tmp: string, me: Holder): boolean {
  const breaker = `${path}.break`;
  if (!tryLink(tmp, breaker)) {
    const other = readHolder(breaker);
    // (Ours only from a previous life: this process removes its own before it returns.)
    if (other && isStale(other, me)) rmSync(breaker, { force: true });
    return false;
  }
  try {
    // Absent: nothing to remove (and another process may create it any moment).
    const found = readLock(path);
    if (found === 'unreadable' || (found !== 'absent' && isStale(found, me))) rmSync(path, { force: true });
  } finally {
    rmSync(breaker, { force: true });
  }
  return true;
}

/** Takes the directory for this process, or throws naming the process that has it. Returns the release. */
export function lockPgliteDir(dir: string): () => void {
  const path = join(dir, LOCK_FILE);
  const me: Holder = { pid: process.pid, host: hostname(), start: startTimeOf(process.pid) };
  const tmp = `${path}.${process.pid}.${Date.now()}`;
  writeFileSync(tmp, JSON.stringify(me));
  try {
    for (let attempt = 0; attempt < 100; attempt++) {
      if (tryLink(tmp, path)) {
        return () => {
          // Only our own lock: a directory taken over after a long stall is not ours to free.
          if (readHolder(path)?.pid === me.pid) rmSync(path, { force: true });
        };
      }
      const holder = readHolder(path);
      if (holder && holder.host !== me.host) {
        throw new Error(
          `PGLITE_DIR ${dir} is in use by process ${holder.pid} on host ${holder.host} (lock file ${path}); ` +
            'PGlite allows one process per directory. If that process is gone, delete the lock file.',
        );
      }
      if (holder && !isStale(holder, me)) {
        throw new Error(
          `PGLITE_DIR ${dir} is in use by process ${holder.pid} (lock file ${path}); PGlite allows one ` +
            'process per directory: stop that process, or give this one another PGLITE_DIR or a DATABASE_URL.',
        );
      }
      if (!breakStale(path, tmp, me)) pause(10);
    }
    throw new Error(`PGLITE_DIR ${dir}: could not take the lock file ${path}`);
  } finally {
    unlinkSync(tmp);
  }
}
