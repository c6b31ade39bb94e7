import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LIMITS, MeResponseSchema } from '@chatsockets/protocol';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp, type TestContext } from '../../test/build-test-app.js';
import { drivers } from '../../test/drivers.js';
import { registerUser, type TestUser } from '../../test/factories.js';
import { client } from '../../test/http.js';
import { startLocalS3 } from '../../test/local-s3.js';
import { startTcpProxy } from '../../test/tcp-proxy.js';
import { WsClient } from '../../test/ws-client.js';
import { createFsBlobStore } from '../blobs/fs-blob-store.js';
import { createS3BlobStore } from '../blobs/s3-blob-store.js';

const png = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: '#c0392b' } })
    .png()
    .toBuffer();

describe.each(drivers())('avatars on %s', (driver) => {
  let t: TestContext;
  let url: string;
  const http = client(() => t.app);
  let alice: TestUser;
  let bob: TestUser;
  let mallory: TestUser;
  const dir = mkdtempSync(join(tmpdir(), 'avatars-'));

  beforeAll(async () => {
    t = await buildTestApp(driver);
    await t.rebuild({}, { blobs: await createFsBlobStore(dir) });
    url = await t.listen();
  });
  afterAll(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    [alice, bob, mallory] = await Promise.all([
      registerUser(t.app, 'alice'),
      registerUser(t.app, 'bob'),
      registerUser(t.app, 'mallory'),
    ]);
  });
  afterEach(() => t.truncate());

  const upload = (user: TestUser, body: Buffer, type = 'image/png') =>
    t.app.inject({
      method: 'PUT',
      url: '/api/me/avatar',
      headers: { ...user.headers, 'content-type': type },
      payload: body,
    });

  it('[avatar] uploaded, resized to a 256×256 WebP, seen by people who share a chat, not by others', async () => {
    const chat = (await http.post(alice, '/api/chats', { title: 'T', members: ['bob'] })).json().chat;
    const bobWs = await WsClient.connect(url, { token: bob.token });
    await bobWs.ok({ type: 'subscribe', chatId: chat.id });
    const res = await upload(alice, await png(1200, 800));
    expect(res.statusCode, res.body).toBe(200);
    const user = MeResponseSchema.parse(res.json()).user;
    expect(user.avatarUrl).toMatch(new RegExp(`^/api/users/${alice.user.id}/avatar\\?v=\\d+$`));
    expect((await http.get(alice, '/api/me')).json().user.avatarUrl).toBe(user.avatarUrl);

    const image = await http.get(bob, user.avatarUrl!);
    expect(image.statusCode).toBe(200);
    expect(image.headers['content-type']).toBe('image/webp');
    expect(image.headers['cache-control']).toContain('private');
    const meta = await sharp(image.rawPayload).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['webp', 256, 256]);
    expect((await http.get(alice, user.avatarUrl!)).statusCode).toBe(200);
    // Only the URL with the current version is cached for good: any other `v` names no image.
    for (const other of [`/api/users/${alice.user.id}/avatar`, `${user.avatarUrl}0`]) {
      const stale = await http.get(bob, other);
      expect(stale.statusCode).toBe(200);
      expect(stale.headers['cache-control'], other).toBe('private, no-cache');
    }
    expect(image.headers['cache-control']).toBe('private, max-age=31536000, immutable');
    // Someone who shares no chat: 404, as for no avatar at all.
    expect((await http.get(mallory, user.avatarUrl!)).statusCode).toBe(404);
    expect((await http.get(undefined, user.avatarUrl!)).statusCode).toBe(401);
    expect((await http.get(bob, `/api/users/${alice.user.id.toUpperCase()}/avatar`)).statusCode).toBe(200);
    // A member of a public chat is seen by whoever reads it, avatar included.
    const square = (await http.post(alice, '/api/chats', { title: 'Square', visibility: 'public' })).json()
      .chat;
    expect((await http.get(mallory, user.avatarUrl!)).statusCode).toBe(200);
    expect((await http.del(alice, `/api/chats/${square.id}`)).statusCode).toBe(204);
    expect((await http.get(mallory, user.avatarUrl!)).statusCode).toBe(404);

    // Live for people who share a chat.
    const event = await bobWs.next((f) => f.type === 'user.updated', undefined, true);
    expect(event).toMatchObject({ user: { id: alice.user.id, avatarUrl: user.avatarUrl } });
    await bobWs.close();

    // A new one is a new URL; the old one is gone.
    const again = MeResponseSchema.parse((await upload(alice, await png(64, 64))).json()).user;
    expect(again.avatarUrl).toMatch(new RegExp(`^/api/users/${alice.user.id}/avatar\\?v=\\d+$`));
    expect(again.avatarUrl).not.toBe(user.avatarUrl);
    expect(readdirSync(join(dir, 'avatars', alice.user.id))).toHaveLength(1);
    const removed = await http.del(alice, '/api/me/avatar');
    expect(removed.json().user.avatarUrl).toBeUndefined();
    expect((await http.get(bob, again.avatarUrl!)).statusCode).toBe(404);
  });

  it('[avatar race] uploads at the same instant each get their own URL; one wins, the others leave nothing behind', async () => {
    const colours = ['#c0392b', '#27ae60', '#2980b9', '#8e44ad', '#f39c12', '#16a085'];
    const images = await Promise.all(
      colours.map((background) =>
        sharp({ create: { width: 64, height: 64, channels: 3, background } })
          .png()
          .toBuffer(),
      ),
    );
    const results = await Promise.all(images.map((image) => upload(alice, image)));
    for (const r of results) expect(r.statusCode, r.body).toBe(200);
    const urls = results.map((r) => MeResponseSchema.parse(r.json()).user.avatarUrl!);
    // A URL is cached for good: two images must never have had the same one.
    expect(new Set(urls).size).toBe(urls.length);
    const current = (await http.get(alice, '/api/me')).json().user.avatarUrl as string;
    expect(urls).toContain(current);
    expect((await http.get(alice, current)).statusCode).toBe(200);
    // Only the winner's image is stored.
    expect(readdirSync(join(dir, 'avatars', alice.user.id))).toHaveLength(1);
  });

  it('[avatar] not an image, the wrong type, too big: clear errors, nothing stored', async () => {
    const junk = await upload(alice, Buffer.from('definitely not a png'));
    expect(junk.statusCode).toBe(400);
    expect(junk.json().error.code).toBe('BAD_REQUEST');
    for (const type of ['text/plain', 'application/json', 'application/octet-stream']) {
      const wrong = await upload(alice, Buffer.from('{"x": 1}'), type);
      expect(wrong.statusCode, type).toBe(415);
      expect(wrong.json().error.message, type).toMatch(/image/);
    }
    const tooBig = await upload(alice, Buffer.alloc(LIMITS.avatarMaxBytes + 1));
    expect(tooBig.statusCode).toBe(413);
    expect(tooBig.json().error.code).toBe('PAYLOAD_TOO_LARGE');
    expect((await http.get(alice, '/api/me')).json().user.avatarUrl).toBeUndefined();
    expect((await http.get(alice, `/api/users/${alice.user.id}/avatar`)).statusCode).toBe(404);
    expect((await http.get(alice, '/api/users/nope/avatar')).statusCode).toBe(404);
  });

  it('[avatar] only PNG, JPEG, WebP and GIF are decoded: an SVG, TIFF or AVIF under an image/png label is a 400', async () => {
    const square = () => sharp({ create: { width: 64, height: 64, channels: 3, background: '#2980b9' } });
    const others = [
      Buffer.from(
        '<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><rect width="64" height="64"/></svg>',
      ),
      await square().tiff().toBuffer(),
      await square().avif().toBuffer(),
    ];
    for (const body of others) {
      const res = await upload(alice, body, 'image/png');
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe('BAD_REQUEST');
    }
    expect((await http.get(alice, '/api/me')).json().user.avatarUrl).toBeUndefined();
    // The label need not match, as long as the bytes are one of the four.
    expect((await upload(alice, await square().webp().toBuffer(), 'image/png')).statusCode).toBe(200);
  });

  it('[avatar] removed while the S3 store is unreachable: 503 and it stays; once the store is back, removed with its image', async () => {
    const s3 = await startLocalS3();
    const proxy = await startTcpProxy(Number(new URL(s3.options.endpoint).port));
    const direct = createS3BlobStore(s3.options);
    await t.rebuild(
      {},
      { blobs: createS3BlobStore({ ...s3.options, endpoint: `http://127.0.0.1:${proxy.port}` }) },
    );
    try {
      const user = MeResponseSchema.parse((await upload(alice, await png(64, 64))).json()).user;
      const key = `avatars/${alice.user.id}/${new URL(user.avatarUrl!, 'http://x').searchParams.get('v')}.webp`;
      expect(await direct.exists(key)).toBe(true);
      await proxy.set('down');
      const refused = await http.del(alice, '/api/me/avatar');
      expect(refused.statusCode).toBe(503);
      await proxy.set('pass');
      expect((await http.get(alice, '/api/me')).json().user.avatarUrl).toBe(user.avatarUrl);
      expect((await http.del(alice, '/api/me/avatar')).statusCode).toBe(200);
      expect(await direct.exists(key)).toBe(false);
    } finally {
      await t.rebuild({}, { blobs: await createFsBlobStore(dir) });
      await direct.close();
      await proxy.close();
      await s3.stop();
    }
  });
});
