import type { FastifyInstance } from 'fastify';
import type { Metrics } from './metrics.js';

/** PROTOCOL.md › Operations: Prometheus text. */
export default async function opsRoutes(app: FastifyInstance, opts: { metrics: Metrics }) {
  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    const body = await opts.metrics.registry.metrics();
    return reply.type(opts.metrics.registry.contentType).send(body);
  });
}
