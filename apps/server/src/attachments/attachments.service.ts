import { randomUUID } from 'node:crypto';
import { PassThrough, type Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import type { Attachment } from '@chatsockets/protocol';
import { fileTypeFromBuffer } from 'file-type';
import sharp from 'sharp';
import type { Actor } from '../auth/auth.service.js';
import { type BlobRead, type BlobStore, BlobTooLargeError, type ByteRange } from '../blobs/blob-store.js';
import { loadAccess, rules } from '../chats/access.js';
import type { ChatsRepo } from '../chats/chats.repo.js';
import type { Tx } from '../db/chat-rev.js';
import { isId } from '../db/ids.js';
import { AppError, badRequest, forbidden, isUniqueViolation, notFound } from '../errors.js';
import type { AttachmentRow, AttachmentsRepo, BlobKeys, NewAttachment } from './attachments.repo.js';

export interface UploadLimits {
  maxBytes: number;
  perMessage: number;
  /** 0: no quota. */
  quotaBytes: number;
  orphanTtlMs: number;
}

/** Raster types a browser shows as images and that cannot run script: the only ones served inline. */
const INLINE_IMAGES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);
const THUMB_SIZE = 320;
// A decompression bomb (a small file that decodes to gigapixels) is refused by sharp past this.
const MAX_INPUT_PIXELS = 100_000_000;

const tooLarge = (message: string) => new AppError('PAYLOAD_TOO_LARGE', message);
const mib = (bytes: number) => `${Math.round((bytes / 1024 / 1024) * 10) / 10} MiB`;

/** A name safe to show and to put in a header: no path, no control characters. */
export function cleanFileName(name: string): string {
  const base = name.split(/[/\\]/).pop() ?? '';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
  const clean = base.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, '').trim();
  return clean.length > 0 ? clean : 'file';
}

export const toAttachment = (row: AttachmentRow): Attachment => ({
  id: row.id,
  name: row.name,
  size: row.size,
  mime: row.mime,
  kind: row.kind,
  width: row.width,
  height: row.height,
  thumbnail: row.thumbKey !== null,
});

export interface Download {
  row: AttachmentRow;
  /** Served with `Content-Disposition: inline` and its own type: raster images only. */
  inline: boolean;
  contentType: string;
  /** The name it is saved under: a thumbnail's is the file's with `.webp` for its extension. */
  name: string;
  /** Its validator: the file's and its thumbnail's differ (two representations). */
  etag: string;
  /** Ranges are served for the file itself (its size is in the row), not for a thumbnail. */
  rangeable: boolean;
  /** The bytes, all or a range; undefined if they vanished meanwhile (deleted). */
  read(range?: ByteRange): Promise<BlobRead | undefined>;
}

