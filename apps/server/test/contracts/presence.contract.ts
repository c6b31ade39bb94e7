import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Presence, PresenceChange } from '../../src/realtime/presence.js';

/**
 * How the contract reaches one Presence adapter. `instance()` opens one more on the shared
 * store, as another server instance would; an adapter that cannot span instances says 1.
 */
export interface PresenceHarness {
  instances: number;
  instance(): Promise<Presence>;
  /** Adapters that expire silent instances: how long silence takes to count as death. */
  ttlMs?: number;
  /** The instance stops reaching the store without saying goodbye (a crash, a partition). */
  crash?(presence: Presence): Promise<void>;
  /** The store forgets everything (Redis restarted empty, or flushed). */
  loseState?(): Promise<void>;
  cleanup(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function eventually(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** The contract of realtime/presence.ts `Presence`, run once per adapter (presence.contract.test.ts). */
export function presenceContract(name: string, makeHarness: () => Promise<PresenceHarness | undefined>) {
  describe(`[presence contract] ${name}`, () => {
    let harness: PresenceHarness;
    let all: Presence[];
    let closed: Set<Presence>;
    const user = () => randomUUID();

    beforeEach(async (ctx) => {
      const made = await makeHarness();
      if (!made) return ctx.skip();
      harness = made;
      closed = new Set();
      all = [];
      for (let i = 0; i < harness.instances; i++) all.push(await harness.instance());
    });
    afterEach(async () => {
      if (!harness) return;
      for (const p of all) if (!closed.has(p)) await p.close();
      await harness.cleanup();
    });

    it('[presence] connected/disconnected say only when the user goes online and offline', async () => {
      const [p] = all as [Presence];
      const u = user();
      expect(await p.connected(u)).toBe(true);
      expect(await p.connected(u)).toBe(false);
      expect(await p.disconnected(u)).toBe(false);
      expect(await p.disconnected(u)).toBe(true);
      expect(await p.connected(u)).toBe(true); // and back
    });

    it('[presence] socketCount counts open sockets; onlineAmong is the subset with one', async () => {
      const [p] = all as [Presence];
      const [a, b, c] = [user(), user(), user()];
      await p.connected(a);
      await p.connected(a);
      await p.connected(b);
      expect(await p.socketCount(a)).toBe(2);
      expect(await p.socketCount(b)).toBe(1);
      expect(await p.socketCount(c)).toBe(0);
      expect(await p.onlineAmong([a, b, c])).toEqual(new Set([a, b]));
      expect(await p.onlineAmong([])).toEqual(new Set());
      await p.disconnected(b);
      expect(await p.onlineAmong([a, b, c])).toEqual(new Set([a]));
      expect(await p.socketCount(b)).toBe(0);
    });

    it('[presence] across instances: one user online anywhere is online everywhere, offline after the last socket', async (ctx) => {
      if (all.length < 2) return ctx.skip(); // one instance only (memory)
      const [p, q] = all as [Presence, Presence];
      const u = user();
      expect(await p.connected(u)).toBe(true);
      expect(await q.connected(u)).toBe(false); // already online on p
      for (const x of all) expect(await x.socketCount(u)).toBe(2);
      expect(await q.onlineAmong([u])).toEqual(new Set([u]));
      expect(await p.disconnected(u)).toBe(false); // still on q
      expect(await q.disconnected(u)).toBe(true);
      for (const x of all) expect(await x.onlineAmong([u])).toEqual(new Set());
    });

    it('[presence] close(): the instance’s sockets stop counting everywhere', async () => {
      const [p, ...rest] = all as [Presence, ...Presence[]];
      const u = user();
      const v = user();
      await p.connected(u);
      for (const x of rest) await x.connected(v);
      await p.close();
      closed.add(p);
      for (const x of all) expect(await x.socketCount(u)).toBe(0);
      for (const x of rest) expect(await x.socketCount(v)).toBe(1);
    });

    it('[presence] an instance that goes silent stops counting after the TTL, and a peer announces its users offline', async (ctx) => {
      if (!harness.crash || all.length < 2) return ctx.skip(); // nothing expires (memory)
      const [p, q] = all as [Presence, Presence];
      const announced: PresenceChange[] = [];
      q.onExternalChange?.((change) => {
        announced.push(change);
      });
      const [u, v] = [user(), user()];
      await p.connected(u);
      await p.connected(v);
      await q.connected(v); // v also has a socket on the live instance: stays online
      const silentAt = Date.now();
      await harness.crash(p);
      expect(await q.socketCount(u)).toBe(1); // not dead yet
      await eventually('u offline', async () => (await q.socketCount(u)) === 0, harness.ttlMs! * 4);
      expect(Date.now() - silentAt).toBeGreaterThanOrEqual(harness.ttlMs! / 2);
      await eventually('the offline announcement', () => announced.length > 0, harness.ttlMs! * 4);
      expect(announced).toEqual([{ userIds: [u], online: false }]);
      expect(await q.socketCount(v)).toBe(1);
      expect(await q.onlineAmong([u, v])).toEqual(new Set([v]));
    });

    it('[presence] the store forgets everything: the next heartbeat writes every instance’s sockets back', async (ctx) => {
      if (!harness.loseState || all.length < 2) return ctx.skip();
      const [p, q] = all as [Presence, Presence];
      const announced: PresenceChange[] = [];
      p.onExternalChange?.((change) => {
        announced.push(change);
      });
      const u = user();
      await p.connected(u);
      await harness.loseState();
      expect(await q.socketCount(u)).toBe(0);
      await eventually('u counted again', async () => (await q.socketCount(u)) === 1, harness.ttlMs! * 4);
      // Peers saw u offline meanwhile; the instance that holds the socket announces it again.
      await eventually('the online announcement', () => announced.length > 0);
      expect(announced).toEqual([{ userIds: [u], online: true }]);
    });
  });
}
