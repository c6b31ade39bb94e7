import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BlobKeyError,
  BlobRangeError,
  type BlobStore,
  BlobTooLargeError,
} from '../../src/blobs/blob-store.js';

export interface BlobHarness {
  store: BlobStore;
  cleanup(): Promise<void>;
}

/** A source that yields `bytes` and then fails, as a dropped upload does. */
function failingSource(bytes: Buffer) {
  return new Readable({
    read() {
      if (bytes.length) {
        this.push(bytes);
        bytes = Buffer.alloc(0);
      } else this.destroy(new Error('connection dropped'));
    },
  });
}

/** Generated in chunks, so the source itself never holds the whole thing. */
function generated(size: number, seed: number) {
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= size) return this.push(null);
      const n = Math.min(64 * 1024, size - sent);
      const chunk = Buffer.alloc(n);
      for (let i = 0; i < n; i++) chunk[i] = (sent + i + seed) % 251;
      sent += n;
      this.push(chunk);
    },
  });
}

const read = async (store: BlobStore, key: string, range?: { start: number; end?: number }) => {
  const got = await store.get(key, range);
  return got ? { ...got, bytes: await buffer(got.body) } : undefined;
};

/**
 * The contract every BlobStore adapter keeps (blobs/blob-store.ts), run once per adapter
 * (blobs/blob-store.contract.test.ts), so attachments and avatars work the same on either.
 */
