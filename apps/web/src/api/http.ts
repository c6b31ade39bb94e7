import { ERROR_STATUS, ErrorBodySchema, type ErrorCode, type ErrorDetail } from '@chatsockets/protocol';
import type { z } from 'zod';

/** Every failed request becomes one of these, carrying the protocol's error code. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly details?: ErrorDetail[],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export function isApiError(err: unknown, code?: ErrorCode): err is ApiError {
  return err instanceof ApiError && (code === undefined || err.code === code);
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
interface RequestOptions {
  body?: unknown;
  /** Sent as is with its own type instead of a JSON body (an avatar image). */
  file?: Blob;
  query?: Record<string, string | number | undefined>;
  signal?: AbortSignal;
}

function codeForStatus(status: number): ErrorCode {
  const entry = Object.entries(ERROR_STATUS).find(([, s]) => s === status);
  if (entry) return entry[0] as ErrorCode;
  return status >= 500 ? 'INTERNAL' : 'BAD_REQUEST';
}

function buildUrl(path: string, query?: RequestOptions['query']): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined) params.set(key, String(value));
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

async function send(method: Method, path: string, opts: RequestOptions): Promise<Response> {
  try {
    // Same origin: the HttpOnly session cookie authenticates (PROTOCOL.md › Authentication).
    return await fetch(buildUrl(path, opts.query), {
      method,
      credentials: 'same-origin',
      headers: opts.file
        ? { 'Content-Type': opts.file.type }
        : opts.body === undefined
          ? undefined
          : { 'Content-Type': 'application/json' },
      body: opts.file ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body)),
      signal: opts.signal,
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError(0, 'UNAVAILABLE', 'Cannot reach the server. Check your connection.');
  }
}

async function readJson(res: Response): Promise<unknown> {
  const text = await res.text();
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

async function toError(res: Response): Promise<ApiError> {
  const parsed = ErrorBodySchema.safeParse(await readJson(res));
  if (parsed.success) {
    const { code, message, details } = parsed.data.error;
    return new ApiError(res.status, code, message, details);
  }
  return new ApiError(res.status, codeForStatus(res.status), `Request failed (${res.status})`);
}

/** A request whose response body is parsed with a protocol schema. */
export async function request<S extends z.ZodType>(
  method: Method,
  path: string,
  schema: S,
  opts: RequestOptions = {},
): Promise<z.infer<S>> {
  const res = await send(method, path, opts);
  if (!res.ok) throw await toError(res);
  const parsed = schema.safeParse(await readJson(res));
  if (!parsed.success) {
    throw new ApiError(res.status, 'INTERNAL', 'The server sent a response this app does not understand.');
  }
  return parsed.data;
}

/** A request answered with 204 No Content. */
export async function requestNoContent(
  method: Method,
  path: string,
  opts: RequestOptions = {},
): Promise<void> {
  const res = await send(method, path, opts);
  if (!res.ok) throw await toError(res);
}
