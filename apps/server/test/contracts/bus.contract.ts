import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Bus, BusMessage } from '../../src/realtime/bus/bus.js';

/**
 * How the contract reaches one adapter. `instance()` opens one more bus on the adapter's
 * shared transport, as another server instance of the same deployment would; an adapter that
 * cannot span instances (memory) says `instances: 1`.
 */
export interface BusHarness {
  instances: number;
  instance(): Promise<Bus>;
  /** Makes `bus`'s transport lose what it carries (Redis: its subscriber connection killed). */
  loseTransport?(bus: Bus): Promise<void>;
  /** Cuts `bus`'s publishing side (Redis: its command connection killed), so publishes fail. */
  losePublisher?(bus: Bus): Promise<void>;
  /** Closes whatever the harness opened beyond the buses (their connections). */
  cleanup(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function eventually(what: string, check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/** A handler that keeps what it got; messages are told apart by sessionId. */
function recorder(bus: Bus) {
  const got: string[] = [];
  const unsubscribe = bus.subscribe((m) => {
    if (m.kind === 'session.revoked') got.push(m.sessionId);
  });
  return { got, unsubscribe };
}

const msg = (id: string): BusMessage => ({ kind: 'session.revoked', sessionId: id });

/** A chat message whose payload names it (the bus never looks inside events). */
const chatMsg = (chatId: string, id: string): BusMessage =>
  ({
    kind: 'chat',
    chatId,
    event: { type: 'typing', chatId, user: { id }, active: true },
  }) as unknown as BusMessage;

/** Records chat messages as `chatId/id`. */
function chatRecorder(bus: Bus) {
  const got: string[] = [];
  bus.subscribe((m) => {
    if (m.kind === 'chat' && m.event.type === 'typing') got.push(`${m.chatId}/${m.event.user.id}`);
  });
  return { got };
}

/**
 * The contract every Bus adapter keeps (realtime/bus/bus.ts), run once per adapter
 * (bus.contract.test.ts), so the hub can rely on it whichever transport it is given.
 */
export function busContract(name: string, makeHarness: () => Promise<BusHarness | undefined>) {
  describe(`[bus contract] ${name}`, () => {
    let harness: BusHarness;
    let buses: Bus[];
    let closed: Set<Bus>;

    beforeEach(async (ctx) => {
      const made = await makeHarness();
      if (!made) return ctx.skip();
      harness = made;
      closed = new Set();
      buses = [];
      for (let i = 0; i < harness.instances; i++) buses.push(await harness.instance());
      await eventually('every bus healthy', () => buses.every((b) => b.healthy()));
    });
    afterEach(async () => {
      if (!harness) return;
      for (const bus of buses) if (!closed.has(bus)) await bus.close();
      await harness.cleanup();
    });

    /** Publishes a sentinel from `from` and waits until every given recorder has it: delivery got that far. */
    async function flush(from: Bus, recorders: Array<{ got: string[] }>) {
      const id = `sentinel-${Math.random()}`;
      await from.publish(msg(id));
      await eventually('the sentinel everywhere', () => recorders.every((r) => r.got.includes(id)));
      for (const r of recorders) r.got.splice(r.got.indexOf(id), 1);
    }

    it('[bus] a publish reaches every subscriber on every instance, the publisher’s own included, once', async () => {
      const recorders = buses.flatMap((b) => [recorder(b), recorder(b)]);
      for (const [i, bus] of buses.entries()) await bus.publish(msg(`from-${i}`));
      const expected = buses.map((_, i) => `from-${i}`);
      await eventually('every message at every subscriber', () =>
        recorders.every((r) => expected.every((id) => r.got.includes(id))),
      );
      await flush(buses[0]!, recorders);
      for (const r of recorders) expect([...r.got].sort()).toEqual(expected);
    });

    it('[bus] one publisher’s messages arrive in publish order, at every subscriber', async () => {
      const recorders = buses.map(recorder);
      const n = 300;
      // Not awaited one by one: the order must hold for publishes in flight together.
      await Promise.all(
        buses.flatMap((bus, b) => Array.from({ length: n }, (_, i) => bus.publish(msg(`p${b}-${i}`)))),
      );
      await eventually('every message', () => recorders.every((r) => r.got.length === n * buses.length));
      for (const r of recorders) {
        for (const b of buses.keys()) {
          const mine = r.got.filter((id) => id.startsWith(`p${b}-`));
          expect(mine).toEqual(Array.from({ length: n }, (_, i) => `p${b}-${i}`));
        }
      }
    });

    it('[bus] a chat’s messages reach the instances that follow it, in publish order, and no other', async () => {
      const [a, ...rest] = buses as [Bus, ...Bus[]];
      const chat = `chat-${Math.random()}`;
      const sentinelChat = `sentinel-${Math.random()}`;
      const atA = chatRecorder(a);
      const elsewhere = rest.map(chatRecorder);
      await a.follow(chat);
      for (const bus of rest) await bus.follow(sentinelChat);
      const n = 50;
      await Promise.all(
        buses.flatMap((bus, b) =>
          Array.from({ length: n }, (_, i) => bus.publish(chatMsg(chat, `c${b}-${i}`))),
        ),
      );
      await eventually('every message at the follower', () => atA.got.length === n * buses.length);
      for (const b of buses.keys()) {
        expect(atA.got.filter((id) => id.startsWith(`${chat}/c${b}-`))).toEqual(
          Array.from({ length: n }, (_, i) => `${chat}/c${b}-${i}`),
        );
      }
      // The others get nothing of that chat but what they published themselves (local first):
      // a sentinel of a chat they follow, published after it all, shows delivery got that far.
      await a.publish(chatMsg(sentinelChat, 'end'));
      for (const [i, r] of elsewhere.entries()) {
        await eventually('the sentinel', () => r.got.includes(`${sentinelChat}/end`));
        expect(
          r.got.filter((id) => id.startsWith(`${chat}/`) && !id.startsWith(`${chat}/c${i + 1}-`)),
        ).toEqual([]);
      }
      if (rest.length === 0) return; // one instance: nobody else publishes
      // Unfollowed: nothing more arrives, and what every instance gets still does (the last
      // chat channel left must not take the shared channel with it).
      const shared = recorder(a);
      a.unfollow(chat);
      await flush(rest[0]!, [shared]);
      for (const bus of rest) await bus.publish(chatMsg(chat, 'after-unfollow'));
      await a.follow(sentinelChat);
      for (const bus of rest) await bus.publish(chatMsg(sentinelChat, 'end2'));
      await eventually('the second sentinel', () => atA.got.includes(`${sentinelChat}/end2`));
      expect(atA.got.filter((id) => id === `${chat}/after-unfollow`)).toEqual([]);
    });

    it('[bus] a chat followed while the transport is lost is delivered once it is back', async (ctx) => {
      if (!harness.loseTransport || buses.length < 2) return ctx.skip();
      const [victim, peer] = buses as [Bus, Bus];
      const chat = `chat-${Math.random()}`;
      const r = chatRecorder(victim);
      await harness.loseTransport(victim);
      const followed = victim.follow(chat);
      await followed;
      await eventually('healthy again', () => victim.healthy());
      await peer.publish(chatMsg(chat, 'after'));
      await eventually('the chat message', () => r.got.includes(`${chat}/after`));
    });

    it('[bus] unsubscribe stops delivery to that handler only', async () => {
      const gone = buses.map(recorder);
      const staying = buses.map(recorder);
      for (const r of gone) r.unsubscribe();
      for (const bus of buses) await bus.publish(msg('after'));
      for (const bus of buses) await flush(bus, staying);
      for (const r of staying) expect(r.got.filter((id) => id === 'after')).toHaveLength(buses.length);
      for (const r of gone) expect(r.got).toEqual([]);
    });

    it('[bus] close(): the bus is unhealthy, its handlers get nothing more, the others carry on', async () => {
      const [first, ...rest] = buses as [Bus, ...Bus[]];
      const closedOne = recorder(first);
      const others = rest.map(recorder);
      await first.close();
      closed.add(first);
      expect(first.healthy()).toBe(false);
      await first.publish(msg('after-close')).catch(() => {}); // may refuse; must not deliver
      for (const bus of rest) await bus.publish(msg('from-peer'));
      for (const bus of rest) await flush(bus, others);
      if (rest.length === 0) await sleep(50);
      expect(closedOne.got).toEqual([]);
      for (const r of others) expect(r.got).toEqual(rest.map(() => 'from-peer'));
    });

    it('[bus] onResync fires after the transport lost messages, and delivery resumes', async (ctx) => {
      if (!harness.loseTransport) return ctx.skip(); // nothing in transit can be lost (memory)
      const [victim, ...rest] = buses as [Bus, ...Bus[]];
      let resyncs = 0;
      victim.onResync(() => resyncs++);
      await harness.loseTransport(victim);
      await eventually('a resync', () => resyncs > 0);
      await eventually('healthy again', () => victim.healthy());
      const r = recorder(victim);
      await flush(rest[0] ?? victim, [r]);
    });

    it('[bus] publishes lost by one instance make the others resync once it is back', async (ctx) => {
      if (!harness.losePublisher || buses.length < 2) return ctx.skip();
      const [sender, peer] = buses as [Bus, Bus];
      let resyncs = 0;
      peer.onResync(() => resyncs++);
      await harness.losePublisher(sender);
      let failed = false;
      for (let i = 0; i < 200 && !failed; i++) {
        await sender.publish(msg(`lost-${i}`)).catch(() => {
          failed = true;
        });
        if (!failed) await sleep(10);
      }
      expect(failed).toBe(true); // the cut must have cost a publish, or there is nothing to repair
      // Soon after the failed publish: the instance is back by then, and must say so at once.
      await eventually('the peer resyncs', () => resyncs > 0, 3000);
    });
  });
}
