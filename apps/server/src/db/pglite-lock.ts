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
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<Holder>;
    if (typeof parsed.pid !== 'number' || typeof parsed.host !== 'string') return undefined;
    return parsed as Holder;
  } catch {
    return undefined; // half-written by a process that died while writing it: stale
  }
}

/** Takes the directory for this process, or throws naming the process that has it. Returns the release. */
export function lockPgliteDir(dir: string): () => void {
  const path = join(dir, LOCK_FILE);
  const me: Holder = { pid: process.pid, host: hostname(), start: startTimeOf(process.pid) };
  const tmp = `${path}.${process.pid}.${Date.now()}`;
  writeFileSync(tmp, JSON.stringify(me));
  try {
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        linkSync(tmp, path);
        return () => {
          // Only our own lock: a directory taken over after a long stall is not ours to free.
          if (readHolder(path)?.pid === me.pid) rmSync(path, { force: true });
        };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      const holder = readHolder(path);
      if (holder && holder.host !== me.host) {
        throw new Error(
          `PGLITE_DIR ${dir} is in use by process ${holder.pid} on host ${holder.host} (lock file ${path}); ` +
            'PGlite allows one process per directory. If that process is gone, delete the lock file.',
        );
      }
      if (holder && holder.pid !== me.pid && isAlive(holder)) {
        throw new Error(
          `PGLITE_DIR ${dir} is in use by process ${holder.pid} (lock file ${path}); PGlite allows one ` +
            'process per directory: stop that process, or give this one another PGLITE_DIR or a DATABASE_URL.',
        );
      }
      // Stale (its process is gone, or it is our own pid from a previous life in a container).
      rmSync(path, { force: true });
    }
    throw new Error(`PGLITE_DIR ${dir}: could not take the lock file ${path}`);
  } finally {
    unlinkSync(tmp);
  }
}
