import closeWithGrace from 'close-with-grace';
import { buildApp } from './app.js';
import { loadConfig } from './config.js';

const config = loadConfig();
const app = await buildApp(config);

// A signal (or an uncaught error) closes the app: it stops accepting, sends 1001 to sockets
// (realtime onClose), finishes in-flight requests and closes the DB, then exits 0 (1 after an
// error). Past the grace period, or on a second signal, it exits 1 at once, so an orchestrator
// never waits on a hung close.
closeWithGrace(
  {
    delay: config.shutdownGraceMs,
    logger: false,
    onSecondSignal: (signal) => app.log.warn({ signal }, 'second signal: exiting now'),
    onSecondError: (err) => app.log.error({ err }, 'error while closing: exiting now'),
    onTimeout: (delay) => app.log.error({ delay }, 'grace period over: exiting'),
  },
  async ({ signal, err }) => {
    if (err) app.log.error({ err }, 'uncaught error: shutting down');
    else app.log.info({ signal }, 'shutting down');
    try {
      await app.close();
    } catch (closeErr) {
      app.log.error({ err: closeErr }, 'error during shutdown');
      throw closeErr;
    }
  },
);

try {
  await app.listen({ port: config.port, host: config.host });
} catch (err) {
  app.log.fatal({ err }, 'could not start');
  process.exit(1);
}
