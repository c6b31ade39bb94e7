import type { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import {
  assertBlobKey,
  type BlobHead,
  type BlobRead,
  type BlobStore,
  type ByteRange,
  type PutOptions,
  resolveRange,
} from './blob-store.js';
import { byteCounter } from './fs-blob-store.js';

export interface S3BlobStoreOptions {
  bucket: string;
  region: string;
  /** An S3-compatible endpoint (MinIO, R2, a local server); absent: AWS. */
  endpoint?: string;
  /** Absent: the SDK's default chain (env, profile, instance role). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Most S3-compatible servers want path-style URLs (`endpoint/bucket/key`). */
  forcePathStyle?: boolean;
  /** Prepended to every key, so one bucket can hold several deployments. */
  prefix?: string;
  /**
   * Bytes held in memory per upload in flight: a put of unknown length goes up as a multipart
   * upload, `partSize` at a time, `queueSize` parts in parallel (SDK minimum part: 5 MiB).
   */
  partSize?: number;
  queueSize?: number;
}

const isNotFound = (err: unknown) => {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'NotFound' || e?.name === 'NoSuchKey' || e?.$metadata?.httpStatusCode === 404;
};

/**
 * Blobs in an S3-compatible bucket, for several instances sharing one store. A put streams
 * through the SDK's managed upload, so it holds at most `partSize × queueSize` bytes; an
 * aborted upload is aborted on the server too (nothing appears under the key, the old object,
 * if any, stays). Tested against a local S3-compatible server only (docs/SCALING.md).
 */
export function createS3BlobStore(opts: S3BlobStoreOptions): BlobStore {
  const clientConfig: S3ClientConfig = {
    region: opts.region,
    endpoint: opts.endpoint,
    forcePathStyle: opts.forcePathStyle,
    credentials: opts.credentials,
    // Checksums only where S3 demands them: S3-compatible servers differ on the newer
    // trailing-checksum uploads, and the SDK's default would buffer nothing less anyway.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  };
  const client = new S3Client(clientConfig);
  const prefix = opts.prefix ?? '';
  const Bucket = opts.bucket;
  const keyOf = (key: string) => {
    assertBlobKey(key);
    return prefix + key;
  };

  async function head(key: string): Promise<BlobHead | undefined> {
    try {
      const out = await client.send(new HeadObjectCommand({ Bucket, Key: keyOf(key) }));
      return { size: out.ContentLength ?? 0 };
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  return {
    async put(key: string, body: Readable, put: PutOptions = {}): Promise<BlobHead> {
      const Key = keyOf(key);
      const { counter, bytes } = byteCounter(put.maxBytes);
      // A failing source (or the size limit) must reach the upload as an error, so it aborts.
      body.on('error', (err) => counter.destroy(err));
      body.pipe(counter);
      const upload = new Upload({
        client,
        params: { Bucket, Key, Body: counter, ContentType: put.contentType },
        partSize: opts.partSize ?? 5 * 1024 * 1024,
        queueSize: opts.queueSize ?? 2,
        leavePartsOnError: false,
      });
      let failure: unknown;
      counter.on('error', (err) => {
        failure = err;
        void upload.abort().catch(() => {});
      });
      try {
        await upload.done();
      } catch (err) {
        throw failure ?? err;
      }
      if (failure) throw failure;
      return { size: bytes() };
    },
    async get(key: string, range?: ByteRange): Promise<BlobRead | undefined> {
      const h = await head(key);
      if (!h) return undefined;
      const { start, end } = resolveRange(h.size, range);
      try {
        const out = await client.send(
          new GetObjectCommand({
            Bucket,
            Key: keyOf(key),
            Range: range && h.size > 0 ? `bytes=${start}-${end}` : undefined,
          }),
        );
        return { body: out.Body as Readable, size: h.size, start, end };
      } catch (err) {
        // Deleted between the head and the get.
        if (isNotFound(err)) return undefined;
        throw err;
      }
    },
    head,
    async exists(key: string) {
      return (await head(key)) !== undefined;
    },
    async delete(key: string) {
      try {
        await client.send(new DeleteObjectCommand({ Bucket, Key: keyOf(key) }));
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    },
    async close() {
      client.destroy();
    },
  };
}
