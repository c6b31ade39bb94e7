import { ChatDetailResponseSchema } from '@chatsockets/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestContext } from '../../test/build-test-app.js';
import { drivers } from '../../test/drivers.js';
import { registerUser, type TestUser } from '../../test/factories.js';
import { client } from '../../test/http.js';

describe.each(drivers())('[capabilities] each chat carries what the caller may do, on %s', (driver) => {
  let t: TestContext;
  const http = client(() => t.app);
  let owner: TestUser;
  let admin: TestUser;
  let member: TestUser;
  let outsider: TestUser;

  beforeAll(async () => {
    t = await buildTestApp(driver);
    owner = await registerUser(t.app, 'owner');
    admin = await registerUser(t.app, 'admin');
    member = await registerUser(t.app, 'member');
    outsider = await registerUser(t.app, 'outsider');
  });
  afterAll(() => t.close());

  const caps = async (user: TestUser, chatId: string) =>
    ChatDetailResponseSchema.parse((await http.get(user, `/api/chats/${chatId}`)).json()).chat.capabilities;

  it('by role, in private, public and direct chats; the list and the detail agree', async () => {
    const group = async (visibility: 'private' | 'public') => {
      const id = (
        await http.post(owner, '/api/chats', { title: visibility, visibility, members: ['admin', 'member'] })
      ).json().chat.id;
      await http.patch(owner, `/api/chats/${id}/members/${admin.user.id}`, { role: 'admin' });
      return id;
    };
    const priv = await group('private');
    const pub = await group('public');
    const own = ['read', 'post', 'edit-own', 'delete-own'];
    expect(await caps(owner, priv)).toEqual([
      ...own,
      'delete-any',
      'add-members',
      'remove-members',
      'remove-admins',
      'change-roles',
      'leave',
      'edit-info',
      'delete-chat',
      'invite',
      'react',
      'pin',
      'mention-all',
    ]);
    expect(await caps(admin, priv)).toEqual([
      ...own,
      'delete-any',
      'add-members',
      'remove-members',
      'leave',
      'invite',
      'react',
      'pin',
      'mention-all',
    ]);
    // Members react; only owners and admins pin and mention everyone.
    expect(await caps(member, priv)).toEqual([...own, 'leave', 'react']);
    expect((await http.get(outsider, `/api/chats/${priv}`)).statusCode).toBe(403);
    // Public: any member adds; an outsider reads and may join.
    expect(await caps(member, pub)).toEqual([...own, 'add-members', 'leave', 'react']);
    expect(await caps(outsider, pub)).toEqual(['read', 'join']);
    // Direct: fixed members, nobody moderates; both may pin, as in Telegram.
    const direct = (await http.post(owner, '/api/chats/direct', { username: 'member' })).json().chat;
    expect(direct.capabilities).toEqual([...own, 'react', 'pin']);
    // The list says the same as the detail.
    const listed = (await http.get(admin, '/api/chats'))
      .json()
      .chats.find((c: { id: string }) => c.id === priv);
    expect(listed.capabilities).toEqual(await caps(admin, priv));
    // A role change changes them.
    await http.patch(owner, `/api/chats/${priv}/members/${admin.user.id}`, { role: 'member' });
    expect(await caps(admin, priv)).toEqual([...own, 'leave', 'react']);
  });

  it('[join] a joiner, or a member added later, starts with the past read: no unread badge, marker at lastSeq (#19 bug 3)', async () => {
    const id = (await http.post(owner, '/api/chats', { title: 'history', visibility: 'public' })).json().chat
      .id;
    for (let i = 0; i < 5; i++)
      await http.post(owner, `/api/chats/${id}/messages`, { clientId: `h${i}`, body: `old ${i}` });
    const joined = (await http.post(outsider, `/api/chats/${id}/join`)).json().chat;
    expect(joined).toMatchObject({ lastSeq: 5, unreadCount: 0 });
    await http.post(owner, `/api/chats/${id}/members`, { username: 'member' });
    const detail = ChatDetailResponseSchema.parse((await http.get(member, `/api/chats/${id}`)).json());
    expect(detail.chat.unreadCount).toBe(0);
    expect(detail.members.find((m) => m.user.id === member.user.id)?.readSeq).toBe(5);
    await http.post(owner, `/api/chats/${id}/messages`, { clientId: 'h5', body: 'new' });
    expect(
      ChatDetailResponseSchema.parse((await http.get(member, `/api/chats/${id}`)).json()).chat.unreadCount,
    ).toBe(1);
  });
});
