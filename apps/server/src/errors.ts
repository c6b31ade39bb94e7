import { ERROR_STATUS, type ErrorCode, type ErrorDetail, type ErrorInfo } from '@chatsockets/protocol';

/** The one error type services throw; mapped once to HTTP (plugins/error-handler) and once to WS. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details?: ErrorDetail[];
  /** Seconds, for RATE_LIMITED (HTTP Retry-After). */
  readonly retryAfter?: number;

  constructor(code: ErrorCode, message: string, opts: { details?: ErrorDetail[]; retryAfter?: number } = {}) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.details = opts.details;
    this.retryAfter = opts.retryAfter;
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

export const badRequest = (message: string, details?: ErrorDetail[]) =>
  new AppError('BAD_REQUEST', message, { details });
export const unauthorized = (message = 'Authentication required') => new AppError('UNAUTHORIZED', message);
export const forbidden = (message = 'Not allowed') => new AppError('FORBIDDEN', message);
export const notFound = (what = 'Resource') => new AppError('NOT_FOUND', `${what} not found`);
export const conflict = (message: string) => new AppError('CONFLICT', message);
/** An invite link that no longer works; `reason` (`expired`, `revoked`, `used-up`) in `details`. */
export const gone = (message: string, reason: string) =>
  new AppError('GONE', message, { details: [{ path: 'invite', message: reason }] });
export const rateLimited = (retryAfter: number) =>
  new AppError('RATE_LIMITED', 'Too many requests, slow down', { retryAfter });
export const unavailable = (message = 'Service temporarily unavailable, retry later') =>
  new AppError('UNAVAILABLE', message);

// SQLSTATE classes and codes that mean "the database is not reachable right now".
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300', '57014', '25P03']);
const UNAVAILABLE_NODE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
]);

/** Walks `cause` chains: Drizzle wraps driver errors in DrizzleQueryError. */
function* causes(err: unknown): Generator<unknown> {
  let cur: unknown = err;
  for (let depth = 0; cur && depth < 5; depth++) {
    yield cur;
    cur = (cur as { cause?: unknown }).cause;
  }
}

/**
 * The SQLSTATE of a Postgres error (postgres-js and PGlite both expose `code`), if any. A socket
 * error's `code` can look like one (`EPIPE`, `EBADF`): those carry the failed `syscall`.
 */
export function sqlState(err: unknown): string | undefined {
  for (const e of causes(err)) {
    const { code, syscall } = e as { code?: unknown; syscall?: unknown };
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && syscall === undefined) return code;
  }
  return undefined;
}

/** The constraint a Postgres error names (for unique violations, 23505). */
export function constraintName(err: unknown): string | undefined {
  for (const e of causes(err)) {
    const c = e as { constraint_name?: unknown; constraint?: unknown };
    const name = c.constraint_name ?? c.constraint;
    if (typeof name === 'string') return name;
  }
  return undefined;
}

export function isUniqueViolation(err: unknown, constraint: string): boolean {
  return sqlState(err) === '23505' && constraintName(err) === constraint;
}

export function isUnavailable(err: unknown): boolean {
  for (const e of causes(err)) {
    if ((e as { unavailable?: unknown }).unavailable === true) return true;
    const code = (e as { code?: unknown }).code;
    if (typeof code !== 'string') continue;
    if (UNAVAILABLE_NODE_CODES.has(code) || UNAVAILABLE_SQLSTATES.has(code) || code.startsWith('08'))
      return true;
  }
  return false;
}

/**
 * Everything that leaves the process as an error goes through here. Unknown errors become
 * INTERNAL with a generic message: driver messages contain SQL and parameters.
 */
export function toErrorInfo(err: unknown): ErrorInfo {
  if (err instanceof AppError) {
    return { code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) };
  }
  if (isUnavailable(err))
    return { code: 'UNAVAILABLE', message: 'Service temporarily unavailable, retry later' };
  return { code: 'INTERNAL', message: 'Internal error' };
}

/**
 * What the log may keep of an unexpected error: its kind, SQLSTATE, constraint and stack, never
 * the query's parameters (Drizzle puts them, message bodies included, in its message).
 */
export function loggableError(err: unknown): Record<string, unknown> {
  const chain = [...causes(err)] as Array<Error & { code?: unknown; query?: unknown }>;
  const root = (chain[chain.length - 1] ?? err) as Error & { code?: unknown };
  const isQueryError = chain.some((e) => typeof e?.query === 'string');
  return {
    type: (err as Error)?.constructor?.name ?? typeof err,
    message: isQueryError
      ? `query failed: ${root?.message ?? 'unknown'}`
      : String((err as Error)?.message ?? err),
    code: sqlState(err) ?? (typeof root?.code === 'string' ? root.code : undefined),
    constraint: constraintName(err),
    stack: isQueryError ? undefined : (err as Error)?.stack,
  };
}
