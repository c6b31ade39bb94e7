import { ErrorBodySchema, type HealthResponse, HealthResponseSchema } from '@chatsockets/protocol';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Database } from '../db/client.js';
import type { Bus } from '../realtime/bus/bus.js';

/** PROTOCOL.md › Operations: 200 when the database and the bus answer, else 503 naming the part. */
export default async function healthRoutes(base: FastifyInstance, opts: { database: Database; bus: Bus }) {
  const app = base.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/api/health',
    {
      schema: {
        operationId: 'getHealth',
        summary: 'Whether this instance and what it depends on are up',
        tags: ['ops'],
        // A shedding or closing server answers 503 before this handler runs, with an error body.
        response: { 200: HealthResponseSchema, 503: z.union([HealthResponseSchema, ErrorBodySchema]) },
      },
    },
    async (_request, reply) => {
      const db = (await opts.database.ping()) ? 'ok' : 'down';
      const bus = opts.bus.healthy() ? 'ok' : 'down';
      const ok = db === 'ok' && bus === 'ok';
      const body: HealthResponse = { status: ok ? 'ok' : 'unavailable', db, bus };
      return reply.status(ok ? 200 : 503).send(body);
    },
  );
}
