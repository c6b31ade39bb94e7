import type { Socket } from 'node:net';
import { ERROR_STATUS, type ErrorBody, type ErrorDetail } from '@chatsockets/protocol';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError } from '../errors.js';
import type { Metrics } from '../ops/metrics.js';
import { observeError } from '../ops/observe-error.js';

/** Fastify's own errors that are the client's fault, by code. */
const FASTIFY_CODES: Record<string, AppError> = {
  FST_ERR_CTP_BODY_TOO_LARGE: new AppError('PAYLOAD_TOO_LARGE', 'Request body is too large'),
  FST_ERR_CTP_INVALID_MEDIA_TYPE: new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send JSON (application/json)'),
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: new AppError('BAD_REQUEST', 'Invalid Content-Length'),
  FST_ERR_CTP_EMPTY_JSON_BODY: new AppError('BAD_REQUEST', 'Body must not be empty JSON'),
  FST_ERR_CTP_INVALID_JSON_BODY: new AppError('BAD_REQUEST', 'Malformed JSON body'),
};

function toAppError(err: FastifyError): AppError | undefined {
  if (err instanceof AppError) return err;
  if (hasZodFastifySchemaValidationErrors(err)) {
    const details: ErrorDetail[] = err.validation.map((v) => ({
      // The whole body (no body at all) is instancePath "/": `body`, not `body.`.
      path: [err.validationContext ?? 'body', ...v.instancePath.split('/').filter(Boolean)].join('.'),
      message: v.message ?? 'invalid',
    }));
    return new AppError('BAD_REQUEST', 'Request does not match the schema', { details });
  }
  if (err.code && FASTIFY_CODES[err.code]) return FASTIFY_CODES[err.code];
  // JSON.parse failures and secure-json-parse's __proto__ rejection arrive as plain 400s.
  if (err.statusCode === 400) return new AppError('BAD_REQUEST', 'Malformed request');
  return undefined;
}

/**
 * Fastify answers a URL its router cannot take (a bad percent-encoding, a parameter over
 * `maxParamLength`) before any plugin runs, in its own shape; this is its `frameworkErrors`.
 */
export function frameworkErrors(err: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  // An id longer than any real one, or one that is not even valid percent-encoding (`%ff`),
  // names nothing, like a shorter unknown one (PROTOCOL.md › Ids: never a 400). A reaction's
  // emoji is no id: one that does not decode is not an emoji (400, as any other).
  const error =
    err.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? ({ code: 'NOT_FOUND', message: 'No such resource (an id is too long)' } as const)
      : err.code === 'FST_ERR_BAD_URL' && !undecodableAfter(request.url, 'reactions')
        ? ({
            code: 'NOT_FOUND',
            message: 'No such resource (the URL is not valid percent-encoding)',
          } as const)
        : ({ code: 'BAD_REQUEST', message: 'Malformed URL' } as const);
  const body: ErrorBody = { error };
  return reply.status(ERROR_STATUS[error.code]).send(body);
}

/** Whether the first path segment that does not decode comes right after the segment `name`. */
function undecodableAfter(url: string, name: string): boolean {
  const segments = (url.split('?')[0] ?? '').split('/');
  const i = segments.findIndex((s) => {
    try {
      decodeURIComponent(s);
      return false;
    } catch {
      return true;
    }
  });
  return i > 0 && segments[i - 1] === name;
}

/**
 * Node's HTTP parser rejects some requests (oversized headers, garbage request lines, a body
 * that did not arrive within requestTimeout) before Fastify sees them; this is Fastify's
 * `clientErrorHandler`, so those answers are in the protocol's shape too.
 */
export function clientErrorHandler(err: NodeJS.ErrnoException, socket: Socket) {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const message =
    err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? 'Request timed out: it did not arrive in full in time'
      : err.code === 'HPE_HEADER_OVERFLOW'
        ? 'Request headers are too large'
        : 'Malformed HTTP request';
  const body = JSON.stringify({ error: { code: 'BAD_REQUEST', message } } satisfies ErrorBody);
  // Only when no response has started on this socket: otherwise the bytes would land inside it.
  const started = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent;
  if (socket.writable && !started) {
    socket.write(
      `HTTP/1.1 ${ERROR_STATUS.BAD_REQUEST} Bad Request\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(err);
}

/** PROTOCOL.md › Errors: every HTTP error leaves as {error: {code, message, details?}}. */
export default fp(
  async function errorHandler(app: FastifyInstance, opts: { metrics: Metrics }) {
    app.setErrorHandler((err: FastifyError, request, reply) => {
      const known = toAppError(err);
      const info = observeError(opts.metrics, 'http', request.log, known ?? err);
      if (known?.retryAfter) void reply.header('retry-after', String(known.retryAfter));
      const body: ErrorBody = { error: info };
      return reply.status(ERROR_STATUS[info.code]).send(body);
    });

    app.setNotFoundHandler((request, reply) => {
      const missing = new AppError('NOT_FOUND', `No route ${request.method} ${request.url.split('?')[0]}`);
      const body: ErrorBody = { error: observeError(opts.metrics, 'http', request.log, missing) };
      return reply.status(404).send(body);
    });
  },
  { name: 'error-handler' },
);
