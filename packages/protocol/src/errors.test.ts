import { describe, expect, it } from 'vitest';
import { ERROR_STATUS, ErrorBodySchema, type ErrorCode, ErrorCodeSchema, ErrorInfoSchema } from './errors.js';

/** PROTOCOL.md › Errors, transcribed row by row, plus the v1 addition UNSUPPORTED_MEDIA_TYPE. */
const CONTRACT_TABLE: Record<string, number> = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  UNAVAILABLE: 503,
  INTERNAL: 500,
};

describe('ERROR_STATUS', () => {
  it.each(Object.entries(CONTRACT_TABLE))('[Errors] %s travels with HTTP %i', (code, status) => {
    expect(ERROR_STATUS[code as ErrorCode]).toBe(status);
  });

  it('[Errors, v1 addition] UNSUPPORTED_MEDIA_TYPE travels with HTTP 415', () => {
    expect(ERROR_STATUS.UNSUPPORTED_MEDIA_TYPE).toBe(415);
  });

  it('[Errors, v1 addition] GONE travels with HTTP 410 (an invite link expired, revoked or used up)', () => {
    expect(ERROR_STATUS.GONE).toBe(410);
  });

  it('[Errors] has exactly the contract codes plus UNSUPPORTED_MEDIA_TYPE, GONE and RANGE_NOT_SATISFIABLE, nothing else', () => {
    expect(Object.keys(ERROR_STATUS).sort()).toEqual(
      [...Object.keys(CONTRACT_TABLE), 'UNSUPPORTED_MEDIA_TYPE', 'GONE', 'RANGE_NOT_SATISFIABLE'].sort(),
    );
  });

  it('[Errors] no two codes share a status', () => {
    const statuses = Object.values(ERROR_STATUS);
    expect(new Set(statuses).size).toBe(statuses.length);
  });
});

describe('ErrorCodeSchema', () => {
  it('[Errors] accepts every code of ERROR_STATUS', () => {
    for (const code of Object.keys(ERROR_STATUS)) expect(ErrorCodeSchema.parse(code)).toBe(code);
  });

  it.each(['TEAPOT', 'bad_request', '', 'NOT FOUND'])('[Errors] rejects the unknown code %j', (code) => {
    expect(ErrorCodeSchema.safeParse(code).success).toBe(false);
  });
});

describe('ErrorBodySchema', () => {
  it('[Errors] accepts {error: {code, message}}', () => {
    const body = { error: { code: 'NOT_FOUND', message: 'no such chat' } };
    expect(ErrorBodySchema.parse(body)).toEqual(body);
  });

  it('[Errors] accepts details as [{path, message}] ("details says where")', () => {
    const body = {
      error: { code: 'BAD_REQUEST', message: 'invalid', details: [{ path: 'body', message: 'too long' }] },
    };
    expect(ErrorBodySchema.parse(body)).toEqual(body);
  });

  it('[Errors] rejects a body without error.code or error.message', () => {
    expect(ErrorBodySchema.safeParse({ error: { message: 'x' } }).success).toBe(false);
    expect(ErrorBodySchema.safeParse({ error: { code: 'INTERNAL' } }).success).toBe(false);
    expect(ErrorBodySchema.safeParse({ code: 'INTERNAL', message: 'x' }).success).toBe(false);
  });

  it('[Errors] rejects details that are not [{path: string, message: string}]', () => {
    const info = { code: 'BAD_REQUEST', message: 'invalid' };
    expect(ErrorInfoSchema.safeParse({ ...info, details: 'body is too long' }).success).toBe(false);
    expect(ErrorInfoSchema.safeParse({ ...info, details: [{ path: ['body'], message: 'x' }] }).success).toBe(
      false,
    );
  });

  it('[Strictness] a response strips unknown keys (forward compatibility)', () => {
    const parsed = ErrorBodySchema.parse({
      error: { code: 'RATE_LIMITED', message: 'slow down', retryAfterMs: 1000 },
      requestId: 'r1',
    });
    expect(parsed).toEqual({ error: { code: 'RATE_LIMITED', message: 'slow down' } });
  });
});
