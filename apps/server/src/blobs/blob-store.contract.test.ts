import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { blobStoreContract } from '../../test/contracts/blob-store.contract.js';
import { startLocalS3 } from '../../test/local-s3.js';
import { createFsBlobStore } from './fs-blob-store.js';
import { createS3BlobStore } from './s3-blob-store.js';

blobStoreContract('filesystem', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'blobs-'));
  return { store: await createFsBlobStore(dir), cleanup: () => rm(dir, { recursive: true, force: true }) };
});

blobStoreContract('s3 (local S3-compatible server)', async () => {
  const s3 = await startLocalS3();
  return {
    store: createS3BlobStore({ ...s3.options, prefix: 'deployment-a/', partSize: 5 * 1024 * 1024 }),
    cleanup: s3.stop,
  };
});

describe('[blob] filesystem specifics', () => {
  it('[blob fs] temp files of a crashed put are removed at start once stale, and a failed put leaves none', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'blobs-'));
    try {
      const store = await createFsBlobStore(dir);
      const { Readable } = await import('node:stream');
      const failing = new Readable({
        read() {
          this.destroy(new Error('boom'));
        },
      });
      await expect(store.put('a/b', failing)).rejects.toThrow('boom');
      expect(await readdir(join(dir, '.tmp'))).toEqual([]);
      const { utimes, writeFile } = await import('node:fs/promises');
      await writeFile(join(dir, '.tmp', 'left-by-a-crash.part'), 'x');
      await writeFile(join(dir, '.tmp', 'in-flight-elsewhere.part'), 'x');
      const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
      await utimes(join(dir, '.tmp', 'left-by-a-crash.part'), twoHoursAgo, twoHoursAgo);
      await createFsBlobStore(dir);
      expect(await readdir(join(dir, '.tmp'))).toEqual(['in-flight-elsewhere.part']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
