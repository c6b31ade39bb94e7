import { Readable } from 'node:stream';
import type { FastifyRequest, RouteOptions } from 'fastify';
import { badRequest } from '../errors.js';

/*
 * Requests are strict (PROTOCOL.md › Strictness): a schema refuses keys it does not know. These
 * two rules cover the routes that declare no schema for a part, where nothing would refuse them:
 * a key sent where none is taken is a 400 naming it, not ignored and answered as if it had done
 * what the client meant. Each runs as the route's last preValidation step.
 */

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

const isEmptyObject = (v: unknown) =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0;

/** A body parsed from JSON, not the raw bytes or stream a file route is handed (JSON makes neither). */
const isJson = (v: unknown) => !Buffer.isBuffer(v) && !(v instanceof Readable);

const unrecognized = (keys: string[]) =>
  keys.map((key) => ({ path: key, message: `Unrecognized key: "${key}"` }));

function appendCheck(route: RouteOptions, check: (request: FastifyRequest) => Promise<void>): void {
  const before = route.preValidation;
  route.preValidation =
    before === undefined ? [check] : [...(Array.isArray(before) ? before : [before]), check];
}

/**
 * A write route without a body schema (join, leave, a delete, a pin, …): a JSON body with keys
 * (`{"role": "admin"}` sent to the wrong route) is refused. No body, `null` and `{}` are none.
 */
export function refuseBodyWhereNoneIsTaken(route: RouteOptions): void {
  const methods = Array.isArray(route.method) ? route.method : [route.method];
  // An upload's body is its bytes (its route says what else it refuses: 415 for JSON).
  const raw = (route.config as { streamsBody?: boolean } | undefined)?.streamsBody;
  if (route.schema?.body || raw || !methods.some((m) => WRITES.has(m))) return;
  appendCheck(route, async (request) => {
    const body = request.body;
    if (body === undefined || body === null || isEmptyObject(body) || !isJson(body)) return;
    const keys = typeof body === 'object' && !Array.isArray(body) ? Object.keys(body) : [];
    throw badRequest(
      'This request takes no body',
      keys.length > 0 ? unrecognized(keys) : [{ path: '', message: 'expected no body' }],
    );
  });
}

/**
 * An API route without a querystring schema (the pins, a chat's detail, `/api/me`, a delete):
 * `?limit=1` is refused, not answered as if it had been applied. The socket's upgrade and the
 * web app's files are not the API's.
 */
export function refuseQueryWhereNoneIsTaken(route: RouteOptions): void {
  if (route.schema?.querystring || !route.url.startsWith('/api/')) return;
  appendCheck(route, async (request) => {
    const keys = Object.keys((request.query ?? {}) as object);
    if (keys.length > 0) throw badRequest('This request takes no query string', unrecognized(keys));
  });
}
