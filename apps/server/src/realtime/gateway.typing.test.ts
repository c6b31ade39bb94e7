import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestContext } from '../../test/build-test-app.js';
import { registerUser } from '../../test/factories.js';
import { client } from '../../test/http.js';
import { WsClient } from '../../test/ws-client.js';

// The throttle is in the service, around one access read: one driver is enough.
describe('typing throttle', () => {
  let t: TestContext;
  let url: string;
  let clock = new Date('2030-01-01T00:00:00Z');
  const http = client(() => t.app);

  beforeAll(async () => {
    t = await buildTestApp('pglite', { WS_FRAMES_PER_SEC: '1000', WS_FRAMES_BURST: '1000' });
    await t.rebuild({}, { now: () => clock });
    url = await t.listen();
  });
  afterAll(() => t.close());

  it('[typing] one event per typer and chat a second, however many sockets and frames; the next second another', async () => {
    const alice = await registerUser(t.app, 'alice');
    const bob = await registerUser(t.app, 'bob');
    const chatId = (await http.post(alice, '/api/chats', { title: 'Room', members: ['bob'] })).json().chat.id;
    const a = await WsClient.connect(url, { token: alice.token });
    await a.ok({ type: 'subscribe', chatId });
    const typers = await Promise.all([1, 2, 3].map(() => WsClient.connect(url, { token: bob.token })));
    try {
      // All at once: frames of other sockets arrive while one frame's access check runs.
      const frames = typers.flatMap((b) => [1, 2, 3, 4].map(() => b.ok({ type: 'typing', chatId })));
      for (const answer of await Promise.all(frames)) expect(answer).toEqual({});
      clock = new Date(clock.getTime() + 1000);
      await typers[0]!.ok({ type: 'typing', chatId });
      // Sentinel: Bob's message comes after every typing event his frames caused.
      await typers[0]!.ok({ type: 'message.send', chatId, clientId: randomUUID(), body: 'done' });
      await a.next((f) => f.type === 'message.created', 15_000, true);
      expect(a.events('typing')).toHaveLength(2);
    } finally {
      await Promise.all([a, ...typers].map((c) => c.close()));
    }
  });

  it('[typing] within the window a frame is still answered as its access stands: removed, then refused', async () => {
    const alice = await registerUser(t.app, 'erin');
    const bob = await registerUser(t.app, 'frank');
    const chatId = (await http.post(alice, '/api/chats', { title: 'Room', members: ['frank'] })).json().chat
      .id;
    const b = await WsClient.connect(url, { token: bob.token });
    try {
      await b.ok({ type: 'typing', chatId });
      expect((await http.del(alice, `/api/chats/${chatId}/members/${bob.user.id}`)).statusCode).toBe(204);
      // The clock stands still: within the window of the first typing.
      const r = await b.request({ type: 'typing', chatId });
      expect(r.ok).toBe(false);
      if (!r.ok) expect(['FORBIDDEN', 'NOT_FOUND']).toContain(r.error.code);
    } finally {
      await b.close();
    }
  });

  it('[typing] a send ends the window: typing the next message at once shows', async () => {
    const alice = await registerUser(t.app, 'carol');
    const bob = await registerUser(t.app, 'dave');
    const chatId = (await http.post(alice, '/api/chats', { title: 'Room', members: ['dave'] })).json().chat
      .id;
    const a = await WsClient.connect(url, { token: alice.token });
    await a.ok({ type: 'subscribe', chatId });
    const b = await WsClient.connect(url, { token: bob.token });
    try {
      await b.ok({ type: 'typing', chatId });
      await b.ok({ type: 'message.send', chatId, clientId: randomUUID(), body: 'first' });
      // The clock stands still: within the window of the first typing.
      await b.ok({ type: 'typing', chatId });
      await b.ok({ type: 'message.send', chatId, clientId: randomUUID(), body: 'second' });
      await a.next((f) => f.type === 'message.created' && f.message.body === 'second', 15_000, true);
      // The message clears the indicator in every client, so the typing after it is news.
      const seen = a.frames.filter((f) => f.type === 'typing' || f.type === 'message.created');
      expect(seen.map((f) => f.type)).toEqual(['typing', 'message.created', 'typing', 'message.created']);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});
