import { z } from 'zod';
import { LIMITS } from './limits.js';

/**
 * Ids are opaque (PROTOCOL.md › Identity and transport): any non-empty string. No length or
 * format is assumed, so an id that names nothing is the server's 404, never a schema 400.
 */
export const IdSchema = z.string().min(1);
export const IsoDateSchema = z.iso.datetime({ offset: true });

export const UsernameSchema = z
  .string()
  .min(LIMITS.usernameMin)
  .max(LIMITS.usernameMax)
  .regex(/^[a-zA-Z0-9_.-]+$/, 'may contain only letters, digits, "_", "." and "-"');

export const PasswordSchema = z.string().min(LIMITS.passwordMin).max(LIMITS.passwordMax);

/**
 * 1–4000 characters after trimming; stored verbatim (the trim only measures).
 * Length is counted in UTF-16 code units, as JavaScript's `length` does. Padding is bounded only
 * by the request/frame size limits (64 KiB), never by the schema.
 */
export const MessageBodySchema = z
  .string()
  .refine((s) => s.trim().length >= LIMITS.bodyMin, 'must not be empty')
  .refine((s) => s.trim().length <= LIMITS.bodyMax, `must be at most ${LIMITS.bodyMax} characters`);

export const ChatTitleSchema = z.string().trim().min(LIMITS.titleMin).max(LIMITS.titleMax);

/** A client-chosen idempotency key; a UUID is recommended, any short token is accepted. */
export const ClientIdSchema = z
  .string()
  .min(1)
  .max(LIMITS.clientIdMax)
  .regex(/^[A-Za-z0-9_-]+$/, 'may contain only letters, digits, "_" and "-"');

export const SeqSchema = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/** A seq carried in a query string: digits only, so "-1", "1.5" and "abc" are 400s. */
export const SeqQuerySchema = z
  .string()
  .regex(/^\d{1,15}$/, 'must be a non-negative integer')
  .transform(Number);
