import type { FastifyRequest, FastifyServerOptions } from 'fastify';
import type { Config } from './config.js';

/**
 * pino options. Never log credentials or message bodies: request bodies are not logged at all,
 * and the headers that carry tokens are redacted wherever they appear.
 */
export interface LogStream {
  write(line: string): void;
}

// An invite link's token lets anyone signed in join its chat: it is a credential, and it travels
// in the path (the API's and the web app's `/invite/<token>` page), which request logs carry.
const INVITE_TOKEN_IN_PATH = /^(\/api\/invites\/|\/invite\/)[^/?#]+/i;

/** A request's URL as logged: with any invite token replaced. */
export function loggableUrl(url: string): string {
  return url.replace(INVITE_TOKEN_IN_PATH, '$1[redacted]');
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
    serializers: {
      // Fastify's own request serializer (no route here is versioned), but for the URL.
      req: (req: FastifyRequest) => ({
        method: req.method,
        url: loggableUrl(req.url),
        host: req.host,
        remoteAddress: req.ip,
        remotePort: req.socket?.remotePort,
      }),
    },
  };
}
