import { z } from 'zod';
import {
  AttachmentIdsSchema,
  ClientIdSchema,
  EmojiSchema,
  IdSchema,
  MESSAGE_HAS_CONTENT,
  MessageBodySchema,
  RevSchema,
  SendBodySchema,
  SeqSchema,
} from '../primitives.js';

/** A frame with an `id` (any string or number) gets exactly one reply carrying that id. */
export const FrameIdSchema = z.union([z.string(), z.number()]);
export type FrameId = z.infer<typeof FrameIdSchema>;

// Client frames are strict: an unknown key is a BAD_REQUEST, so a typo ("chatID") is caught
// instead of silently meaning something else (docs/PROTOCOL.md › Strictness).
const frame = <T extends string, S extends z.ZodRawShape>(type: T, shape: S) =>
  z.strictObject({ type: z.literal(type), id: FrameIdSchema.optional(), ...shape });

export const SubscribeFrameSchema = frame('subscribe', {
  chatId: IdSchema,
  afterSeq: SeqSchema.optional(),
  /** An addition to PROTOCOL v1: catch up on every change after this rev (the reply's `changes`). */
  afterRev: RevSchema.optional(),
});
export const UnsubscribeFrameSchema = frame('unsubscribe', { chatId: IdSchema });
export const SendFrameSchema = frame('message.send', {
  chatId: IdSchema,
  clientId: ClientIdSchema,
  /** May be empty (or absent) when `attachmentIds` is not: a message may be only attachments. */
  body: SendBodySchema.default(''),
  /** An addition to PROTOCOL v1: the message of the same chat this one answers. */
  replyToId: IdSchema.optional(),
  /** An addition to PROTOCOL v1 (docs/PROTOCOL.md › Attachments). */
  attachmentIds: AttachmentIdsSchema.optional(),
}).refine(...MESSAGE_HAS_CONTENT);
export const EditFrameSchema = frame('message.edit', { messageId: IdSchema, body: MessageBodySchema });
export const DeleteFrameSchema = frame('message.delete', { messageId: IdSchema });
export const TypingFrameSchema = frame('typing', { chatId: IdSchema });
export const ReadFrameSchema = frame('read', { chatId: IdSchema, seq: SeqSchema });
export const PingFrameSchema = frame('ping', {});
// Additions to PROTOCOL v1: reactions and pins, the same operations as their HTTP routes.
export const ReactionAddFrameSchema = frame('reaction.add', { messageId: IdSchema, emoji: EmojiSchema });
export const ReactionRemoveFrameSchema = frame('reaction.remove', {
  messageId: IdSchema,
  emoji: EmojiSchema,
});
export const PinFrameSchema = frame('message.pin', { messageId: IdSchema });
export const UnpinFrameSchema = frame('message.unpin', { messageId: IdSchema });

export const ClientFrameSchema = z.discriminatedUnion('type', [
  SubscribeFrameSchema,
  UnsubscribeFrameSchema,
  SendFrameSchema,
  EditFrameSchema,
  DeleteFrameSchema,
  TypingFrameSchema,
  ReadFrameSchema,
  PingFrameSchema,
  ReactionAddFrameSchema,
  ReactionRemoveFrameSchema,
  PinFrameSchema,
  UnpinFrameSchema,
]);
export type ClientFrame = z.infer<typeof ClientFrameSchema>;
export type ClientFrameType = ClientFrame['type'];
export type ClientFrameOf<T extends ClientFrameType> = Extract<ClientFrame, { type: T }>;
export const CLIENT_FRAME_TYPES = ClientFrameSchema.options.map((o) => o.shape.type.value);
