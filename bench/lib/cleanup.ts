import { sleep } from './stats.js';

const tasks: Array<() => Promise<void>> = [];

/** Registers an async undo (stop a server, drop a database); run in reverse order. */
export function onCleanup(task: () => Promise<void>): void {
  tasks.push(task);
}

export async function runCleanup(): Promise<void> {
  for (let task = tasks.pop(); task; task = tasks.pop()) {
    await task().catch((err: unknown) => console.error('cleanup failed:', (err as Error).message));
  }
}

// Ctrl-C or a kill: undo what we can in 20 s, then exit (spawn.ts SIGKILLs children on exit anyway).
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`\n${signal}: cleaning up`);
    void Promise.race([runCleanup(), sleep(20_000)]).finally(() => process.exit(130));
  });
}

// A throw from a timer or socket callback must not leave a server running or a database behind.
for (const event of ['uncaughtException', 'unhandledRejection'] as const) {
  process.on(event, (err: unknown) => {
    console.error(`${event}:`, err);
    void Promise.race([runCleanup(), sleep(20_000)]).finally(() => process.exit(1));
  });
}
