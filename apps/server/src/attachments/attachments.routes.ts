import type { Readable } from 'node:stream';
import {
  AttachmentParamsSchema,
  ErrorBodySchema,
  UploadQuerySchema,
  UploadResponseSchema,
} from '@chatsockets/protocol';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { actorOf } from '../auth/auth.plugin.js';
import { BlobRangeError, type BlobRead, type ByteRange } from '../blobs/blob-store.js';
import { AppError, notFound } from '../errors.js';
import type { AttachmentsService, Download } from './attachments.service.js';

const errors = {
  400: ErrorBodySchema,
  401: ErrorBodySchema,
  403: ErrorBodySchema,
  404: ErrorBodySchema,
  413: ErrorBodySchema,
  415: ErrorBodySchema,
};

/**
 * `bytes=a-b`, `bytes=a-`, `bytes=-n`; anything else (several ranges, other units, `b` below
 * `a`, which RFC 9110 § 14.1.1 calls invalid and says to ignore) is ignored: 200 whole.
 */
export function parseRange(header: string | undefined, size: number): ByteRange | undefined {
  const m = header?.match(/^bytes=(\d*)-(\d*)$/);
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  // Any number of digits is a valid position (RFC 9110): one past every file is past this one's
  // end (416 for a start), not a malformed header (ignored, 200 whole).
  const position = (digits: string) => Math.min(Number(digits), Number.MAX_SAFE_INTEGER);
  if (m[1] === '') return { start: Math.max(0, size - position(m[2]!)), end: size - 1 };
  const start = position(m[1]!);
  const end = m[2] === '' ? undefined : position(m[2]!);
  return end !== undefined && end < start ? undefined : { start, end };
}

/**
 * RFC 6266: an ASCII fallback and the exact name in UTF-8, percent-encoded as RFC 8187 asks:
 * its attr-char has no ' ( ) *, which encodeURIComponent leaves as they are.
 */
function disposition(kind: 'inline' | 'attachment', name: string) {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  const exact = encodeURIComponent(name).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${exact}`;
}

export default async function attachmentsRoutes(
  base: FastifyInstance,
  opts: { attachments: AttachmentsService; maxBytes: number },
) {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const { attachments } = opts;
  app.addHook('preHandler', app.authenticate);
  // The upload's body is handed over as the raw stream: never buffered, never parsed. Only
  // this type, which a cross-site form cannot send.
  app.addContentTypeParser('application/octet-stream', (_request, payload, done) => done(null, payload));
  const tags = ['attachments'];

  app.post(
    '/api/uploads',
    {
      // The handler runs as long as the body streams in (bounded by HTTP_REQUEST_TIMEOUT_MS).
      config: { streamsBody: true },
      schema: {
        operationId: 'upload',
        summary: 'Upload a file (raw bytes; idempotent by clientId)',
        tags,
        querystring: UploadQuerySchema,
        response: { 200: UploadResponseSchema, 201: UploadResponseSchema, ...errors },
      },
    },
    async (request, reply) => {
      const length = Number(request.headers['content-length'] ?? Number.NaN);
      if (Number.isFinite(length) && length > opts.maxBytes) {
        (request.body as Readable | undefined)?.resume();
        throw new AppError(
          'PAYLOAD_TOO_LARGE',
          `The file is larger than ${Math.round(opts.maxBytes / 1048576)} MiB`,
        );
      }
      const body = request.body as Readable | undefined;
      if (!body || typeof (body as Readable).pipe !== 'function') {
        throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send the file as application/octet-stream');
      }
      const { attachment, created } = await attachments.upload(actorOf(request), request.query, body);
      return reply.status(created ? 201 : 200).send({ attachment });
    },
  );

  async function serve(
    reply: FastifyReply,
    headers: { range?: string; 'if-none-match'?: string },
    download: Download,
  ) {
    const { row, inline, contentType, name, etag } = download;
    if (headers['if-none-match'] === etag) return reply.status(304).header('etag', etag).send();
    let read: BlobRead | undefined;
    let range: ByteRange | undefined;
    try {
      range = download.rangeable ? parseRange(headers.range, row.size) : undefined;
      read = await download.read(range);
    } catch (err) {
      if (err instanceof BlobRangeError) {
        reply.header('content-range', `bytes */${err.size}`);
        return reply
          .status(416)
          .send({ error: { code: 'RANGE_NOT_SATISFIABLE', message: 'Range not satisfiable' } });
      }
      throw err;
    }
    if (!read) throw notFound('Attachment');
    reply
      .header('content-type', contentType)
      .header('content-disposition', disposition(inline ? 'inline' : 'attachment', name))
      .header('x-content-type-options', 'nosniff')
      // Even if a browser were talked into rendering it, it runs nothing and loads nothing.
      .header('content-security-policy', "default-src 'none'; sandbox")
      .header('cross-origin-resource-policy', 'same-origin')
      // Access is checked on every request: a browser revalidates before reusing a copy.
      .header('cache-control', 'private, no-cache')
      .header('etag', etag)
      .header('accept-ranges', 'bytes')
      .header('content-length', String(read.size === 0 ? 0 : read.end - read.start + 1));
    if (range) reply.status(206).header('content-range', `bytes ${read.start}-${read.end}/${read.size}`);
    return reply.send(read.body);
  }

  app.get(
    '/api/attachments/:attachmentId',
    {
      schema: {
        operationId: 'downloadAttachment',
        summary: "An attachment's bytes (range requests supported)",
        tags,
        params: AttachmentParamsSchema,
        response: errors,
      },
    },
    async (request, reply) =>
      serve(
        reply,
        request.headers,
        await attachments.open(actorOf(request), request.params.attachmentId, 'file'),
      ),
  );

  app.get(
    '/api/attachments/:attachmentId/thumbnail',
    {
      schema: {
        operationId: 'attachmentThumbnail',
        summary: "An image attachment's thumbnail (WebP)",
        tags,
        params: AttachmentParamsSchema,
        response: errors,
      },
    },
    async (request, reply) =>
      serve(
        reply,
        request.headers,
        await attachments.open(actorOf(request), request.params.attachmentId, 'thumbnail'),
      ),
  );
}
