import {
  AuthResponseSchema,
  ChangePasswordBodySchema,
  CredentialsSchema,
  ErrorBodySchema,
  MeResponseSchema,
  SessionListResponseSchema,
  SessionParamsSchema,
} from '@chatsockets/protocol';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Limiter } from '../rate-limit.js';
import { actorOf } from './auth.plugin.js';
import type { AuthService } from './auth.service.js';

export interface AuthRoutesOptions {
  auth: AuthService;
  limits: { loginFailures: Limiter; register: Limiter };
}

const errors = { 400: ErrorBodySchema, 401: ErrorBodySchema, 403: ErrorBodySchema, 429: ErrorBodySchema };

export default async function authRoutes(base: FastifyInstance, opts: AuthRoutesOptions) {
  const app = base.withTypeProvider<ZodTypeProvider>();

  // Login CSRF: a foreign page must not sign the browser into the attacker's account.
  const originIfPresent = async (request: { headers: { origin?: string } }) => {
    if (request.headers.origin !== undefined) app.checkOrigin(request as never);
  };

  app.post(
    '/api/auth/register',
    {
      preHandler: originIfPresent,
      schema: {
        operationId: 'register',
        summary: 'Create an account and sign in',
        tags: ['auth'],
        body: CredentialsSchema,
        response: { 201: AuthResponseSchema, 409: ErrorBodySchema, ...errors },
      },
    },
    async (request, reply) => {
      await opts.limits.register.consume(request.ip);
      const result = await opts.auth.register(request.body, request.headers['user-agent']);
      app.setSessionCookie(reply, result.token, request);
      return reply.status(201).send(result);
    },
  );

  app.post(
    '/api/auth/login',
    {
      preHandler: originIfPresent,
      schema: {
        operationId: 'login',
        summary: 'Sign in with username and password',
        tags: ['auth'],
        body: CredentialsSchema,
        response: { 200: AuthResponseSchema, ...errors },
      },
    },
    async (request, reply) => {
      // The attempt is reserved before the password is checked, so however many guesses arrive
      // at once (on any instance) at most LOGIN_FAILURES_MAX are checked. A success gives its
      // point back: only failures count, so others' failures are all that can lock a user out.
      // A refused attempt costs nothing (`take`): charged, a burst of right passwords from one
      // address (an office behind NAT) left the refused ones' points behind, a lockout.
      await opts.limits.loginFailures.take(request.ip, 1);
      const result = await opts.auth.login(request.body, request.headers['user-agent']);
      await opts.limits.loginFailures.refund(request.ip).catch(() => {});
      app.setSessionCookie(reply, result.token, request);
      return result;
    },
  );

  app.post(
    '/api/auth/logout',
    {
      preHandler: app.authenticate,
      schema: {
        operationId: 'logout',
        summary: 'End this session (its sockets close with 4401)',
        tags: ['auth'],
        response: { 204: z.null(), ...errors },
      },
    },
    async (request, reply) => {
      await opts.auth.logout(actorOf(request));
      app.clearSessionCookie(reply);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/me',
    {
      preHandler: app.authenticate,
      schema: {
        operationId: 'getMe',
        summary: 'The signed-in user',
        tags: ['auth'],
        response: { 200: MeResponseSchema, ...errors },
      },
    },
    async (request) => ({ user: actorOf(request).user }),
  );

  app.post(
    '/api/me/password',
    {
      preHandler: app.authenticate,
      schema: {
        operationId: 'changePassword',
        summary: 'Change your password (needs the current one); your other sessions end',
        tags: ['auth'],
        body: ChangePasswordBodySchema,
        response: { 204: z.null(), ...errors },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      // Wrong current passwords count as failed logins: a stolen session cannot guess its way on.
      const key = `password:${actor.user.id}`;
      await opts.limits.loginFailures.take(key, 1);
      await opts.auth.changePassword(actor, request.body.currentPassword, request.body.newPassword);
      await opts.limits.loginFailures.refund(key).catch(() => {});
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/me/sessions',
    {
      preHandler: app.authenticate,
      schema: {
        operationId: 'listSessions',
        summary: 'Your signed-in sessions, most recently active first',
        tags: ['auth'],
        response: { 200: SessionListResponseSchema, ...errors },
      },
    },
    async (request) => ({ sessions: await opts.auth.sessions(actorOf(request)) }),
  );

  app.delete(
    '/api/me/sessions',
    {
      preHandler: app.authenticate,
      schema: {
        operationId: 'revokeOtherSessions',
        summary: 'Sign out all your other sessions',
        tags: ['auth'],
        response: { 204: z.null(), ...errors },
      },
    },
    async (request, reply) => {
      await opts.auth.revokeOtherSessions(actorOf(request));
      return reply.code(204).send(null);
    },
  );

  app.delete(
    '/api/me/sessions/:sessionId',
    {
      preHandler: app.authenticate,
      schema: {
        operationId: 'revokeSession',
        summary: 'Sign out one of your sessions',
        tags: ['auth'],
        params: SessionParamsSchema,
        response: { 204: z.null(), 404: ErrorBodySchema, ...errors },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      await opts.auth.revokeSession(actor, request.params.sessionId);
      if (request.params.sessionId === actor.sessionId) app.clearSessionCookie(reply);
      return reply.code(204).send(null);
    },
  );
}
