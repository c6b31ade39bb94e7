import type { Config } from '../config.js';
import type { BlobStore } from './blob-store.js';
import { createFsBlobStore } from './fs-blob-store.js';
import { createS3BlobStore } from './s3-blob-store.js';

/** The store the configuration names (BLOB_STORE): the filesystem by default, or S3. */
export async function openBlobStore(config: Config['blobs']): Promise<BlobStore> {
  if (config.kind === 'fs') return createFsBlobStore(config.dir);
  const { kind: _, ...s3 } = config;
  return createS3BlobStore(s3);
}
