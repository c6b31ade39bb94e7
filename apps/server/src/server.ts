import { buildApp } from './app.js';
import { loadConfig } from './config.js';

// Process entry: load config, build, listen; close gracefully on SIGTERM/SIGINT.
const config = loadConfig();
const app = await buildApp(config);

let closing = false;
async function shutdown(signal: string) {
  if (closing) {
    app.log.warn({ signal }, 'second signal: exiting now');
    process.exit(1);
  }
  closing = true;
  app.log.info({ signal }, 'shutting down');
  const timer = setTimeout(() => {
    app.log.error('grace period over: exiting');
    process.exit(1);
  }, config.shutdownGraceMs);
  timer.unref();
  try {
    // Stops accepting, sends 1001 to sockets (realtime onClose), finishes in-flight requests, closes the DB.
    await app.close();
    process.exit(0);
  } catch (err) {
    app.log.error({ err }, 'error during shutdown');
    process.exit(1);
  }
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));

try {
  await app.listen({ port: config.port, host: config.host });
} catch (err) {
  app.log.fatal({ err }, 'could not start');
  process.exit(1);
}