export function blobStoreContract(name: string, makeHarness: () => Promise<BlobHarness | undefined>) {
  describe(`[blob contract] ${name}`, () => {
    let harness: BlobHarness | undefined;
    let store: BlobStore;
    beforeAll(async () => {
      harness = await makeHarness();
      if (harness) store = harness.store;
    });
    afterAll(async () => {
      await harness?.store.close();
      await harness?.cleanup();
    });
    const key = (what: string) => `t/${what}-${randomBytes(4).toString('hex')}`;

    it('[blob] what is put comes back byte for byte, with its size; head and exists agree', async (ctx) => {
      if (!harness) return ctx.skip();
      const k = key('roundtrip');
      const bytes = randomBytes(100_000);
      expect(await store.put(k, Readable.from([bytes]), { contentType: 'application/octet-stream' })).toEqual(
        {
          size: 100_000,
        },
      );
      const got = await read(store, k);
      expect(got?.size).toBe(100_000);
      expect(got?.bytes.equals(bytes)).toBe(true);
      expect(await store.head(k)).toEqual({ size: 100_000 });
      expect(await store.exists(k)).toBe(true);
    });

    it('[blob] a missing key: get and head are undefined, exists false, delete is not an error', async (ctx) => {
      if (!harness) return ctx.skip();
      const k = key('missing');
      expect(await store.get(k)).toBeUndefined();
      expect(await store.head(k)).toBeUndefined();
      expect(await store.exists(k)).toBe(false);
      await store.delete(k);
    });

    it('[blob] delete removes, and twice is fine', async (ctx) => {
      if (!harness) return ctx.skip();
      const k = key('del');
      await store.put(k, Readable.from([Buffer.from('x')]));
      await store.delete(k);
      await store.delete(k);
      expect(await store.exists(k)).toBe(false);
      expect(await store.get(k)).toBeUndefined();
    });

    it('[blob] an empty object is an object of size 0', async (ctx) => {
      if (!harness) return ctx.skip();
      const k = key('empty');
      expect(await store.put(k, Readable.from([]))).toEqual({ size: 0 });
      const got = await read(store, k);
      expect(got?.size).toBe(0);
      expect(got?.bytes.length).toBe(0);
    });

    it('[blob] a large stream (past one S3 part) goes in and out intact', async (ctx) => {
      if (!harness) return ctx.skip();
      const k = key('large');
      const size = 6 * 1024 * 1024 + 123;
      expect(await store.put(k, generated(size, 7))).toEqual({ size });
      const got = await read(store, k);
      expect(got?.bytes.equals(await buffer(generated(size, 7)))).toBe(true);
    });

    it('[blob] ranges: inclusive, clamped at the end, refused from past the end', async (ctx) => {
      if (!harness) return ctx.skip();
      const k = key('range');
      const bytes = Buffer.from('0123456789');
      await store.put(k, Readable.from([bytes]));
      const first = await read(store, k, { start: 0, end: 3 });
      expect(first).toMatchObject({ size: 10, start: 0, end: 3 });
      expect(first?.bytes.toString()).toBe('0123');
      const tail = await read(store, k, { start: 7 });
      expect(tail).toMatchObject({ start: 7, end: 9 });
      expect(tail?.bytes.toString()).toBe('789');
      const clamped = await read(store, k, { start: 8, end: 1000 });
      expect(clamped).toMatchObject({ start: 8, end: 9 });
      expect(clamped?.bytes.toString()).toBe('89');
      await expect(store.get(k, { start: 10 })).rejects.toBeInstanceOf(BlobRangeError);
      await expect(store.get(k, { start: 5, end: 2 })).rejects.toBeInstanceOf(BlobRangeError);
    });

    it('[blob] a put replaces the object under its key', async (ctx) => {
      if (!harness) return ctx.skip();
      const k = key('replace');
      await store.put(k, Readable.from([Buffer.from('first version')]));
      await store.put(k, Readable.from([Buffer.from('second')]));
      expect((await read(store, k))?.bytes.toString()).toBe('second');
    });

    it('[blob] a source that fails midway leaves nothing new, and an older object intact', async (ctx) => {
      if (!harness) return ctx.skip();
      const fresh = key('failed');
      await expect(store.put(fresh, failingSource(randomBytes(1000)))).rejects.toThrow('connection dropped');
      expect(await store.exists(fresh)).toBe(false);
      const old = key('failed-old');
      await store.put(old, Readable.from([Buffer.from('keep me')]));
      await expect(store.put(old, failingSource(randomBytes(1000)))).rejects.toThrow('connection dropped');
      expect((await read(store, old))?.bytes.toString()).toBe('keep me');
    });

    it('[blob] maxBytes refuses a stream past it and stores nothing', async (ctx) => {
      if (!harness) return ctx.skip();
      const k = key('max');
      await expect(store.put(k, generated(200_000, 1), { maxBytes: 100_000 })).rejects.toBeInstanceOf(
        BlobTooLargeError,
      );
      expect(await store.exists(k)).toBe(false);
      expect(await store.put(k, generated(100_000, 1), { maxBytes: 100_000 })).toEqual({ size: 100_000 });
    });

    it('[blob] keys that could escape or collide are refused on every operation', async (ctx) => {
      if (!harness) return ctx.skip();
      const bad = [
        '',
        '../x',
        'a/../../etc/passwd',
        '/abs',
        'a//b',
        '.',
        '..',
        'a/./b',
        'a\\b',
        'a\0b',
        'ä',
        'x/',
        `${'a'.repeat(129)}`,
        'a b',
      ];
      for (const k of bad) {
        await expect(store.put(k, Readable.from([Buffer.from('x')])), k).rejects.toBeInstanceOf(BlobKeyError);
        await expect(store.get(k), k).rejects.toBeInstanceOf(BlobKeyError);
        await expect(store.head(k), k).rejects.toBeInstanceOf(BlobKeyError);
        await expect(store.delete(k), k).rejects.toBeInstanceOf(BlobKeyError);
      }
      // Nested keys are fine, and a leading dot inside a name too.
      const nested = `${key('nested')}/deeper/file.v1_x-y`;
      await store.put(nested, Readable.from([Buffer.from('ok')]));
      expect(await store.exists(nested)).toBe(true);
    });

    it('[blob] concurrent puts of one key leave one whole version, never a mix', async (ctx) => {
      if (!harness) return ctx.skip();
      const a = Buffer.alloc(300_000, 'a');
      const b = Buffer.alloc(300_000, 'b');
      // Several rounds: a store that mixes does so in about half of them.
      for (let round = 0; round < 10; round++) {
        const k = key(`race-${round}`);
        await Promise.all([store.put(k, Readable.from([a])), store.put(k, Readable.from([b]))]);
        const got = (await read(store, k))?.bytes;
        expect(got?.equals(a) || got?.equals(b), `round ${round}`).toBe(true);
      }
    });
  });
}
