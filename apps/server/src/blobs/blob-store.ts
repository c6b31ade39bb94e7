import type { Readable } from 'node:stream';

/**
 * Where file bytes live (attachments, thumbnails, avatars): one port, two adapters
 * (`fs-blob-store.ts`, the zero-setup default; `s3-blob-store.ts`, for several instances), both
 * held to one contract (`test/contracts/blob-store.contract.ts`). Bytes go in and out as
 * streams so no object ever sits whole in memory; metadata (names, owners, types) belongs to
 * the database, not here.
 */
export interface BlobStore {
  /**
   * Stores the stream under `key`, replacing what was there; resolves once the bytes are
   * durable and readable by any instance. A failed or aborted source leaves nothing behind
   * (no partial object under `key`, the previous one, if any, intact).
   */
  put(key: string, body: Readable, opts?: PutOptions): Promise<BlobHead>;
  /**
   * The object's bytes, all or `range` (inclusive, like HTTP's `bytes=start-end`; `end` past
   * the last byte is clamped); `undefined` when there is no such object. A `start` at or past
   * the size throws `BlobRangeError`.
   */
  get(key: string, range?: ByteRange): Promise<BlobRead | undefined>;
  head(key: string): Promise<BlobHead | undefined>;
  exists(key: string): Promise<boolean>;
  /** Idempotent: deleting what is not there is not an error. */
  delete(key: string): Promise<void>;
  close(): Promise<void>;
}

export interface PutOptions {
  /** Stored with the object (S3 serves it); the database's type is still the one that counts. */
  contentType?: string;
  /** Refuse (BlobTooLargeError, nothing stored) once the stream passes this many bytes. */
  maxBytes?: number;
}

export interface BlobHead {
  size: number;
}

export interface ByteRange {
  start: number;
  /** Inclusive; absent: to the end. */
  end?: number;
}

export interface BlobRead {
  body: Readable;
  /** The whole object's size. */
  size: number;
  /** The bytes `body` carries: [start, end], inclusive. */
  start: number;
  end: number;
}

export class BlobRangeError extends Error {
  constructor(readonly size: number) {
    super(`range not satisfiable (size ${size})`);
    this.name = 'BlobRangeError';
  }
}

export class BlobTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`blob exceeds ${maxBytes} bytes`);
    this.name = 'BlobTooLargeError';
  }
}

export class BlobKeyError extends Error {
  constructor(key: string) {
    super(`invalid blob key: ${JSON.stringify(key.slice(0, 80))}`);
    this.name = 'BlobKeyError';
  }
}

// Segments of [A-Za-z0-9._-] joined by '/', none of them '.' or '..', so a key can never name
// a path outside the store's root (filesystem) or collide after normalisation (S3).
const SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$/;

/** Throws BlobKeyError unless `key` is safe for every adapter. */
export function assertBlobKey(key: string): void {
  if (typeof key !== 'string' || key.length === 0 || key.length > 512) throw new BlobKeyError(String(key));
  for (const segment of key.split('/')) {
    if (!SEGMENT.test(segment) || segment === '.' || segment === '..') throw new BlobKeyError(key);
  }
}

/** Validates a range against a size and resolves its inclusive end. */
export function resolveRange(size: number, range?: ByteRange): { start: number; end: number } {
  // An empty object read whole is [0, -1]: no bytes.
  if (!range) return { start: 0, end: size - 1 };
  const { start } = range;
  if (!Number.isSafeInteger(start) || start < 0 || (range.end !== undefined && range.end < start)) {
    throw new BlobRangeError(size);
  }
  if (start >= size) throw new BlobRangeError(size);
  const end = Math.min(range.end ?? size - 1, size - 1);
  return { start, end };
}
