import { randomUUID } from 'node:crypto';
import { SessionListResponseSchema } from '@chatsockets/protocol';
import postgres from 'postgres';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestContext } from '../../test/build-test-app.js';
import { drivers } from '../../test/drivers.js';
import { registerUser, type TestUser } from '../../test/factories.js';
import { holdDatabase } from '../../test/hold-database.js';
import { client } from '../../test/http.js';
import { waitFor } from '../../test/wait.js';
import { WsClient } from '../../test/ws-client.js';
import type { Bus } from '../realtime/bus/bus.js';
import { createMemoryBus } from '../realtime/bus/memory.js';

const PASSWORD = 'correct horse battery';

describe.each(drivers())('password and sessions on %s', (driver) => {
  let t: TestContext;
  let url: string;
  const http = client(() => t.app);

  // The app's clock runs ahead by this much when a test moves it (sessions are touched by it).
  let aheadMs = 0;
  beforeAll(async () => {
    t = await buildTestApp(driver);
    await t.rebuild({}, { now: () => new Date(Date.now() + aheadMs) });
    url = await t.listen();
  });
  afterEach(() => {
    aheadMs = 0;
  });
  afterAll(() => t.close());
  afterEach(() => t.truncate());

  /** Another session of the same user, from another "device". */
  async function signIn(user: TestUser, userAgent: string): Promise<TestUser> {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'user-agent': userAgent },
      payload: { username: user.user.username, password: PASSWORD },
    });
    expect(res.statusCode).toBe(200);
    const token = res.json().token as string;
    return { ...user, token, headers: { authorization: `Bearer ${token}` } };
  }
  const sessions = async (user: TestUser) =>
    SessionListResponseSchema.parse((await http.get(user, '/api/me/sessions')).json()).sessions;

  /**
   * Runs `body` on the app rebuilt with `env` and `bus` (the test's clock kept) and listening, with
   * alice, a chat of hers and her socket; then puts the usual app back.
   */
  async function onApp(
    env: Record<string, string>,
    bus: Bus | undefined,
    body: (on: { here: string; alice: TestUser; chatId: string; ws: WsClient }) => Promise<void>,
  ) {
    await t.rebuild(env, { now: () => new Date(Date.now() + aheadMs), ...(bus ? { bus } : {}) });
    try {
      const here = await t.listen();
      const alice = await registerUser(t.app, 'alice');
      const chatId = (await http.post(alice, '/api/chats', { title: 'Notes' })).json().chat.id as string;
      await body({ here, alice, chatId, ws: await WsClient.connect(here, { token: alice.token }) });
    } finally {
      await t.rebuild({}, { now: () => new Date(Date.now() + aheadMs) });
      url = await t.listen();
    }
  }

  it('[sessions] lists your live sessions with their user agent; signs out one, then all others', async () => {
    const alice = await registerUser(t.app, 'alice');
    const phone = await signIn(alice, 'Phone/1.0');
    const laptop = await signIn(alice, 'x'.repeat(300));
    const bob = await registerUser(t.app, 'bob');
    const listed = await sessions(laptop);
    expect(listed).toHaveLength(3);
    expect(listed.filter((s) => s.current)).toHaveLength(1);
    expect(listed.find((s) => s.current)!.userAgent).toHaveLength(256);
    expect(listed.map((s) => s.userAgent)).toContain('Phone/1.0');
    const phoneId = listed.find((s) => s.userAgent === 'Phone/1.0')!.id;

    // Someone else's session, or a made-up id: 404, nothing ended.
    const bobsId = (await sessions(bob))[0]!.id;
    expect((await http.del(alice, `/api/me/sessions/${bobsId}`)).statusCode).toBe(404);
    expect((await http.del(alice, '/api/me/sessions/nope')).statusCode).toBe(404);
    expect((await http.get(bob, '/api/me')).statusCode).toBe(200);

    const phoneWs = await WsClient.connect(url, { token: phone.token });
    expect((await http.del(laptop, `/api/me/sessions/${phoneId.toUpperCase()}`)).statusCode).toBe(204);
    expect((await phoneWs.closed).code).toBe(4401);
    expect((await http.get(phone, '/api/me')).statusCode).toBe(401);

    expect((await http.del(laptop, '/api/me/sessions')).statusCode).toBe(204);
    expect((await http.get(alice, '/api/me')).statusCode).toBe(401);
    expect((await sessions(laptop)).map((s) => s.current)).toEqual([true]);
  });

  it('[password] needs the current one; ends the other sessions, keeps this one; the new one signs in', async () => {
    const alice = await registerUser(t.app, 'alice');
    const other = await signIn(alice, 'Other/1.0');
    const otherWs = await WsClient.connect(url, { token: other.token });
    const wrong = await http.post(alice, '/api/me/password', {
      currentPassword: 'nope',
      newPassword: 'a new password',
    });
    expect(wrong.statusCode).toBe(403);
    expect((await http.get(other, '/api/me')).statusCode).toBe(200);
    const bad = [
      { currentPassword: PASSWORD, newPassword: 'short' },
      { currentPassword: PASSWORD, newPassword: 'x'.repeat(129) },
      { currentPassword: '', newPassword: 'a new password' },
      { newPassword: 'a new password' },
      { currentPassword: PASSWORD, newPassword: 'a new password', userId: other.user.id },
    ];
    for (const body of bad) expect((await http.post(alice, '/api/me/password', body)).statusCode).toBe(400);

    const ok = await http.post(alice, '/api/me/password', {
      currentPassword: PASSWORD,
      newPassword: 'a new password',
    });
    expect(ok.statusCode).toBe(204);
    expect((await otherWs.closed).code).toBe(4401);
    expect((await http.get(other, '/api/me')).statusCode).toBe(401);
    expect((await http.get(alice, '/api/me')).statusCode).toBe(200);
    const old = await http.post(undefined, '/api/auth/login', { username: 'alice', password: PASSWORD });
    expect(old.statusCode).toBe(401);
    const fresh = await http.post(undefined, '/api/auth/login', {
      username: 'alice',
      password: 'a new password',
    });
    expect(fresh.statusCode).toBe(200);
  });

  // While the bus is down, a sign-out on another instance cannot reach this one's sockets: each
  // frame then reads the session again, so a signed-out socket is closed at its next frame.
  it('[password] while the bus is down, a socket of a session the change ended is closed at its next frame, which does nothing', async () => {
    let down = false;
    const inner = createMemoryBus();
    const bus: Bus = {
      ...inner,
      healthy: () => !down && inner.healthy(),
      publish: (m) => (down ? Promise.resolve() : inner.publish(m)),
    };
    await onApp({}, bus, async ({ here, alice, chatId }) => {
      const other = await signIn(alice, 'Stolen/1.0');
      const otherWs = await WsClient.connect(here, { token: other.token });
      const send = (body: string) => ({ type: 'message.send', chatId, clientId: randomUUID(), body });
      await otherWs.ok(send('while signed in'));
      down = true;
      const changed = await http.post(alice, '/api/me/password', {
        currentPassword: PASSWORD,
        newPassword: 'a new password',
      });
      expect(changed.statusCode).toBe(204);
      const outcome = await Promise.race([
        otherWs.request(send('after the change')).then((r) => (r.ok ? 'done' : r.error.code)),
        otherWs.closed.then(() => 'closed'),
      ]);
      expect(outcome).toBe('closed');
      expect((await otherWs.closed).code).toBe(4401);
      const page = (await http.get(alice, `/api/chats/${chatId}/messages`)).json().messages;
      expect(page.map((m: { body: string }) => m.body)).toEqual(['while signed in']);
    });
  });

  it('[frames] while the bus is down and the database hangs, a ping still answers and other frames answer UNAVAILABLE: none hangs', async () => {
    const inner = createMemoryBus();
    const bus: Bus = { ...inner, healthy: () => false };
    await onApp({ REQUEST_DEADLINE_MS: '300' }, bus, async ({ chatId, ws }) => {
      const release = await holdDatabase(t, ['sessions', 'chats']);
      try {
        expect((await ws.request({ type: 'ping' })).ok).toBe(true);
        const send = await ws.request({ type: 'message.send', chatId, clientId: randomUUID(), body: 'x' });
        expect(send.ok ? 'done' : send.error.code).toBe('UNAVAILABLE');
      } finally {
        await release();
      }
    });
  });

  it('[frames] a frame that waited its whole deadline behind the socket’s earlier ones answers UNAVAILABLE and does nothing', async () => {
    await onApp({ REQUEST_DEADLINE_MS: '60000' }, undefined, async ({ alice, chatId, ws }) => {
      const release = await holdDatabase(t, ['chats']);
      try {
        const send = (body: string) =>
          ws.request({ type: 'message.send', chatId, clientId: randomUUID(), body });
        const first = send('first');
        const second = send('second');
        // Both are in (the server answers a WebSocket ping as it reads it, after the frames before
        // it): the first waits on the database, the second behind it. The app's clock then passes
        // the second's deadline before its turn comes.
        await new Promise<void>((resolve) => {
          ws.socket.once('pong', () => resolve());
          ws.socket.ping();
        });
        aheadMs += 60_001;
        await release();
        expect((await first).ok).toBe(true);
        const late = await second;
        expect(late.ok ? 'done' : late.error.code).toBe('UNAVAILABLE');
        const page = (await http.get(alice, `/api/chats/${chatId}/messages`)).json().messages;
        expect(page.map((m: { body: string }) => m.body)).toEqual(['first']);
      } finally {
        await release();
      }
    });
  });

  it('[password] two changes at once from two sessions: one wins and stays signed in, the other is 403', async () => {
    const alice = await registerUser(t.app, 'alice');
    const phone = await signIn(alice, 'Phone/1.0');
    const change = (user: TestUser, to: string) =>
      http.post(user, '/api/me/password', { currentPassword: PASSWORD, newPassword: to });
    const answers = await Promise.all([
      change(alice, 'first new password'),
      change(phone, 'second new password'),
    ]);
    // The other is refused: 403 if it checked its password before the winner committed, 401 if
    // the winner had already signed its session out.
    expect(answers.map((a) => a.statusCode).sort()).toSatisfy(
      (codes: number[]) => codes[0] === 204 && (codes[1] === 401 || codes[1] === 403),
    );
    const [winner, loser] = answers[0]!.statusCode === 204 ? [alice, phone] : [phone, alice];
    const won = answers[0]!.statusCode === 204 ? 'first new password' : 'second new password';
    const lost = won === 'first new password' ? 'second new password' : 'first new password';
    expect((await http.get(winner, '/api/me')).statusCode).toBe(200);
    expect((await http.get(loser, '/api/me')).statusCode).toBe(401);
    const login = (password: string) =>
      http.post(undefined, '/api/auth/login', { username: 'alice', password });
    expect((await login(won)).statusCode).toBe(200);
    expect((await login(lost)).statusCode).toBe(401);
  });

  // Needs a second connection: it holds the racing login's session insert until the change ran.
  it.runIf(driver === 'postgres')(
    '[password] a sign-in with the old password still in flight when it changes does not outlive the change',
    async () => {
      const alice = await registerUser(t.app, 'alice');
      const url = t.config.db.driver === 'postgres' ? t.config.db.url : '';
      const other = postgres(url, { max: 1, onnotice: () => {} });
      const waiting = async (what: string, event: (e: string) => boolean) =>
        waitFor(what, async () => {
          const rows = await other<Array<{ wait_event: string }>>`select wait_event from pg_stat_activity
            where datname = current_database() and wait_event_type = 'Lock'`;
          return rows.some((r) => event(r.wait_event)) || undefined;
        });
      // A session insert from the "racer" device waits for the advisory lock this test holds:
      // the login has checked the old password and is about to start its session.
      await other.unsafe(`
        create function hold_racer() returns trigger language plpgsql as $$
        begin
          if new.user_agent = 'racer' then perform pg_advisory_xact_lock_shared(4711); end if;
          return new;
        end $$;
        create trigger hold_racer before insert on sessions for each row execute function hold_racer();
        select pg_advisory_lock(4711);`);
      try {
        const login = t.app.inject({
          method: 'POST',
          url: '/api/auth/login',
          headers: { 'user-agent': 'racer' },
          payload: { username: 'alice', password: PASSWORD },
        });
        await waiting('the login held at its session insert', (e) => e === 'advisory');
        let changed = false;
        const change = http
          .post(alice, '/api/me/password', { currentPassword: PASSWORD, newPassword: 'a new password' })
          .finally(() => {
            changed = true;
          });
        // The change either ran to the end, or waits for the held login (it may not overtake it).
        await waitFor('the change done or waiting', async () => {
          if (changed) return true;
          const rows = await other<Array<{ wait_event: string }>>`select wait_event from pg_stat_activity
            where datname = current_database() and wait_event_type = 'Lock' and wait_event <> 'advisory'`;
          return rows.length > 0 || undefined;
        });
        await other`select pg_advisory_unlock(4711)`;
        expect((await change).statusCode).toBe(204);
        const res = await login;
        // Refused, or let in and then signed out with the others: never a session that stays.
        if (res.statusCode === 200) {
          const token = res.json().token as string;
          expect(
            (await http.get({ ...alice, token, headers: { authorization: `Bearer ${token}` } }, '/api/me'))
              .statusCode,
          ).toBe(401);
        } else {
          expect(res.statusCode).toBe(401);
        }
        expect((await sessions(alice)).map((s) => s.current)).toEqual([true]);
      } finally {
        await other.unsafe('drop trigger hold_racer on sessions; drop function hold_racer();');
        await other.end();
      }
    },
  );

  // Needs a second connection: it holds the upgrade between its authentication and its socket.
  it.runIf(driver === 'postgres')(
    '[sessions] a socket whose upgrade was authenticated just before its session was signed out is closed with 4401',
    async () => {
      const alice = await registerUser(t.app, 'alice');
      // A minute on, the upgrade's authentication refreshes alice's first session (an UPDATE),
      // which the trigger below can hold; the laptop signs in then and refreshes nothing.
      aheadMs = 120_000;
      const laptop = await signIn(alice, 'Laptop/1.0');
      const victimId = (await sessions(laptop)).find((s) => !s.current)!.id;
      const dbUrl = t.config.db.driver === 'postgres' ? t.config.db.url : '';
      const other = postgres(dbUrl, { max: 1, onnotice: () => {} });
      await other.unsafe(`
        create function hold_touch() returns trigger language plpgsql as $$
        begin perform pg_advisory_xact_lock_shared(4712); return null; end $$;
        create trigger hold_touch before update on sessions for each statement execute function hold_touch();
        select pg_advisory_lock(4712);`);
      try {
        const upgrade = WsClient.connect(url, { token: alice.token }).then(
          async (ws) => {
            await ws.ok({ type: 'ping' });
            return 'open after the sign-out';
          },
          (err: Error) => err.message,
        );
        // Authenticated (the session was live), held at its refresh: now the session ends.
        await waitFor('the upgrade held after its authentication', async () => {
          const rows = await other`select 1 from pg_stat_activity
            where datname = current_database() and wait_event_type = 'Lock' and wait_event = 'advisory'`;
          return rows.length > 0 || undefined;
        });
        expect((await http.del(laptop, `/api/me/sessions/${victimId}`)).statusCode).toBe(204);
        await other`select pg_advisory_unlock(4712)`;
        expect(await upgrade).toMatch(/4401/);
      } finally {
        await other.unsafe('drop trigger hold_touch on sessions; drop function hold_touch();');
        await other.end();
      }
    },
  );
});
