import { ErrorBodySchema, SearchQuerySchema, SearchResponseSchema } from '@chatsockets/protocol';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { actorOf } from '../auth/auth.plugin.js';
import type { SearchService } from './search.service.js';

const errors = { 400: ErrorBodySchema, 401: ErrorBodySchema, 403: ErrorBodySchema, 404: ErrorBodySchema };

export default async function searchRoutes(base: FastifyInstance, opts: { search: SearchService }) {
  const app = base.withTypeProvider<ZodTypeProvider>();
  app.addHook('preHandler', app.authenticate);
  app.get(
    '/api/search',
    {
      schema: {
        operationId: 'searchMessages',
        summary: 'Full-text search over the messages of the chats you may read',
        tags: ['search'],
        querystring: SearchQuerySchema,
        response: { 200: SearchResponseSchema, ...errors },
      },
    },
    async (request) => opts.search.search(actorOf(request), request.query),
  );
}
