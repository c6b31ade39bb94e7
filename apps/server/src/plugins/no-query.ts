import type { FastifyRequest, RouteOptions } from 'fastify';
import { badRequest } from '../errors.js';

/**
 * Query strings are strict (PROTOCOL.md › Strictness), and so is an API route that declares
 * none: `?limit=1` sent to a route that pages nothing is a 400 naming the key, not ignored and
 * answered as if it had been applied. Routes with a querystring schema refuse unknown keys
 * through it; the socket's upgrade and the web app's files are not the API's.
 */
export function refuseQueryWhereNoneIsTaken(route: RouteOptions): void {
  if (route.schema?.querystring || !route.url.startsWith('/api/')) return;
  const check = async (request: FastifyRequest) => {
    const keys = Object.keys((request.query ?? {}) as object);
    if (keys.length === 0) return;
    throw badRequest(
      'This request takes no query string',
      keys.map((key) => ({ path: key, message: `Unrecognized key: "${key}"` })),
    );
  };
  const before = route.preValidation;
  route.preValidation =
    before === undefined ? [check] : [...(Array.isArray(before) ? before : [before]), check];
}
