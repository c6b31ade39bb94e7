import { ErrorBodySchema, IdSchema, LIMITS, MeResponseSchema } from '@chatsockets/protocol';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../auth/auth.plugin.js';
import { AppError, badRequest } from '../errors.js';
import type { AvatarsService } from './avatars.service.js';

const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/webp', 'image/gif'];
const errors = {
  400: ErrorBodySchema,
  401: ErrorBodySchema,
  404: ErrorBodySchema,
  413: ErrorBodySchema,
  415: ErrorBodySchema,
};

export default async function avatarsRoutes(base: FastifyInstance, opts: { avatars: AvatarsService }) {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const { avatars } = opts;
  app.addHook('preHandler', app.authenticate);
  const tags = ['users'];

  // The upload in a plugin of its own: only there is the raw image the body, and any other body
  // the wrong type (415). The other routes here keep the JSON parser, so a DELETE's `{}` or `null`
  // is no body, and one with keys a 400 naming them, as everywhere else.
  await app.register(async (plain) => {
    const upload = plain.withTypeProvider<ZodTypeProvider>();
    upload.addContentTypeParser(
      IMAGE_TYPES,
      { parseAs: 'buffer', bodyLimit: LIMITS.avatarMaxBytes },
      (_req, body, done) => done(null, body),
    );
    // Any other body here is the wrong type (415), JSON too, and said in this route's terms: parsed
    // as JSON it was a 400 "Malformed JSON body", and other types were told to send JSON.
    upload.removeContentTypeParser(['application/json', 'text/plain']);
    upload.addContentTypeParser('*', (_req, _payload, done) =>
      done(
        new AppError(
          'UNSUPPORTED_MEDIA_TYPE',
          'Send the image as the body: PNG, JPEG, WebP or GIF, with its image/* Content-Type',
        ),
        undefined,
      ),
    );

    upload.put(
      '/api/me/avatar',
      {
        bodyLimit: LIMITS.avatarMaxBytes,
        schema: {
          operationId: 'uploadAvatar',
          summary: 'Upload your avatar (the image is the body: PNG, JPEG, WebP or GIF, up to 5 MiB)',
          tags,
          response: { 200: MeResponseSchema, ...errors },
        },
      },
      async (request) => {
        if (!Buffer.isBuffer(request.body))
          throw badRequest('Send the image as the body, with its image/* Content-Type');
        return { user: await avatars.upload(actorOf(request), request.body) };
      },
    );
  });

  app.delete(
    '/api/me/avatar',
    {
      schema: {
        operationId: 'deleteAvatar',
        summary: 'Remove your avatar (initials are shown again)',
        tags,
        response: { 200: MeResponseSchema, ...errors },
      },
    },
    async (request) => ({ user: await avatars.remove(actorOf(request)) }),
  );

  app.get(
    '/api/users/:userId/avatar',
    {
      schema: {
        operationId: 'getAvatar',
        summary: "A user's avatar (to them and people who share a chat with them)",
        tags,
        params: z.strictObject({ userId: IdSchema }),
        querystring: z.strictObject({ v: z.string().max(12).optional() }),
        // The body is the image (image/webp), streamed: no JSON schema applies to it.
        response: { 200: z.any(), ...errors },
      },
    },
    async (request, reply) => {
      const blob = await avatars.read(actorOf(request), request.params.userId);
      // The URL with the current version is cached for good, but only by this browser (access is
      // per viewer). Another `v` (a replaced image's, or none) gets the current image uncached:
      // cached for good, that URL would keep an image it never named.
      const current = request.query.v === String(blob.version);
      return reply
        .header('content-type', 'image/webp')
        .header('content-length', blob.size)
        .header('cache-control', current ? 'private, max-age=31536000, immutable' : 'private, no-cache')
        .send(blob.body);
    },
  );
}