export function createAttachmentsService(deps: {
  attachments: AttachmentsRepo;
  chats: ChatsRepo;
  blobs: BlobStore;
  limits: UploadLimits;
  now?: () => Date;
  log?: { warn(obj: object, msg: string): void };
}) {
  const { attachments, chats, blobs, limits } = deps;
  const now = deps.now ?? (() => new Date());

  async function deleteBlobs(rows: BlobKeys[]) {
    for (const row of rows) {
      for (const key of [row.blobKey, row.thumbKey]) {
        if (!key) continue;
        try {
          await blobs.delete(key);
        } catch (err) {
          deps.log?.warn({ err: { message: (err as Error).message }, key }, 'blob delete failed');
        }
      }
    }
  }

  /**
   * Files of deleted messages: their blobs first, then the rows of those whose blobs went. A
   * store that is unreachable leaves the row, so the next sweep tries again; deleting the rows
   * first had left such blobs in the store for good, out of every sweep's sight.
   */
  async function removeWithBlobs(rows: BlobKeys[]): Promise<number> {
    const gone: string[] = [];
    for (const row of rows) {
      try {
        await blobs.delete(row.blobKey);
        if (row.thumbKey) await blobs.delete(row.thumbKey);
        gone.push(row.id);
      } catch (err) {
        deps.log?.warn({ err: { message: (err as Error).message }, id: row.id }, 'blob delete failed');
      }
    }
    await attachments.deleteByIds(gone);
    return gone.length;
  }

  /** Dimensions and a thumbnail, or undefined when sharp cannot read it as an image. */
  async function imageOf(key: string, thumbKey: string) {
    try {
      const source = await blobs.get(key);
      if (!source) return undefined;
      const meta = await source.body.pipe(sharp({ limitInputPixels: MAX_INPUT_PIXELS })).metadata();
      const oriented = (meta as { autoOrient?: { width: number; height: number } }).autoOrient;
      const width = oriented?.width ?? meta.width;
      const height = oriented?.height ?? meta.height;
      if (!width || !height) return undefined;
      const again = await blobs.get(key);
      if (!again) return undefined;
      const thumb = again.body.pipe(
        sharp({ limitInputPixels: MAX_INPUT_PIXELS })
          .rotate()
          .resize(THUMB_SIZE, THUMB_SIZE, { fit: 'inside', withoutEnlargement: true })
          .webp({ quality: 75 }),
      );
      await blobs.put(thumbKey, thumb, { contentType: 'image/webp' });
      return { width, height };
    } catch {
      await blobs.delete(thumbKey).catch(() => {});
      return undefined;
    }
  }

  return {
    /**
     * Streams the body into the blob store (never whole in memory), then sniffs its type from
     * its first bytes and, for raster images, stores a thumbnail. Idempotent by clientId.
     */
    async upload(
      actor: Actor,
      input: { clientId: string; name: string },
      body: Readable,
    ): Promise<{ attachment: Attachment; created: boolean }> {
      const uploaderId = actor.user.id;
      const existing = await attachments.findByClientId(uploaderId, input.clientId);
      if (existing) {
        body.resume();
        return { attachment: toAttachment(existing), created: false };
      }
      let maxBytes = limits.maxBytes;
      let quotaLeft = Number.POSITIVE_INFINITY;
      if (limits.quotaBytes > 0) {
        quotaLeft = limits.quotaBytes - (await attachments.usedBytes(uploaderId));
        if (quotaLeft <= 0) {
          body.resume();
          throw tooLarge(
            `Your storage quota (${mib(limits.quotaBytes)}) is used up; delete some files first`,
          );
        }
        maxBytes = Math.min(maxBytes, quotaLeft);
      }
      const id = randomUUID();
      const key = `att/${id}`;
      let size: number;
      try {
        // Piped, not handed over: a refused stream (too large) must not destroy the request, or
        // the client gets a reset connection instead of the 413 (and Node 24's inject never ends).
        const input = new PassThrough();
        body.once('error', (err) => input.destroy(err)); // a dropped upload still ends the put
        ({ size } = await blobs.put(key, body.pipe(input), { maxBytes }));
      } catch (err) {
        if (err instanceof BlobTooLargeError) {
          body.resume();
          throw maxBytes < limits.maxBytes
            ? tooLarge(`The file does not fit in your storage quota (${mib(quotaLeft)} left)`)
            : tooLarge(`The file is larger than ${mib(limits.maxBytes)}`);
        }
        throw err;
      }
      try {
        const head = await blobs.get(key, size > 0 ? { start: 0, end: 4099 } : undefined);
        const sniffed = head && size > 0 ? await fileTypeFromBuffer(await buffer(head.body)) : undefined;
        const mime = sniffed?.mime ?? 'application/octet-stream';
        const image = INLINE_IMAGES.has(mime) ? await imageOf(key, `att/${id}.thumb`) : undefined;
        const values: NewAttachment = {
          id,
          uploaderId,
          clientId: input.clientId,
          name: cleanFileName(input.name),
          size,
          mime,
          kind: image ? 'image' : 'file',
          width: image?.width ?? null,
          height: image?.height ?? null,
          blobKey: key,
          thumbKey: image ? `att/${id}.thumb` : null,
          createdAt: now(),
        };
        // The quota is checked again as the row goes in: the check above let every upload
        // that raced it through, each measured without the others.
        const row =
          limits.quotaBytes > 0
            ? await attachments.insertWithinQuota(values, limits.quotaBytes)
            : await attachments.insert(values);
        if (!row) throw tooLarge(`The file does not fit in your storage quota (${mib(limits.quotaBytes)})`);
        return { attachment: toAttachment(row), created: true };
      } catch (err) {
        await deleteBlobs([{ id, blobKey: key, thumbKey: `att/${id}.thumb` }]);
        // The same upload retried concurrently: the first one to commit is the upload (the
        // repeat may also find the quota full of it).
        if (
          isUniqueViolation(err, 'attachments_uploader_client_key') ||
          (err instanceof AppError && err.code === 'PAYLOAD_TOO_LARGE')
        ) {
          const first = await attachments.findByClientId(uploaderId, input.clientId);
          if (first) return { attachment: toAttachment(first), created: false };
        }
        throw err;
      }
    },

    /**
     * Claims the actor's uploads for the send (chatId, clientId) in the transaction that stores
     * it, so the message is inserted with them (`send_messages()`, drizzle/0016). 400 when one is
     * unknown, someone else's, or already on another message.
     */
    async claim(tx: Tx, authorId: string, chatId: string, clientId: string, ids: string[]): Promise<void> {
      const unique = [...new Set(ids)];
      if (unique.length > limits.perMessage) {
        throw badRequest(`At most ${limits.perMessage} attachments per message`, [
          { path: 'attachmentIds', message: `at most ${limits.perMessage}` },
        ]);
      }
      const unavailable = () =>
        badRequest('An attachment is unknown, not yours, or already on another message', [
          { path: 'attachmentIds', message: 'must be your own uploads, not yet sent' },
        ]);
      if (!unique.every(isId)) throw unavailable();
      const claimed = await attachments.claim(tx, authorId, chatId, clientId, unique);
      if (claimed !== unique.length) throw unavailable();
    },

    /** After a message's delete committed: its attachments' blobs, then their rows. */
    async removeForMessage(authorId: string, chatId: string, clientId: string): Promise<void> {
      await removeWithBlobs(await attachments.forMessage(authorId, chatId, clientId));
    },

    /**
     * An attachment's bytes (or its thumbnail) for a reader of its message's chat, checked on
     * every call; an upload not yet sent is its uploader's alone. Others get 404 for what they
     * cannot know exists, 403 for a chat they may not read.
     */
    async open(actor: Actor, id: string, which: 'file' | 'thumbnail'): Promise<Download> {
      if (!isId(id)) throw notFound('Attachment');
      const found = await attachments.findWithMessage(id);
      if (!found) throw notFound('Attachment');
      const { attachment: row, message } = found;
      if (message) {
        if (message.deletedAt) throw notFound('Attachment');
        const access = await loadAccess(chats, row.chatId ?? '', actor.user.id);
        if (!rules.read(access)) throw forbidden('Not allowed to read this chat');
      } else if (row.uploaderId !== actor.user.id || (row.chatId === null && row.messageClientId !== null)) {
        // Unsent: its uploader's alone. A deleted chat's file (claimed, its chat gone) is nobody's.
        throw notFound('Attachment');
      }
      const key = which === 'thumbnail' ? row.thumbKey : row.blobKey;
      if (!key) throw notFound('Thumbnail');
      // Only what sharp decoded is an image (kind): a file that merely starts like one (cut
      // short, or a decompression bomb sharp refused) goes out as a download, never handed to
      // the browser to decode.
      const inline = which === 'thumbnail' || (row.kind === 'image' && INLINE_IMAGES.has(row.mime));
      const thumbnail = which === 'thumbnail';
      return {
        row,
        name: thumbnail ? `${row.name.replace(/\.[^.]*$/, '') || row.name}.webp` : row.name,
        etag: thumbnail ? `"${row.id}.thumb"` : `"${row.id}"`,
        read: (range) => blobs.get(key, range),
        rangeable: which === 'file',
        inline,
        contentType: which === 'thumbnail' ? 'image/webp' : inline ? row.mime : 'application/octet-stream',
      };
    },

    /** Deletes uploads nobody sent within the TTL, and files of deleted messages a crash left. */
    async sweep(): Promise<number> {
      const unsent = await attachments.deleteUnsent(new Date(now().getTime() - limits.orphanTtlMs));
      await deleteBlobs(unsent);
      return unsent.length + (await removeWithBlobs(await attachments.ofDeletedMessages()));
    },
  };
}

export type AttachmentsService = ReturnType<typeof createAttachmentsService>;
