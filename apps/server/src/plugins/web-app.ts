import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

const NOT_SPA = /^\/(api|ws|metrics|docs)(\/|\?|$)/;

/** Production: one process is the whole product. Serves the built web app, index.html for app routes. */
export default fp(
  async function webApp(app: FastifyInstance, opts: { root: string }) {
    if (!existsSync(join(opts.root, 'index.html'))) {
      app.log.warn({ root: opts.root }, 'web app not built; run `pnpm build` (serving the API only)');
      return;
    }
    await app.register(fastifyStatic, { root: opts.root, wildcard: false, index: false });
    app.get('/', (_request, reply) => reply.sendFile('index.html'));
    app.get('/*', (request, reply) => {
      if (NOT_SPA.test(request.url)) return reply.callNotFound();
      // Assets are served by fastify-static's own routes; anything else is an app route.
      return reply.header('cache-control', 'no-cache').sendFile('index.html');
    });
  },
  { name: 'web-app' },
);
