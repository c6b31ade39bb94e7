import { PROTOCOL_VERSION } from '@chatsockets/protocol';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';

/** PROTOCOL.md › Operations: `/docs` renders the OpenAPI document built from the zod route schemas. */
export default fp(
  async function docs(app: FastifyInstance) {
    await app.register(fastifySwagger, {
      openapi: {
        info: {
          title: 'Chatsockets HTTP API',
          description: 'The WebSocket protocol (/ws) is described in docs/PROTOCOL.md.',
          version: `protocol ${PROTOCOL_VERSION}`,
        },
        // Relative: the document is served by the instance it describes, on whatever host and
        // scheme it was reached (behind a proxy too), so "Try it out" calls that same server.
        servers: [{ url: '/', description: 'the server serving this document' }],
        components: {
          securitySchemes: {
            bearer: { type: 'http', scheme: 'bearer' },
            cookie: { type: 'apiKey', in: 'cookie', name: 'cs_session' },
          },
        },
        security: [{ bearer: [] }, { cookie: [] }],
      },
      transform: jsonSchemaTransform,
    });
    // staticCSP: the UI's own CSP with hashes, instead of loosening the app-wide one.
    await app.register(fastifySwaggerUi, { routePrefix: '/docs', staticCSP: true });
  },
  { name: 'docs' },
);
