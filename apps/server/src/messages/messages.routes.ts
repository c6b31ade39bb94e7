import {
  ChatParamsSchema,
  EditMessageBodySchema,
  ErrorBodySchema,
  MessagePageQuerySchema,
  MessagePageSchema,
  MessageParamsSchema,
  MessageResponseSchema,
  PinsResponseSchema,
  ReadersResponseSchema,
  SendMessageBodySchema,
} from '@chatsockets/protocol';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../auth/auth.plugin.js';
import type { Metrics } from '../ops/metrics.js';
import type { MessagesService } from './messages.service.js';

const errors = {
  400: ErrorBodySchema,
  401: ErrorBodySchema,
  403: ErrorBodySchema,
  404: ErrorBodySchema,
  409: ErrorBodySchema,
  429: ErrorBodySchema,
};

export default async function messagesRoutes(
  base: FastifyInstance,
  opts: { messages: MessagesService; metrics: Metrics },
) {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const { messages } = opts;
  app.addHook('preHandler', app.authenticate);
  const tags = ['messages'];

  app.get(
    '/api/chats/:chatId/messages',
    {
      schema: {
        operationId: 'listMessages',
        summary: 'A page of messages, by seq',
        tags,
        params: ChatParamsSchema,
        querystring: MessagePageQuerySchema,
        response: { 200: MessagePageSchema, ...errors },
      },
    },
    async (request) => messages.page(actorOf(request), request.params.chatId, request.query),
  );

  app.post(
    '/api/chats/:chatId/messages',
    {
      schema: {
        operationId: 'sendMessage',
        summary: 'Send a message (idempotent by clientId)',
        tags,
        params: ChatParamsSchema,
        body: SendMessageBodySchema,
        response: { 200: MessageResponseSchema, 201: MessageResponseSchema, ...errors },
      },
    },
    async (request, reply) => {
      const started = performance.now();
      const { message, created } = await messages.send(actorOf(request), request.params.chatId, request.body);
      opts.metrics.sendAcked('http', started);
      // PROTOCOL.md › Messages: 201 for the first send, 200 for an idempotent repeat.
      return reply.status(created ? 201 : 200).send({ message });
    },
  );

  app.patch(
    '/api/chats/:chatId/messages/:messageId',
    {
      schema: {
        operationId: 'editMessage',
        summary: 'Edit your message',
        tags,
        params: MessageParamsSchema,
        body: EditMessageBodySchema,
        response: { 200: MessageResponseSchema, ...errors },
      },
    },
    async (request) => ({
      message: await messages.edit(
        actorOf(request),
        request.params.messageId,
        request.body.body,
        request.params.chatId,
      ),
    }),
  );

  app.delete(
    '/api/chats/:chatId/messages/:messageId',
    {
      schema: {
        operationId: 'deleteMessage',
        summary: 'Delete a message',
        tags,
        params: MessageParamsSchema,
        response: { 204: z.null(), ...errors },
      },
    },
    async (request, reply) => {
      await messages.delete(actorOf(request), request.params.messageId, request.params.chatId);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/chats/:chatId/messages/:messageId/readers',
    {
      schema: {
        operationId: 'listReaders',
        summary: 'Who has read a message',
        tags,
        params: MessageParamsSchema,
        response: { 200: ReadersResponseSchema, ...errors },
      },
    },
    async (request) => ({
      readers: await messages.readers(actorOf(request), request.params.chatId, request.params.messageId),
    }),
  );

  for (const [method, pinned] of [
    ['put', true],
    ['delete', false],
  ] as const) {
    app[method](
      '/api/chats/:chatId/messages/:messageId/pin',
      {
        schema: {
          operationId: pinned ? 'pinMessage' : 'unpinMessage',
          summary: pinned ? 'Pin a message (owners and admins)' : 'Unpin a message (owners and admins)',
          tags,
          params: MessageParamsSchema,
          response: { 200: MessageResponseSchema, ...errors },
        },
      },
      async (request) => {
        const { chatId, messageId } = request.params;
        const actor = actorOf(request);
        return {
          message: pinned
            ? await messages.pin(actor, messageId, chatId)
            : await messages.unpin(actor, messageId, chatId),
        };
      },
    );
  }

  app.get(
    '/api/chats/:chatId/pins',
    {
      schema: {
        operationId: 'listPins',
        summary: "The chat's pinned messages, the latest pin first",
        tags,
        params: ChatParamsSchema,
        response: { 200: PinsResponseSchema, ...errors },
      },
    },
    async (request) => ({ messages: await messages.pins(actorOf(request), request.params.chatId) }),
  );
}
