import { Readable } from 'node:stream';
import type { FastifyRequest, RouteOptions } from 'fastify';
import { badRequest } from '../errors.js';

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

const isEmptyObject = (v: unknown) =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0;

/** A body parsed from JSON, not the raw bytes or stream a file route is handed (JSON makes neither). */
const isJson = (v: unknown) => !Buffer.isBuffer(v) && !(v instanceof Readable);

/**
 * Requests are strict (PROTOCOL.md › Strictness), and so is a route that takes no body: one
 * with keys (`{"role": "admin"}` sent to the wrong route) is a 400 naming them, not ignored and
 * answered as if it had done what the client meant. No body, `null` and `{}` are none.
 */
export function refuseBodyWhereNoneIsTaken(route: RouteOptions): void {
  const methods = Array.isArray(route.method) ? route.method : [route.method];
  // An upload's body is its bytes (its route says what else it refuses: 415 for JSON).
  const raw = (route.config as { streamsBody?: boolean } | undefined)?.streamsBody;
  if (route.schema?.body || raw || !methods.some((m) => WRITES.has(m))) return;
  const check = async (request: FastifyRequest) => {
    const body = request.body;
    if (body === undefined || body === null || isEmptyObject(body) || !isJson(body)) return;
    const keys = typeof body === 'object' && !Array.isArray(body) ? Object.keys(body) : [];
    throw badRequest(
      'This request takes no body',
      keys.length > 0
        ? keys.map((key) => ({ path: key, message: `Unrecognized key: "${key}"` }))
        : [{ path: '', message: 'expected no body' }],
    );
  };
  const before = route.preValidation;
  route.preValidation =
    before === undefined ? [check] : [...(Array.isArray(before) ? before : [before]), check];
}
