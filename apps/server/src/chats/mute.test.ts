import { randomUUID } from 'node:crypto';
import { type Chat, ChatListPageSchema } from '@chatsockets/protocol';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp, type TestContext } from '../../test/build-test-app.js';
import { drivers } from '../../test/drivers.js';
import { registerUser, type TestUser } from '../../test/factories.js';
import { client } from '../../test/http.js';
import { WsClient } from '../../test/ws-client.js';

describe.each(drivers())('per-chat mute on %s', (driver) => {
  let t: TestContext;
  let url: string;
  const http = client(() => t.app);
  let alice: TestUser;
  let bob: TestUser;
  const sockets: WsClient[] = [];

  beforeAll(async () => {
    t = await buildTestApp(driver);
    url = await t.listen();
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    [alice, bob] = await Promise.all([registerUser(t.app, 'alice'), registerUser(t.app, 'bob')]);
  });
  afterEach(async () => {
    await Promise.all(sockets.splice(0).map((s) => s.close()));
    await t.truncate();
  });

  it('[mute] stored per member, in the list, synced live to the same user’s other sockets only; no rev', async () => {
    const chat = (await http.post(alice, '/api/chats', { title: 'T', members: ['bob'] })).json().chat as Chat;
    expect(chat.muted).toBe(false);
    const tab2 = await WsClient.connect(url, { token: alice.token });
    const bobWs = await WsClient.connect(url, { token: bob.token });
    sockets.push(tab2, bobWs);
    await bobWs.ok({ type: 'subscribe', chatId: chat.id });

    expect(
      (await http.put(alice, `/api/chats/${chat.id.toUpperCase()}/mute`, { muted: true })).statusCode,
    ).toBe(204);
    expect(await tab2.next((f) => f.type === 'chat.muted', undefined, true)).toEqual({
      type: 'chat.muted',
      chatId: chat.id,
      muted: true,
    });
    const [listed] = ChatListPageSchema.parse((await http.get(alice, '/api/chats')).json()).chats;
    expect(listed).toMatchObject({ muted: true, rev: chat.rev });
    const [bobs] = ChatListPageSchema.parse((await http.get(bob, '/api/chats')).json()).chats;
    expect(bobs!.muted).toBe(false);
    // Sentinel: a message reaches bob after the mute; the mute never did.
    await http.post(alice, `/api/chats/${chat.id}/messages`, { clientId: randomUUID(), body: 'x' });
    await bobWs.next((f) => f.type === 'message.created', undefined, true);
    expect(bobWs.events('chat.muted')).toEqual([]);

    expect((await http.put(alice, `/api/chats/${chat.id}/mute`, { muted: false })).statusCode).toBe(204);
    expect(ChatListPageSchema.parse((await http.get(alice, '/api/chats')).json()).chats[0]!.muted).toBe(
      false,
    );
  });

  it('[mute] members only; bad input is a 400', async () => {
    const chat = (await http.post(alice, '/api/chats', { title: 'T', visibility: 'public' })).json()
      .chat as Chat;
    expect((await http.put(bob, `/api/chats/${chat.id}/mute`, { muted: true })).statusCode).toBe(403);
    expect((await http.put(alice, `/api/chats/${randomUUID()}/mute`, { muted: true })).statusCode).toBe(404);
    for (const body of [{}, { muted: 'yes' }, { muted: true, until: 5 }])
      expect((await http.put(alice, `/api/chats/${chat.id}/mute`, body)).statusCode).toBe(400);
  });
});
