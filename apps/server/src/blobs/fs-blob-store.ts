import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat, unlink } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  assertBlobKey,
  type BlobHead,
  type BlobRead,
  type BlobStore,
  BlobTooLargeError,
  type ByteRange,
  type PutOptions,
  resolveRange,
} from './blob-store.js';

/** Counts bytes and refuses past `maxBytes`: the one place a size limit is enforced on a stream. */
export function byteCounter(maxBytes = Number.POSITIVE_INFINITY) {
  let bytes = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      bytes += chunk.length;
      if (bytes > maxBytes) return done(new BlobTooLargeError(maxBytes));
      done(null, chunk);
    },
  });
  return { counter, bytes: () => bytes };
}

/** Parts an hour old belong to a put that died with its process; younger ones may be in flight. */
async function removeStaleParts(tmpDir: string, olderThanMs = 3600_000) {
  for (const name of await readdir(tmpDir)) {
    const path = join(tmpDir, name);
    const s = await stat(path).catch(() => undefined);
    if (s && Date.now() - s.mtimeMs > olderThanMs) await rm(path, { force: true });
  }
}

/**
 * Blobs as files under `root` (default: next to the PGlite directory). A put writes a temp
 * file in `root/.tmp`, fsyncs it and renames it into place, so a reader sees the old object or
 * the whole new one, never a half-written file, and a crash leaves only temp files (removed at
 * the next start once an hour old). Only one instance can use it: several instances need a shared store (S3).
 */
export async function createFsBlobStore(root: string): Promise<BlobStore> {
  const base = resolve(root);
  const tmpDir = join(base, '.tmp');
  await mkdir(tmpDir, { recursive: true });
  await removeStaleParts(tmpDir);

  const pathOf = (key: string) => {
    assertBlobKey(key);
    const path = resolve(base, key);
    // assertBlobKey already forbids '..'; this is the belt to its braces.
    if (!path.startsWith(base + sep)) throw new Error('blob key escapes the store');
    return path;
  };

  async function statOf(key: string) {
    try {
      const s = await stat(pathOf(key));
      return s.isFile() ? s : undefined;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  return {
    async put(key: string, body: Readable, opts: PutOptions = {}): Promise<BlobHead> {
      const path = pathOf(key);
      const tmp = join(tmpDir, `${randomBytes(12).toString('hex')}.part`);
      const handle = await open(tmp, 'wx');
      const { counter, bytes } = byteCounter(opts.maxBytes);
      try {
        // Written by hand rather than piped: the handle stays open for the fsync below.
        await pipeline(body, counter, async (chunks: AsyncIterable<Buffer>) => {
          for await (const chunk of chunks) await handle.write(chunk);
        });
        await handle.sync();
        await handle.close();
        await mkdir(dirname(path), { recursive: true });
        await rename(tmp, path);
        return { size: bytes() };
      } catch (err) {
        await handle.close().catch(() => {});
        await unlink(tmp).catch(() => {});
        throw err;
      }
    },
    async get(key: string, range?: ByteRange): Promise<BlobRead | undefined> {
      const s = await statOf(key);
      if (!s) return undefined;
      const { start, end } = resolveRange(s.size, range);
      const body = s.size === 0 ? Readable.from([]) : createReadStream(pathOf(key), { start, end });
      return { body, size: s.size, start, end };
    },
    async head(key: string) {
      const s = await statOf(key);
      return s ? { size: s.size } : undefined;
    },
    async exists(key: string) {
      return (await statOf(key)) !== undefined;
    },
    async delete(key: string) {
      await rm(pathOf(key), { force: true });
    },
    async close() {},
  };
}
