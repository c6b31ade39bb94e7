import {
  ErrorBodySchema,
  MeResponseSchema,
  UpdateProfileBodySchema,
  UpdateSettingsBodySchema,
  UserSettingsResponseSchema,
} from '@chatsockets/protocol';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { actorOf } from './auth.plugin.js';
import type { SettingsService } from './settings.service.js';

const errors = { 400: ErrorBodySchema, 401: ErrorBodySchema };

/** The caller's own settings (docs/PROTOCOL.md › Settings). */
export default async function settingsRoutes(base: FastifyInstance, opts: { settings: SettingsService }) {
  const app = base.withTypeProvider<ZodTypeProvider>();
  app.addHook('preHandler', app.authenticate);
  const tags = ['auth'];

  app.get(
    '/api/me/settings',
    {
      schema: {
        operationId: 'getSettings',
        tags,
        summary: 'Your settings',
        response: { 200: UserSettingsResponseSchema, ...errors },
      },
    },
    async (request) => ({ settings: await opts.settings.get(actorOf(request)) }),
  );

  app.patch(
    '/api/me/settings',
    {
      schema: {
        operationId: 'updateSettings',
        tags,
        summary: 'Change your settings',
        body: UpdateSettingsBodySchema,
        response: { 200: UserSettingsResponseSchema, ...errors },
      },
    },
    async (request) => ({ settings: await opts.settings.update(actorOf(request), request.body) }),
  );

  app.patch(
    '/api/me',
    {
      schema: {
        operationId: 'updateProfile',
        tags,
        summary: 'Set or clear your display name',
        body: UpdateProfileBodySchema,
        response: { 200: MeResponseSchema, ...errors },
      },
    },
    async (request) => ({ user: await opts.settings.updateProfile(actorOf(request), request.body) }),
  );
}
