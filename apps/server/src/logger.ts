import type { FastifyServerOptions } from 'fastify';
import type { Config } from './config.js';

/**
 * pino options. Never log credentials or message bodies: request bodies are not logged at all,
 * and the headers that carry tokens are redacted wherever they appear.
 */
export interface LogStream {
  write(line: string): void;
}

export function loggerOptions(config: Config, stream?: LogStream): FastifyServerOptions['logger'] {
  if (config.logLevel === 'silent' && !stream) return false;
  return {
    level: config.logLevel,
    ...(stream ? { stream } : {}),
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'res.headers["set-cookie"]',
        '*.token',
        '*.password',
        '*.body',
      ],
      censor: '[redacted]',
    },
  };
}
