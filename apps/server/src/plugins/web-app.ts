import { existsSync } from 'node:fs';
import { extname, join, sep } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

const NOT_SPA = /^\/(api|ws|metrics|docs)(\/|\?|$)/;

/** Vite puts content-hashed files under assets/: a new build gives them new names. */
const HASHED = `${sep}assets${sep}`;
export const IMMUTABLE = 'public, max-age=31536000, immutable';
/** Revalidated on every load (cheap with the ETag), so a deploy reaches users on their next visit. */
export const REVALIDATE = 'no-cache';

/**
 * Production: one process is the whole product. Serves the built web app, index.html for app
 * routes. Files are sent precompressed (the build writes x.br and x.gz next to x), hashed
 * assets are cached for a year, everything else revalidated; source maps are never served.
 */
export default fp(
  async function webApp(app: FastifyInstance, opts: { root: string }) {
    if (!existsSync(join(opts.root, 'index.html'))) {
      app.log.warn({ root: opts.root }, 'web app not built; run `pnpm build` (serving the API only)');
      return;
    }
    await app.register(fastifyStatic, {
      root: opts.root,
      wildcard: false,
      index: false,
      preCompressed: true,
      // The maps stay on disk for whoever debugs a build; the public gets no route to them.
      globIgnore: ['**/*.map', '**/*.br', '**/*.gz'],
      cacheControl: false,
      setHeaders: (reply, path) => {
        reply.header('cache-control', path.includes(HASHED) ? IMMUTABLE : REVALIDATE);
      },
    });
    app.get('/', (_request, reply) => reply.sendFile('index.html'));
    app.get('/*', (request, reply) => {
      const path = request.url.split('?')[0] ?? '';
      // A file that is not there (an old build's asset, a map) is a 404, not the app's HTML,
      // which a browser would try to run as script.
      if (NOT_SPA.test(request.url) || extname(path) !== '') return reply.callNotFound();
      return reply.sendFile('index.html');
    });
  },
  { name: 'web-app' },
);
