import { randomBytes, randomUUID } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import {
  type Attachment,
  type Message,
  MessageResponseSchema,
  UploadResponseSchema,
} from '@chatsockets/protocol';
import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp, type TestContext } from '../../test/build-test-app.js';
import { drivers } from '../../test/drivers.js';
import { registerUser, type TestUser } from '../../test/factories.js';
import { client } from '../../test/http.js';
import { startLocalS3 } from '../../test/local-s3.js';
import { startTcpProxy } from '../../test/tcp-proxy.js';
import { createS3BlobStore } from '../blobs/s3-blob-store.js';

const png = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: { r: 200, g: 30, b: 30 } } })
    .png()
    .toBuffer();

function crc32(bytes: Buffer) {
  let c = ~0;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}
function pngChunk(type: string, data: Buffer) {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const frame = Buffer.alloc(8 + body.length);
  frame.writeUInt32BE(data.length, 0);
  body.copy(frame, 4);
  frame.writeUInt32BE(crc32(body), 4 + body.length);
  return frame;
}
/** A well-formed PNG that declares `width` × `height` grey pixels and holds a few of them. */
function pngDeclaring(width: number, height: number) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth; colour type 0 (grey), default compression, filter, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(Buffer.alloc(1000))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

describe.each(drivers())('attachments on %s', (driver) => {
  let t: TestContext;
  const http = client(() => t.app);
  let clock: Date;
  let alice: TestUser;
  let bob: TestUser;
  let carol: TestUser;
  let chatId: string;

  beforeAll(async () => {
    t = await buildTestApp(driver);
    clock = new Date();
    await t.rebuild({}, { now: () => clock });
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    await t.truncate();
    clock = new Date();
    alice = await registerUser(t.app, 'alice');
    bob = await registerUser(t.app, 'bob');
    carol = await registerUser(t.app, 'carol');
    chatId = (await http.post(alice, '/api/chats', { title: 'Room', members: ['bob'] })).json().chat.id;
    before = new Set(await allBlobFiles());
  });

  const upload = (user: TestUser, bytes: Buffer, name = 'file.bin', clientId: string = randomUUID()) =>
    t.app.inject({
      method: 'POST',
      url: `/api/uploads?${new URLSearchParams({ clientId, name })}`,
      headers: { ...user.headers, 'content-type': 'application/octet-stream' },
      payload: bytes,
    });
  const uploaded = async (user: TestUser, bytes: Buffer, name?: string): Promise<Attachment> => {
    const res = await upload(user, bytes, name);
    expect(res.statusCode, res.body).toBe(201);
    return UploadResponseSchema.parse(res.json()).attachment;
  };
  const send = (user: TestUser, attachmentIds: string[], body = '', clientId = randomUUID(), chat = chatId) =>
    http.post(user, `/api/chats/${chat}/messages`, { clientId, body, attachmentIds });
  const download = (
    user: TestUser | undefined,
    id: string,
    headers: Record<string, string> = {},
    thumb = false,
  ) =>
    t.app.inject({
      method: 'GET',
      url: `/api/attachments/${id}${thumb ? '/thumbnail' : ''}`,
      headers: { ...user?.headers, ...headers },
    });
  const allBlobFiles = async () => {
    const dir = (t.config.blobs as { dir: string }).dir;
    return readdir(join(dir, 'att')).catch(() => [] as string[]);
  };
  let before = new Set<string>();
  /** The blob files this test made that are still there. */
  const blobFiles = async () => (await allBlobFiles()).filter((f) => !before.has(f)).sort();

  it('[attachments image] an image gets its type from its bytes, dimensions and a thumbnail; a repeat upload is the same upload', async () => {
    const bytes = await png(800, 600);
    const clientId = randomUUID();
    const first = await upload(alice, bytes, 'holiday.jpg', clientId);
    expect(first.statusCode).toBe(201);
    const a = UploadResponseSchema.parse(first.json()).attachment;
    expect(a).toMatchObject({
      name: 'holiday.jpg',
      size: bytes.length,
      mime: 'image/png',
      kind: 'image',
      width: 800,
      height: 600,
      thumbnail: true,
    });
    const again = await upload(alice, bytes, 'holiday.jpg', clientId);
    expect(again.statusCode).toBe(200);
    expect(again.json().attachment.id).toBe(a.id);
    expect(await blobFiles()).toEqual([a.id, `${a.id}.thumb`]);
    const thumb = await download(alice, a.id, {}, true);
    expect(thumb.statusCode).toBe(200);
    expect(thumb.headers['content-type']).toBe('image/webp');
    const meta = await sharp(thumb.rawPayload).metadata();
    expect(Math.max(meta.width ?? 0, meta.height ?? 0)).toBe(320);
    // Another representation: its own name (saved, it is a .webp) and its own validator.
    expect(thumb.headers['content-disposition']).toBe(
      `inline; filename="holiday.webp"; filename*=UTF-8''holiday.webp`,
    );
    const original = await download(alice, a.id);
    expect(thumb.headers.etag).not.toBe(original.headers.etag);
    const cached = { 'if-none-match': String(thumb.headers.etag) };
    expect((await download(alice, a.id, cached, true)).statusCode).toBe(304);
    expect((await download(alice, a.id, cached)).statusCode).toBe(200);
  });

  it('[attachments idempotent] concurrent retries of one upload store it once', async () => {
    const bytes = randomBytes(50_000);
    const clientId = randomUUID();
    const results = await Promise.all([1, 2, 3].map(() => upload(alice, bytes, 'x.bin', clientId)));
    expect(new Set(results.map((r) => r.json().attachment.id)).size).toBe(1);
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 200, 201]);
    expect((await blobFiles()).length).toBe(1);
  });

  it('[attachments sniff] a name or a header never makes a file an image; scriptable types are never inline', async () => {
    const fake = await uploaded(alice, Buffer.from('<html><script>alert(1)</script></html>'), 'cat.png');
    expect(fake).toMatchObject({ mime: 'application/octet-stream', kind: 'file', thumbnail: false });
    const svg = await uploaded(
      alice,
      Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
      'x.svg',
    );
    expect(svg.kind).toBe('file');
    const pdf = await uploaded(
      alice,
      Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(100)]),
      'doc.pdf',
    );
    expect(pdf.mime).toBe('application/pdf');
    const sent = await send(alice, [fake.id, svg.id, pdf.id], 'files');
    expect(sent.statusCode).toBe(201);
    for (const a of [fake, svg, pdf]) {
      const res = await download(bob, a.id);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('application/octet-stream');
      expect(res.headers['content-disposition']).toMatch(/^attachment;/);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['content-security-policy']).toContain('sandbox');
    }
  });

  it('[attachments sniff] an image that does not decode (cut short, or a bomb sharp refuses) is a file: never inline for the browser to decode', async () => {
    const full = await png(64, 64);
    // The signature and header of a PNG, then nothing: sniffed as image/png, but no image.
    const truncated = await uploaded(alice, full.subarray(0, 40), 'cut.png');
    // 74 bytes that declare 100 000 × 100 000 pixels: sharp refuses to decode it (limitInputPixels).
    const bomb = await uploaded(alice, pngDeclaring(100_000, 100_000), 'bomb.png');
    for (const a of [truncated, bomb]) expect(a).toMatchObject({ kind: 'file', thumbnail: false });
    expect((await send(alice, [truncated.id, bomb.id], 'not images')).statusCode).toBe(201);
    for (const a of [truncated, bomb]) {
      const res = await download(bob, a.id);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('application/octet-stream');
      expect(res.headers['content-disposition']).toMatch(/^attachment;/);
    }
  });

  it('[attachments send] a message may be only attachments, in the order sent; readers download, strangers are refused', async () => {
    const img = await uploaded(alice, await png(40, 30), 'a.png');
    const doc = await uploaded(alice, randomBytes(1000), 'Отчёт "final".bin');
    const res = await send(alice, [doc.id, img.id.toUpperCase()]);
    expect(res.statusCode, res.body).toBe(201);
    const message = MessageResponseSchema.parse(res.json()).message;
    expect(message.body).toBe('');
    expect(message.attachments?.map((a) => a.id)).toEqual([doc.id, img.id]);
    // Pages carry them too.
    const page = (await http.get(bob, `/api/chats/${chatId}/messages`)).json();
    expect(page.messages[0].attachments.map((a: Attachment) => a.id)).toEqual([doc.id, img.id]);
    const got = await download(bob, img.id);
    expect(got.statusCode).toBe(200);
    expect(got.headers['content-type']).toBe('image/png');
    expect(got.headers['content-disposition']).toMatch(/^inline;/);
    const file = await download(bob, doc.id);
    expect(file.headers['content-disposition']).toBe(
      `attachment; filename="_____ _final_.bin"; filename*=UTF-8''${encodeURIComponent('Отчёт "final".bin')}`,
    );
    // RFC 8187's attr-char leaves out ' ( ) *, which encodeURIComponent keeps as they are.
    const odd = await uploaded(alice, Buffer.from('x'), "it's (v2)*.txt");
    expect((await send(alice, [odd.id])).statusCode).toBe(201);
    expect((await download(bob, odd.id)).headers['content-disposition']).toBe(
      `attachment; filename="it's (v2)*.txt"; filename*=UTF-8''it%27s%20%28v2%29%2A.txt`,
    );
    expect((await download(carol, img.id)).statusCode).toBe(403);
    expect((await download(carol, img.id, {}, true)).statusCode).toBe(403);
    expect((await download(undefined, img.id)).statusCode).toBe(401);
    expect((await download(bob, randomUUID())).statusCode).toBe(404);
    expect((await download(bob, 'not-an-id')).statusCode).toBe(404);
    // Bob, removed from the chat, loses access at once.
    await http.del(alice, `/api/chats/${chatId}/members/${bob.user.id}`);
    expect((await download(bob, img.id)).statusCode).toBe(403);
  });

  it('[attachments send] text or attachments, never neither; ids must be your own unsent uploads', async () => {
    expect((await send(alice, [], '   ')).statusCode).toBe(400);
    expect(
      (await http.post(alice, `/api/chats/${chatId}/messages`, { clientId: randomUUID() })).statusCode,
    ).toBe(400);
    const mine = await uploaded(alice, randomBytes(10));
    const bobs = await uploaded(bob, randomBytes(10));
    expect((await send(alice, [bobs.id])).statusCode).toBe(400);
    expect((await send(alice, [randomUUID()])).statusCode).toBe(400);
    expect((await send(alice, ['garbage'])).statusCode).toBe(400);
    // Before it is sent, an upload is its uploader's alone.
    expect((await download(alice, mine.id)).statusCode).toBe(200);
    expect((await download(bob, mine.id)).statusCode).toBe(404);
    expect((await send(alice, [mine.id])).statusCode).toBe(201);
    // Already on a message: not again on another.
    expect((await send(alice, [mine.id])).statusCode).toBe(400);
    expect(
      (
        await send(
          alice,
          Array.from({ length: 11 }, () => randomUUID()),
        )
      ).statusCode,
    ).toBe(400);
  });

  it('[attachments races] one upload on concurrent sends: one message has it, the others are refused, none is stored empty', async () => {
    const file = await uploaded(alice, randomBytes(10));
    const answers = await Promise.all(Array.from({ length: 12 }, () => send(alice, [file.id], '')));
    const created = answers.filter((a) => a.statusCode === 201);
    expect(created).toHaveLength(1);
    expect(created[0]!.json().message.attachments.map((a: Attachment) => a.id)).toEqual([file.id]);
    expect(answers.filter((a) => a.statusCode === 400)).toHaveLength(answers.length - 1);
    const stored = (await http.get(alice, `/api/chats/${chatId}/messages?limit=200`)).json().messages;
    expect(stored.filter((m: Message) => m.body === '' && (m.attachments ?? []).length === 0)).toEqual([]);
  });

  it('[attachments idempotent] a repeat with other files answers the stored message and leaves those files free', async () => {
    const first = await uploaded(alice, randomBytes(10));
    const other = await uploaded(alice, randomBytes(10));
    const clientId = randomUUID();
    const sent = await send(alice, [first.id], 'hi', clientId);
    const again = await send(alice, [other.id], 'hi', clientId);
    expect(again.statusCode).toBe(200);
    expect(again.json().message.attachments.map((a: Attachment) => a.id)).toEqual([first.id]);
    expect(again.json().message.id).toBe(sent.json().message.id);
    // Not bound to a message that never shows it: free for the next one.
    expect((await send(alice, [other.id], 'next')).statusCode).toBe(201);
  });

  it("[attachments delete] files sent to a chat that is gone: 404, nothing stored; its files are nobody's", async () => {
    const group = (await http.post(alice, '/api/chats', { title: 'Doomed', members: ['bob'] })).json().chat
      .id;
    const kept = await uploaded(alice, randomBytes(10));
    expect((await send(alice, [kept.id], 'there', randomUUID(), group)).statusCode).toBe(201);
    expect((await http.del(alice, `/api/chats/${group}`)).statusCode).toBe(204);
    const fresh = await uploaded(alice, randomBytes(10));
    const late = await send(alice, [fresh.id], 'too late', randomUUID(), group);
    expect(late.statusCode).toBe(404);
    expect(late.json().error.code).toBe('NOT_FOUND');
    // The deleted chat's file, before the sweep: not downloadable, not sendable again.
    expect((await download(alice, kept.id)).statusCode).toBe(404);
    expect((await send(alice, [kept.id], 'again')).statusCode).toBe(400);
    // The upload that found no chat is still the uploader's to send.
    expect((await send(alice, [fresh.id], 'here')).statusCode).toBe(201);
  });

  it('[attachments idempotent] a retried send with the same clientId is the same message with the same files', async () => {
    const a = await uploaded(alice, randomBytes(10));
    const clientId = randomUUID();
    const first = await send(alice, [a.id], 'hi', clientId);
    const again = await send(alice, [a.id], 'hi', clientId);
    expect(first.statusCode).toBe(201);
    expect(again.statusCode).toBe(200);
    expect(again.json().message.id).toBe(first.json().message.id);
    expect(again.json().message.attachments).toEqual(first.json().message.attachments);
  });

  it('[attachments range] single ranges give 206; past the end 416; others the whole file', async () => {
    const bytes = randomBytes(10_000);
    const a = await uploaded(alice, bytes);
    await send(alice, [a.id]);
    const part = await download(bob, a.id, { range: 'bytes=100-199' });
    expect(part.statusCode).toBe(206);
    expect(part.headers['content-range']).toBe('bytes 100-199/10000');
    expect(part.rawPayload.equals(bytes.subarray(100, 200))).toBe(true);
    const tail = await download(bob, a.id, { range: 'bytes=-10' });
    expect(tail.rawPayload.equals(bytes.subarray(9990))).toBe(true);
    const open = await download(bob, a.id, { range: 'bytes=9000-' });
    expect(open.headers['content-length']).toBe('1000');
    const past = await download(bob, a.id, { range: 'bytes=10000-' });
    expect(past.statusCode).toBe(416);
    expect(past.json().error.code).toBe('RANGE_NOT_SATISFIABLE');
    expect(past.headers['content-range']).toBe('bytes */10000');
    // A position of any length is a position: one past every file is past this one too.
    const far = await download(bob, a.id, { range: 'bytes=99999999999999999999-' });
    expect(far.statusCode).toBe(416);
    const huge = await download(bob, a.id, { range: 'bytes=9990-99999999999999999999' });
    expect([huge.statusCode, huge.headers['content-range']]).toEqual([206, 'bytes 9990-9999/10000']);
    expect(
      (await download(bob, a.id, { range: 'bytes=-99999999999999999999' })).rawPayload.equals(bytes),
    ).toBe(true);
    const multi = await download(bob, a.id, { range: 'bytes=0-1,5-6' });
    expect(multi.statusCode).toBe(200);
    expect(multi.rawPayload.equals(bytes)).toBe(true);
    // RFC 9110 § 14.1.1: a last-pos below its first-pos is an invalid range, and the header is ignored.
    const backwards = await download(bob, a.id, { range: 'bytes=5-2' });
    expect(backwards.statusCode).toBe(200);
    expect(backwards.rawPayload.equals(bytes)).toBe(true);
    const cached = await download(bob, a.id, { 'if-none-match': `"${a.id}"` });
    expect(cached.statusCode).toBe(304);
    expect((await download(carol, a.id, { 'if-none-match': `"${a.id}"` })).statusCode).toBe(403);
  });

  it('[attachments limits] uploads racing the quota never pass it together; a racing repeat is the first upload', async () => {
    await t.rebuild({ UPLOAD_MAX_BYTES: '1000', UPLOAD_QUOTA_BYTES: '2500' }, { now: () => clock });
    try {
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) => upload(alice, randomBytes(600), 'f.bin', `c${i}`)),
      );
      // 4 × 600 fit in 2500; the others are 413 (quota), and nothing of theirs is kept.
      expect(results.filter((r) => r.statusCode === 201)).toHaveLength(4);
      for (const r of results.filter((r) => r.statusCode !== 201)) {
        expect(r.statusCode, r.body).toBe(413);
        expect(r.json().error.message).toContain('quota');
      }
      expect((await blobFiles()).length).toBe(4);
      // 100 bytes left: the same upload sent twice at once is stored once, and both get it.
      const twice = await Promise.all([0, 1].map(() => upload(alice, randomBytes(100), 'g.bin', 'last')));
      expect(twice.map((r) => r.statusCode).sort()).toEqual([200, 201]);
      const [a, b] = twice.map((r) => UploadResponseSchema.parse(r.json()).attachment);
      expect(a!.id).toBe(b!.id);
      expect((await blobFiles()).length).toBe(5);
    } finally {
      await t.rebuild({}, { now: () => clock });
    }
  });

  it('[attachments limits] size, quota: 413 with a plain reason, nothing stored', async () => {
    await t.rebuild({ UPLOAD_MAX_BYTES: '1000', UPLOAD_QUOTA_BYTES: '2500' }, { now: () => clock });
    try {
      const big = await upload(alice, randomBytes(1001));
      expect(big.statusCode).toBe(413);
      expect(big.json().error).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
      expect(big.json().error.message).toContain('larger than');
      await uploaded(alice, randomBytes(1000));
      await uploaded(alice, randomBytes(1000));
      const over = await upload(alice, randomBytes(600));
      expect(over.statusCode).toBe(413);
      expect(over.json().error.message).toContain('quota');
      await uploaded(alice, randomBytes(500));
      expect((await upload(alice, randomBytes(1))).json().error.message).toContain('quota');
      expect((await blobFiles()).length).toBe(3);
      // Not a raw body: 415, as for any non-JSON body.
      const form = await t.app.inject({
        method: 'POST',
        url: `/api/uploads?clientId=x&name=a`,
        headers: { ...bob.headers, 'content-type': 'multipart/form-data; boundary=x' },
        payload: '--x--',
      });
      expect(form.statusCode).toBe(415);
      // JSON, keys and all, is not the file either: 415 here, not the 400 of a route without a body.
      const json = await t.app.inject({
        method: 'POST',
        url: `/api/uploads?clientId=y&name=a`,
        headers: { ...bob.headers, 'content-type': 'application/json' },
        payload: '{"data":"aGk="}',
      });
      expect(json.statusCode).toBe(415);
      const noName = await t.app.inject({
        method: 'POST',
        url: '/api/uploads?clientId=x',
        headers: { ...bob.headers, 'content-type': 'application/octet-stream' },
        payload: Buffer.from('x'),
      });
      expect(noName.statusCode).toBe(400);
    } finally {
      await t.rebuild({}, { now: () => clock });
    }
  });

  it('[attachments delete] deleting the message deletes its files', async () => {
    const a = await uploaded(alice, await png(20, 20));
    const b = await uploaded(alice, randomBytes(100));
    const message = (await send(alice, [a.id, b.id], 'two files')).json().message;
    const keep = await uploaded(alice, randomBytes(100));
    await send(alice, [keep.id], 'kept');
    expect((await blobFiles()).length).toBe(4);
    expect((await http.del(alice, `/api/chats/${chatId}/messages/${message.id}`)).statusCode).toBe(204);
    expect(await blobFiles()).toEqual([keep.id]);
    expect((await download(bob, a.id)).statusCode).toBe(404);
    const page = (await http.get(bob, `/api/chats/${chatId}/messages`)).json();
    expect(page.messages.find((m: { id: string }) => m.id === message.id).attachments).toEqual([]);
  });

  it('[attachments delete] with the S3 store unreachable as the message is deleted, the next sweep deletes its files', async () => {
    const s3 = await startLocalS3();
    const proxy = await startTcpProxy(Number(new URL(s3.options.endpoint).port));
    const direct = createS3BlobStore(s3.options);
    await t.rebuild(
      {},
      {
        now: () => clock,
        blobs: createS3BlobStore({ ...s3.options, endpoint: `http://127.0.0.1:${proxy.port}` }),
      },
    );
    try {
      const a = await uploaded(alice, await png(20, 20));
      const message = (await send(alice, [a.id], 'a photo')).json().message;
      expect(await direct.exists(`att/${a.id}`)).toBe(true);
      await proxy.set('down');
      expect((await http.del(alice, `/api/chats/${chatId}/messages/${message.id}`)).statusCode).toBe(204);
      expect((await download(bob, a.id)).statusCode).toBe(404);
      await proxy.set('pass');
      await t.app.sweepUploads();
      expect(await direct.exists(`att/${a.id}`)).toBe(false);
      expect(await direct.exists(`att/${a.id}.thumb`)).toBe(false);
    } finally {
      await t.rebuild({}, { now: () => clock });
      await direct.close();
      await proxy.close();
      await s3.stop();
    }
  });

  it('[attachments delete] deleting a chat deletes its files at the next sweep, whatever their age', async () => {
    const group = (await http.post(alice, '/api/chats', { title: 'Doomed', members: ['bob'] })).json().chat
      .id;
    const a = await uploaded(alice, randomBytes(100));
    expect((await send(alice, [a.id], 'in the doomed chat', randomUUID(), group)).statusCode).toBe(201);
    const keep = await uploaded(alice, randomBytes(100));
    await send(alice, [keep.id], 'kept');
    expect((await http.del(alice, `/api/chats/${group}`)).statusCode).toBe(204);
    expect(await t.app.sweepUploads()).toBe(1);
    expect(await blobFiles()).toEqual([keep.id]);
    expect((await download(alice, a.id)).statusCode).toBe(404);
  });

  it('[attachments orphans] uploads never sent are swept once older than the TTL; sent ones stay', async () => {
    const orphan = await uploaded(alice, randomBytes(100));
    const sent = await uploaded(alice, randomBytes(100));
    await send(alice, [sent.id]);
    expect(await t.app.sweepUploads()).toBe(0);
    clock = new Date(clock.getTime() + 25 * 3600_000);
    expect(await t.app.sweepUploads()).toBe(1);
    expect(await blobFiles()).toEqual([sent.id]);
    expect((await download(alice, orphan.id)).statusCode).toBe(404);
    expect((await download(bob, sent.id)).statusCode).toBe(200);
  });
});
