import {
  ChangesQuerySchema,
  ChangesResponseSchema,
  ChatParamsSchema,
  ErrorBodySchema,
} from '@chatsockets/protocol';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { actorOf } from '../auth/auth.plugin.js';
import type { ChangesService } from './changes.service.js';

const errors = { 400: ErrorBodySchema, 401: ErrorBodySchema, 403: ErrorBodySchema, 404: ErrorBodySchema };

export default async function changesRoutes(base: FastifyInstance, opts: { changes: ChangesService }) {
  const app = base.withTypeProvider<ZodTypeProvider>();
  app.addHook('preHandler', app.authenticate);

  app.get(
    '/api/chats/:chatId/changes',
    {
      schema: {
        operationId: 'listChanges',
        tags: ['chats'],
        summary: "The chat's changes after a rev",
        params: ChatParamsSchema,
        querystring: ChangesQuerySchema,
        response: { 200: ChangesResponseSchema, ...errors },
      },
    },
    async (request) =>
      opts.changes.page(actorOf(request), request.params.chatId, request.query.afterRev, request.query.limit),
  );
}
