import { ErrorBodySchema, ReactionParamsSchema } from '@chatsockets/protocol';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../auth/auth.plugin.js';
import type { ReactionsService } from './reactions.service.js';

const errors = {
  400: ErrorBodySchema,
  401: ErrorBodySchema,
  403: ErrorBodySchema,
  404: ErrorBodySchema,
  409: ErrorBodySchema,
  429: ErrorBodySchema,
};

/** PUT adds, DELETE removes: both idempotent, as their HTTP methods promise. */
export default async function reactionsRoutes(base: FastifyInstance, opts: { reactions: ReactionsService }) {
  const app = base.withTypeProvider<ZodTypeProvider>();
  app.addHook('preHandler', app.authenticate);
  const path = '/api/chats/:chatId/messages/:messageId/reactions/:emoji';
  const tags = ['messages'];

  app.put(
    path,
    {
      schema: {
        operationId: 'addReaction',
        summary: 'React to a message with an emoji (idempotent)',
        tags,
        params: ReactionParamsSchema,
        response: { 204: z.null(), ...errors },
      },
    },
    async (request, reply) => {
      const { chatId, messageId, emoji } = request.params;
      await opts.reactions.add(actorOf(request), messageId, emoji, chatId);
      return reply.status(204).send(null);
    },
  );

  app.delete(
    path,
    {
      schema: {
        operationId: 'removeReaction',
        summary: 'Take back your reaction (idempotent)',
        tags,
        params: ReactionParamsSchema,
        response: { 204: z.null(), ...errors },
      },
    },
    async (request, reply) => {
      const { chatId, messageId, emoji } = request.params;
      await opts.reactions.remove(actorOf(request), messageId, emoji, chatId);
      return reply.status(204).send(null);
    },
  );
}
