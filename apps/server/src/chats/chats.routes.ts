import {
  AddMemberBodySchema,
  ChatDetailResponseSchema,
  ChatListPageSchema,
  ChatListQuerySchema,
  ChatListResponseSchema,
  ChatParamsSchema,
  ChatResponseSchema,
  CreateChatBodySchema,
  DirectChatBodySchema,
  ErrorBodySchema,
  MemberParamsSchema,
  MemberResponseSchema,
  MuteBodySchema,
  PublicChatsQuerySchema,
  ReadBodySchema,
  UpdateChatBodySchema,
  UpdateMemberBodySchema,
} from '@chatsockets/protocol';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../auth/auth.plugin.js';
import type { ChatsService } from './chats.service.js';

const errors = {
  400: ErrorBodySchema,
  401: ErrorBodySchema,
  403: ErrorBodySchema,
  404: ErrorBodySchema,
  409: ErrorBodySchema,
  429: ErrorBodySchema,
};

export default async function chatsRoutes(base: FastifyInstance, opts: { chats: ChatsService }) {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const { chats } = opts;
  app.addHook('preHandler', app.authenticate);
  const tags = ['chats'];

  app.get(
    '/api/chats',
    {
      schema: {
        operationId: 'listChats',
        tags,
        summary: "The caller's chats, most recent activity first, a page at a time",
        querystring: ChatListQuerySchema,
        response: { 200: ChatListPageSchema, ...errors },
      },
    },
    async (request) => chats.list(actorOf(request), request.query),
  );

  app.get(
    '/api/chats/public',
    {
      schema: {
        operationId: 'listPublicChats',
        summary: 'Public group chats anyone signed in may read and join',
        tags,
        querystring: PublicChatsQuerySchema,
        response: { 200: ChatListResponseSchema, ...errors },
      },
    },
    async (request) => ({ chats: await chats.searchPublic(actorOf(request), request.query.q) }),
  );

  app.post(
    '/api/chats',
    {
      schema: {
        operationId: 'createChat',
        summary: 'Start a group chat',
        tags,
        body: CreateChatBodySchema,
        response: { 201: ChatResponseSchema, ...errors },
      },
    },
    async (request, reply) =>
      reply.status(201).send({ chat: await chats.create(actorOf(request), request.body) }),
  );

  app.post(
    '/api/chats/direct',
    {
      schema: {
        operationId: 'openDirectChat',
        summary: 'The direct chat with a user, started if there is none',
        tags,
        body: DirectChatBodySchema,
        response: { 200: ChatResponseSchema, ...errors },
      },
    },
    async (request) => ({ chat: await chats.direct(actorOf(request), request.body.username) }),
  );

  app.get(
    '/api/chats/:chatId',
    {
      schema: {
        operationId: 'getChat',
        summary: 'A chat with its members',
        tags,
        params: ChatParamsSchema,
        response: { 200: ChatDetailResponseSchema, ...errors },
      },
    },
    async (request) => chats.get(actorOf(request), request.params.chatId),
  );

  app.patch(
    '/api/chats/:chatId',
    {
      schema: {
        operationId: 'updateChat',
        summary: 'Rename a group chat or set its description (owner)',
        tags,
        params: ChatParamsSchema,
        body: UpdateChatBodySchema,
        response: { 200: ChatResponseSchema, ...errors },
      },
    },
    async (request) => ({
      chat: await chats.updateInfo(actorOf(request), request.params.chatId, request.body),
    }),
  );

  app.delete(
    '/api/chats/:chatId',
    {
      schema: {
        operationId: 'deleteChat',
        summary: 'Delete a group chat for everyone (owner)',
        tags,
        params: ChatParamsSchema,
        response: { 204: z.null(), ...errors },
      },
    },
    async (request, reply) => {
      await chats.deleteChat(actorOf(request), request.params.chatId);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/chats/:chatId/join',
    {
      schema: {
        operationId: 'joinChat',
        summary: 'Join a public group chat',
        tags,
        params: ChatParamsSchema,
        response: { 200: ChatResponseSchema, ...errors },
      },
    },
    async (request) => ({ chat: await chats.join(actorOf(request), request.params.chatId) }),
  );

  app.post(
    '/api/chats/:chatId/members',
    {
      schema: {
        operationId: 'addMembers',
        summary: 'Add people to a group chat',
        tags,
        params: ChatParamsSchema,
        body: AddMemberBodySchema,
        response: { 201: MemberResponseSchema, ...errors },
      },
    },
    async (request, reply) =>
      reply.status(201).send({
        member: await chats.addMember(actorOf(request), request.params.chatId, request.body.username),
      }),
  );

  app.patch(
    '/api/chats/:chatId/members/:userId',
    {
      schema: {
        operationId: 'updateMember',
        summary: "Change a member's role",
        tags,
        params: MemberParamsSchema,
        body: UpdateMemberBodySchema,
        response: { 200: MemberResponseSchema, ...errors },
      },
    },
    async (request) => ({
      member: await chats.changeRole(
        actorOf(request),
        request.params.chatId,
        request.params.userId,
        request.body.role,
      ),
    }),
  );

  app.delete(
    '/api/chats/:chatId/members/:userId',
    {
      schema: {
        operationId: 'removeMember',
        summary: 'Remove a member, or leave the chat',
        tags,
        params: MemberParamsSchema,
        response: { 204: z.null(), ...errors },
      },
    },
    async (request, reply) => {
      await chats.removeMember(actorOf(request), request.params.chatId, request.params.userId);
      return reply.status(204).send(null);
    },
  );

  app.put(
    '/api/chats/:chatId/mute',
    {
      schema: {
        operationId: 'muteChat',
        summary: 'Mute or unmute a chat for yourself',
        tags,
        params: ChatParamsSchema,
        body: MuteBodySchema,
        response: { 204: z.null(), ...errors },
      },
    },
    async (request, reply) => {
      await chats.setMuted(actorOf(request), request.params.chatId, request.body.muted);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/chats/:chatId/read',
    {
      schema: {
        operationId: 'markRead',
        summary: 'Move your read marker',
        tags,
        params: ChatParamsSchema,
        body: ReadBodySchema,
        response: { 204: z.null(), ...errors },
      },
    },
    async (request, reply) => {
      await chats.markRead(actorOf(request), request.params.chatId, request.body.seq);
      return reply.status(204).send(null);
    },
  );
}
