import { z } from 'zod';
import { ChatChangeSchema, MessageSchema, UserSchema } from '../entities.js';
import { IdSchema, IsoDateSchema, RevSchema, SeqSchema } from '../primitives.js';
import type { ClientFrameType } from './client-frames.js';

/**
 * `subscribe` reply. `typing` and `online` are additions to PROTOCOL v1: who is typing in the
 * chat and which of its members are online right now, so a late subscriber is never blind.
 * `rev` and `changes` are additions too: the chat's rev now, and, for `afterRev`, every change
 * after it (`missed` is then empty); `hasMore` says more changes (or messages) are to be paged.
 */
export const SubscribeReplySchema = z.object({
  chatId: IdSchema,
  lastSeq: SeqSchema,
  missed: z.array(MessageSchema),
  rev: RevSchema,
  changes: z.array(ChatChangeSchema),
  hasMore: z.boolean(),
  typing: z.array(UserSchema),
  online: z.array(UserSchema),
});
export type SubscribeReply = z.infer<typeof SubscribeReplySchema>;

export const MessageReplySchema = z.object({ message: MessageSchema });
export const EmptyReplySchema = z.object({});
export const PingReplySchema = z.object({ serverTime: IsoDateSchema });

/** The `data` of a successful reply, per client frame type. */
export const REPLY_DATA_SCHEMAS = {
  subscribe: SubscribeReplySchema,
  unsubscribe: EmptyReplySchema,
  'message.send': MessageReplySchema,
  'message.edit': MessageReplySchema,
  'message.delete': EmptyReplySchema,
  typing: EmptyReplySchema,
  read: EmptyReplySchema,
  ping: PingReplySchema,
  'reaction.add': EmptyReplySchema,
  'reaction.remove': EmptyReplySchema,
  'message.pin': MessageReplySchema,
  'message.unpin': MessageReplySchema,
} as const satisfies Record<ClientFrameType, z.ZodType>;
export type ReplyData = { [K in keyof typeof REPLY_DATA_SCHEMAS]: z.infer<(typeof REPLY_DATA_SCHEMAS)[K]> };
