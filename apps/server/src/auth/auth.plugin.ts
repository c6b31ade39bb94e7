import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { withDeadline } from '../deadline.js';
import { forbidden, unauthorized } from '../errors.js';
import type { Actor, AuthService } from './auth.service.js';

export const SESSION_COOKIE = 'cs_session';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
  }
  interface FastifyInstance {
    /** preHandler: resolves the caller (Bearer or cookie) or answers 401/403. */
    authenticate(request: FastifyRequest): Promise<void>;
    /** 403 unless the request's Origin is allowed. */
    checkOrigin(request: FastifyRequest): void;
    setSessionCookie(reply: FastifyReply, token: string, request: FastifyRequest): void;
    clearSessionCookie(reply: FastifyReply): void;
  }
}

/** The caller of an authenticated route. */
export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw unauthorized();
  return request.actor;
}

function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  // RFC 9110 › Authorization: the scheme in any case, then one or more spaces (or tabs) before the token.
  const m = /^(\S+)[ \t]+(\S+)[ \t]*$/.exec(header);
  if (m?.[1]?.toLowerCase() !== 'bearer' || !m[2]) throw unauthorized('Malformed Authorization header');
  return m[2];
}

/**
 * PROTOCOL.md › Authentication. Cookies are sent by the browser on its own, so a
 * cookie-authenticated request that changes state, and every cookie `/ws` upgrade, must
 * come from an allowed Origin (CSRF and cross-site WebSocket hijacking). Bearer tokens are
 * never sent implicitly, so they need no Origin.
 */
export default fp(
  async function auth(
    app: FastifyInstance,
    opts: { auth: AuthService; allowedOrigins: string[]; sessionMaxAgeMs: number; deadlineMs: number },
  ) {
    const allowed = new Set(opts.allowedOrigins);
    app.decorateRequest('actor', null);

    app.decorate('checkOrigin', (request: FastifyRequest) => {
      const origin = request.headers.origin;
      if (!origin || !allowed.has(origin)) throw forbidden('Origin not allowed');
    });

    app.decorate('authenticate', async (request: FastifyRequest) => {
      const bearer = bearerToken(request);
      const token = bearer ?? request.cookies[SESSION_COOKIE];
      if (!token) throw unauthorized();
      const isUpgrade = request.headers.upgrade?.toLowerCase() === 'websocket';
      if (!bearer && (isUpgrade || !SAFE_METHODS.has(request.method))) app.checkOrigin(request);
      // Authentication reads the database too, so it is bound by the same deadline as handlers.
      const actor = await withDeadline(opts.auth.authenticate(token), opts.deadlineMs);
      if (!actor) throw unauthorized('Session expired or revoked');
      request.actor = actor;
    });

    app.decorate('setSessionCookie', (reply: FastifyReply, token: string, request: FastifyRequest) => {
      void reply.setCookie(SESSION_COOKIE, token, {
        httpOnly: true,
        sameSite: 'lax',
        path: '/',
        secure: request.protocol === 'https',
        maxAge: Math.floor(opts.sessionMaxAgeMs / 1000),
      });
    });

    app.decorate('clearSessionCookie', (reply: FastifyReply) => {
      void reply.clearCookie(SESSION_COOKIE, { path: '/' });
    });
  },
  { name: 'auth', dependencies: ['@fastify/cookie'] },
);
