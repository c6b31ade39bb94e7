import { SessionListResponseSchema } from '@chatsockets/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestContext } from '../../test/build-test-app.js';
import { drivers } from '../../test/drivers.js';
import { registerUser, type TestUser } from '../../test/factories.js';
import { client } from '../../test/http.js';
import { WsClient } from '../../test/ws-client.js';

const PASSWORD = 'correct horse battery';

describe.each(drivers())('password and sessions on %s', (driver) => {
  let t: TestContext;
  let url: string;
  const http = client(() => t.app);

  beforeAll(async () => {
    t = await buildTestApp(driver);
    url = await t.listen();
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
});
