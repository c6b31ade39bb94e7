import { z } from 'zod';
import { MessageSchema, UserRefSchema } from '../entities.js';
import { LIMITS } from '../limits.js';
import {
  AttachmentIdsSchema,
  ClientIdSchema,
  IdSchema,
  limitQuery,
  MessageBodySchema,
  SendBodySchema,
  SeqQuerySchema,
} from '../primitives.js';

export const MessageParamsSchema = z.strictObject({ chatId: IdSchema, messageId: IdSchema });

/**
 * `GET /api/chats/:chatId/messages`. With no cursor: the newest page. `afterSeq`: the oldest
 * messages after it. `beforeSeq`: the newest messages before it. Both: messages strictly
 * between them, from the oldest. Always ascending by seq.
 */
export const MessagePageQuerySchema = z.strictObject({
  beforeSeq: SeqQuerySchema.optional(),
  afterSeq: SeqQuerySchema.optional(),
  limit: limitQuery(LIMITS.pageMax).optional(),
});
export type MessagePageQuery = z.input<typeof MessagePageQuerySchema>;

export const MessagePageSchema = z.object({
  messages: z.array(MessageSchema),
  hasMore: z.boolean(),
});
export type MessagePage = z.infer<typeof MessagePageSchema>;

export const SendMessageBodySchema = z.strictObject({
  clientId: ClientIdSchema,
  /** May be empty (or absent) when `attachmentIds` is not: a message may be only attachments. */
  body: SendBodySchema.default(''),
  /** An addition to PROTOCOL v1 (docs/PROTOCOL.md › Attachments). */
  attachmentIds: AttachmentIdsSchema.optional(),
});
export type SendMessageBody = z.infer<typeof SendMessageBodySchema>;

export const EditMessageBodySchema = z.strictObject({ body: MessageBodySchema });
export type EditMessageBody = z.infer<typeof EditMessageBodySchema>;

export const MessageResponseSchema = z.object({ message: MessageSchema });
export type MessageResponse = z.infer<typeof MessageResponseSchema>;

/**
 * Addition to PROTOCOL v1: `GET /api/chats/:chatId/messages/:messageId/readers`.
 * The members other than the author whose read watermark is at or past the message's seq.
 */
export const ReadersResponseSchema = z.object({ readers: z.array(UserRefSchema) });
export type ReadersResponse = z.infer<typeof ReadersResponseSchema>;
