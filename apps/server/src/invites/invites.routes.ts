import {
  ChatParamsSchema,
  ChatResponseSchema,
  CreateInviteBodySchema,
  ErrorBodySchema,
  InviteListResponseSchema,
  InviteParamsSchema,
  InvitePreviewResponseSchema,
  InviteResponseSchema,
  InviteTokenParamsSchema,
} from '@chatsockets/protocol';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../auth/auth.plugin.js';
import type { InvitesService } from './invites.service.js';

const errors = {
  400: ErrorBodySchema,
  401: ErrorBodySchema,
  403: ErrorBodySchema,
  404: ErrorBodySchema,
  410: ErrorBodySchema,
};

export default async function invitesRoutes(base: FastifyInstance, opts: { invites: InvitesService }) {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const { invites } = opts;
  app.addHook('preHandler', app.authenticate);
  const tags = ['invites'];

  app.post(
    '/api/chats/:chatId/invites',
    {
      schema: {
        operationId: 'createInvite',
        summary: 'Make an invite link to a group chat (owner, admins)',
        tags,
        params: ChatParamsSchema,
        body: CreateInviteBodySchema,
        response: { 201: InviteResponseSchema, ...errors },
      },
      // Both limits are optional, so no body at all is a link without limits, as `{}` is.
      preValidation: async (request) => {
        request.body ??= {};
      },
    },
    async (request, reply) =>
      reply.status(201).send({
        invite: await invites.create(actorOf(request), request.params.chatId, request.body),
      }),
  );

  app.get(
    '/api/chats/:chatId/invites',
    {
      schema: {
        operationId: 'listInvites',
        summary: "A group chat's invite links that were not revoked (owner, admins)",
        tags,
        params: ChatParamsSchema,
        response: { 200: InviteListResponseSchema, ...errors },
      },
    },
    async (request) => ({ invites: await invites.list(actorOf(request), request.params.chatId) }),
  );

  app.delete(
    '/api/chats/:chatId/invites/:inviteId',
    {
      schema: {
        operationId: 'revokeInvite',
        summary: 'Revoke an invite link (owner, admins)',
        tags,
        params: InviteParamsSchema,
        response: { 204: z.null(), ...errors },
      },
    },
    async (request, reply) => {
      await invites.revoke(actorOf(request), request.params.chatId, request.params.inviteId);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/invites/:token',
    {
      schema: {
        operationId: 'previewInvite',
        summary: 'The chat an invite link leads to',
        tags,
        params: InviteTokenParamsSchema,
        response: { 200: InvitePreviewResponseSchema, ...errors },
      },
    },
    async (request) => invites.preview(actorOf(request), request.params.token),
  );

  app.post(
    '/api/invites/:token/join',
    {
      schema: {
        operationId: 'joinByInvite',
        summary: 'Join the chat an invite link leads to',
        tags,
        params: InviteTokenParamsSchema,
        response: { 200: ChatResponseSchema, ...errors },
      },
    },
    async (request) => ({ chat: await invites.join(actorOf(request), request.params.token) }),
  );
}
