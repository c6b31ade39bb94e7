import { randomUUID } from 'node:crypto';
import type { AuthResponse, ServerFrame } from '@chatsockets/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WsClient } from '../ws-client.js';
import { api, groupChat, PASSWORD, register } from './clients.js';
import {
  Cluster,
  type Instance,
  redisServerInstalled,
  SKIP_NOTE,
  scaleOutTargets,
  startPrivateRedis,
  waitFor,
} from './cluster.js';

const targets = scaleOutTargets();
const canRestart = targets !== undefined && redisServerInstalled();

/** Frames of `chatId` that carry its content: what a removed member must never see again. */
const chatFrames = (frames: ServerFrame[], chatId: string) =>
  frames.filter(
    (f) =>
      ((f.type === 'message.created' || f.type === 'message.updated') && f.message.chatId === chatId) ||
      ((f.type === 'typing' || f.type === 'read' || f.type.startsWith('member.')) &&
        'chatId' in f &&
        f.chatId === chatId),
  );

/**
 * [removed] Membership is enforced at delivery on every instance: a member removed through
 * instance A, observed on instance B, gets `member.left` and then nothing of the chat, whether
 * Redis carried the removal or was down when it happened.
 */
describe.skipIf(!canRestart)(
  `[removed] scale-out: a removed member's socket on another instance ${SKIP_NOTE}`,
  () => {
    let privateRedis: Awaited<ReturnType<typeof startPrivateRedis>> | undefined;
    let cluster: Cluster;
    let a: Instance;
    let b: Instance;
    const sockets: WsClient[] = [];

    beforeAll(async () => {
      privateRedis = await startPrivateRedis();
      cluster = new Cluster(privateRedis.url);
      [a, b] = (await cluster.start(2)) as [Instance, Instance];
    }, 60_000);

    afterAll(async () => {
      for (const s of sockets) s.socket.terminate();
      await cluster?.close();
      await privateRedis?.stop();
    });

    const connect = async (at: Instance, user: AuthResponse) => {
      const s = await WsClient.connect(at.url, { token: user.token });
      sockets.push(s);
      return s;
    };
    const send = (at: Instance, user: AuthResponse, chatId: string, body: string) =>
      api(at.url, 'POST', `/api/chats/${chatId}/messages`, user.token, { clientId: randomUUID(), body });

    /** owner on A; the victim and a witness subscribed on B. */
    /** Stops the deployment's Redis and waits until both instances report their bus down. */
    async function redisDown() {
      await privateRedis!.shutdown();
      await waitFor('bus down on both', async () => {
        for (const at of [a, b]) if ((await fetch(`${at.url}/api/health`)).status !== 503) return undefined;
        return true;
      });
    }

    /** Starts it again and waits until both buses are back. */
    async function redisUp() {
      await privateRedis!.start();
      for (const at of [a, b])
        await waitFor(
          'bus up',
          async () => (await fetch(`${at.url}/api/health`)).status === 200 || undefined,
        );
    }

    async function setUp() {
      const [owner, victim, witness] = await Promise.all([register(a.url), register(b.url), register(b.url)]);
      const chatId = await groupChat(a.url, owner, [victim, witness]);
      const x = await connect(b, victim);
      const w = await connect(b, witness);
      await x.ok({ type: 'subscribe', chatId, afterRev: 0 });
      await w.ok({ type: 'subscribe', chatId, afterRev: 0 });
      // Both hubs carry the chat before anything else happens.
      await send(a, owner, chatId, 'before');
      await x.next((f) => f.type === 'message.created' && f.message.body === 'before', 5000, true);
      await w.next((f) => f.type === 'message.created' && f.message.body === 'before', 5000, true);
      return { owner, victim, witness, chatId, x, w };
    }

    it('with Redis up: member.left, then nothing (the witness on the same instance gets the sentinel)', async () => {
      const { owner, victim, chatId, x, w } = await setUp();
      const removed = await api(
        a.url,
        'DELETE',
        `/api/chats/${chatId}/members/${victim.user.id}`,
        owner.token,
      );
      expect(removed.status).toBe(204);
      await x.next((f) => f.type === 'member.left' && f.user.id === victim.user.id, 5000, true);
      const seen = x.frames.length;
      await send(a, owner, chatId, 'secret 1');
      await send(b, owner, chatId, 'secret 2');
      await w.next((f) => f.type === 'message.created' && f.message.body === 'secret 2', 5000, true);
      expect(chatFrames(x.frames.slice(seen), chatId).filter((f) => f.type !== 'member.left')).toEqual([]);
      expect(JSON.stringify(x.frames)).not.toContain('secret');
    });

    it('with Redis down when it happens: zero events of the chat after the removal, before and after Redis returns', async () => {
      const { owner, victim, witness, chatId, x, w } = await setUp();
      const seen = x.frames.length;
      await redisDown();

      const removed = await api(
        a.url,
        'DELETE',
        `/api/chats/${chatId}/members/${victim.user.id}`,
        owner.token,
      );
      expect(removed.status).toBe(204);
      // Sent through A: cannot reach B while Redis is down. Sent through B: B's hub sees a hole
      // in rev, reads the departure back from Postgres and applies it first.
      await send(a, owner, chatId, 'secret during outage via A');
      await send(b, witness, chatId, 'secret during outage via B');
      await api(b.url, 'POST', `/api/chats/${chatId}/read`, witness.token, { seq: 2 });
      await w.next(
        (f) => f.type === 'message.created' && f.message.body === 'secret during outage via B',
        5000,
        true,
      );
      const duringOutage = chatFrames(x.frames.slice(seen), chatId);
      expect(duringOutage.filter((f) => f.type !== 'member.left')).toEqual([]);

      await redisUp();
      await send(a, owner, chatId, 'secret after outage');
      await w.next(
        (f) => f.type === 'message.created' && f.message.body === 'secret after outage',
        10_000,
        true,
      );
      const after = chatFrames(x.frames.slice(seen), chatId);
      expect(after.filter((f) => f.type !== 'member.left')).toEqual([]);
      expect(JSON.stringify(x.frames)).not.toContain('secret');
      // Once the bus is back the victim learns of it; a new subscribe is refused.
      await x.next((f) => f.type === 'member.left' && f.user.id === victim.user.id, 10_000, true);
      expect((await x.request({ type: 'subscribe', chatId })).ok).toBe(false);
    });

    it('with Redis down when it happens: not even the presence or profile changes of the chat’s members reach the removed member', async () => {
      const { owner, victim, witness, chatId, x, w } = await setUp();
      // p: a member who is offline for now.
      const p = await register(b.url);
      expect(
        (await api(a.url, 'POST', `/api/chats/${chatId}/members`, owner.token, { username: p.user.username }))
          .status,
      ).toBe(201);
      await x.next((f) => f.type === 'member.joined' && f.user.id === p.user.id, 5000, true);
      const seen = x.frames.length;
      await redisDown();
      const removed = await api(
        a.url,
        'DELETE',
        `/api/chats/${chatId}/members/${victim.user.id}`,
        owner.token,
      );
      expect(removed.status).toBe(204);
      // Both through B, where the victim's socket is: p comes online, the witness renames herself.
      await connect(b, p);
      await w.next((f) => f.type === 'presence' && f.user.id === p.user.id && f.online, 5000, true);
      await api(b.url, 'PATCH', '/api/me', witness.token, { displayName: 'secret name' });
      await w.next((f) => f.type === 'user.updated' && f.user.displayName === 'secret name', 5000, true);
      const leaked = x.frames
        .slice(seen)
        .filter(
          (f) =>
            (f.type === 'presence' && f.user.id === p.user.id) ||
            (f.type === 'user.updated' && f.user.id === witness.user.id),
        );
      expect(leaked).toEqual([]);
      await redisUp();
    });

    it('a session revoked while Redis is down: once Redis is back, its socket on the other instance closes with 4401 before anything more of the chat reaches it', async () => {
      const { owner, victim, chatId, w } = await setUp();
      // The victim's second device, subscribed on B; the victim revokes it from the first, on A.
      const device = await api<AuthResponse>(b.url, 'POST', '/api/auth/login', undefined, {
        username: victim.user.username,
        password: PASSWORD,
      });
      const y = await connect(b, device.body);
      let yClosed: { code: number } | undefined;
      void y.closed.then((c) => {
        yClosed = c;
      });
      await y.ok({ type: 'subscribe', chatId, afterRev: 0 });
      const listed = await api<{ sessions: Array<{ id: string; current: boolean }> }>(
        b.url,
        'GET',
        '/api/me/sessions',
        device.body.token,
      );
      const deviceSession = listed.body.sessions.find((s) => s.current)!.id;

      await redisDown();
      const revoked = await api(a.url, 'DELETE', `/api/me/sessions/${deviceSession}`, victim.token);
      expect(revoked.status).toBe(204);
      await redisUp();

      // The periodic re-check is 10 minutes away (cluster env): only the resync can end it.
      await send(a, owner, chatId, 'secret after revoke');
      await w.next(
        (f) => f.type === 'message.created' && f.message.body === 'secret after revoke',
        10_000,
        true,
      );
      expect((await waitFor('the revoked socket closed', () => yClosed, 5000)).code).toBe(4401);
      expect(JSON.stringify(y.frames)).not.toContain('secret after revoke');
    });
  },
);
