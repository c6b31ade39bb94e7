import { z } from 'zod';
import { MessageSchema, UserRefSchema } from '../entities.js';
import { LIMITS } from '../limits.js';
import {
  AttachmentIdsSchema,
  ClientIdSchema,
  EmojiSchema,
  IdSchema,
  limitQuery,
  MESSAGE_HAS_CONTENT,
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
export const MessagePageQuerySchema = z
  .strictObject({
    beforeSeq: SeqQuerySchema.optional(),
    afterSeq: SeqQuerySchema.optional(),
    /**
     * An addition to PROTOCOL v1: the page around this seq (a jump to a message not loaded):
     * the message itself, up to half the page before it and the rest after it. Alone, not with
     * the other cursors.
     */
    aroundSeq: SeqQuerySchema.optional(),
    limit: limitQuery(LIMITS.pageMax).optional(),
  })
  .refine((q) => q.aroundSeq === undefined || (q.beforeSeq === undefined && q.afterSeq === undefined), {
    message: 'aroundSeq cannot be combined with beforeSeq or afterSeq',
    path: ['aroundSeq'],
  });
export type MessagePageQuery = z.input<typeof MessagePageQuerySchema>;

export const MessagePageSchema = z.object({
  messages: z.array(MessageSchema),
  hasMore: z.boolean(),
  /**
   * An addition to PROTOCOL v1, only with `aroundSeq`: newer messages exist after the page
   * (`hasMore` then says older ones exist before it).
   */
  hasMoreAfter: z.boolean().optional(),
});
export type MessagePage = z.infer<typeof MessagePageSchema>;

export const SendMessageBodySchema = z
  .strictObject({
    clientId: ClientIdSchema,
    /** May be empty (or absent) when `attachmentIds` is not: a message may be only attachments. */
    body: SendBodySchema.default(''),
    /** An addition to PROTOCOL v1: the message of the same chat this one answers. */
    replyToId: IdSchema.optional(),
    /** An addition to PROTOCOL v1 (docs/PROTOCOL.md › Attachments). */
    attachmentIds: AttachmentIdsSchema.optional(),
  })
  .refine(...MESSAGE_HAS_CONTENT);
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

/**
 * Additions to PROTOCOL v1: `PUT`/`DELETE /api/chats/:chatId/messages/:messageId/reactions/:emoji`
 * add or remove the caller's reaction (`204`; idempotent: a repeat changes nothing). The emoji is
 * URL-encoded in the path.
 */
export const ReactionParamsSchema = z.strictObject({
  chatId: IdSchema,
  messageId: IdSchema,
  emoji: EmojiSchema,
});

/** `GET /api/chats/:chatId/pins`: the chat's pinned messages, the latest pin first. */
export const PinsResponseSchema = z.object({ messages: z.array(MessageSchema) });
export type PinsResponse = z.infer<typeof PinsResponseSchema>;
