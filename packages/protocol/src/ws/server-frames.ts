import { z } from 'zod';
import { MemberSchema, MessageSchema, UserRefSchema, UserSchema } from '../entities.js';
import { ErrorInfoSchema } from '../errors.js';
import { IdSchema, IsoDateSchema, RevSchema, SeqSchema } from '../primitives.js';
import { FrameIdSchema } from './client-frames.js';

export const HelloFrameSchema = z.object({
  type: z.literal('hello'),
  user: UserSchema,
  protocolVersion: z.number().int(),
  heartbeatMs: z.number().int().positive(),
  serverTime: IsoDateSchema,
});

export const OkReplySchema = z.object({
  type: z.literal('reply'),
  id: FrameIdSchema,
  ok: z.literal(true),
  data: z.unknown(),
});
export const ErrorReplySchema = z.object({
  type: z.literal('reply'),
  id: FrameIdSchema,
  ok: z.literal(false),
  error: ErrorInfoSchema,
});
export const ReplyFrameSchema = z.discriminatedUnion('ok', [OkReplySchema, ErrorReplySchema]);
export type ReplyFrame = z.infer<typeof ReplyFrameSchema>;

/** A bad frame that carried no id. */
export const ErrorFrameSchema = z.object({ type: z.literal('error'), error: ErrorInfoSchema });

export const MessageCreatedEventSchema = z.object({
  type: z.literal('message.created'),
  message: MessageSchema,
});
/** Edits and deletes. */
export const MessageUpdatedEventSchema = z.object({
  type: z.literal('message.updated'),
  message: MessageSchema,
});
/**
 * `active` is an addition to PROTOCOL v1: `false` says the user stopped typing (their message
 * arrived, or their last socket closed). Absent means `true`. Clients still hide it after 5 s.
 */
export const TypingEventSchema = z.object({
  type: z.literal('typing'),
  chatId: IdSchema,
  user: UserSchema,
  active: z.boolean().optional(),
});
export const PresenceEventSchema = z.object({
  type: z.literal('presence'),
  user: UserSchema,
  online: z.boolean(),
});
// Every event that changes what a chat's members see carries the chat's `rev` for that change
// (messages carry it in `message.rev`): a client that sees a hole in rev fills it from
// `GET …/changes?afterRev=`, as it fills a hole in seq.
export const MemberJoinedEventSchema = z.object({
  type: z.literal('member.joined'),
  chatId: IdSchema,
  user: UserSchema,
  rev: RevSchema,
});
export const MemberLeftEventSchema = z.object({
  type: z.literal('member.left'),
  chatId: IdSchema,
  user: UserSchema,
  rev: RevSchema,
});
/**
 * An addition to PROTOCOL v1: a member's role changed (`PATCH …/members/:userId`). To the chat's
 * subscribers and to that member's own sockets, like `member.joined`; `member` is the same entry
 * as the PATCH answers.
 */
export const MemberUpdatedEventSchema = z.object({
  type: z.literal('member.updated'),
  chatId: IdSchema,
  member: MemberSchema,
  rev: RevSchema,
});
/**
 * An addition to PROTOCOL v1: the owner renamed the chat or changed its description; the current
 * values, at the change's rev. To the chat's subscribers and every member's own sockets.
 */
export const ChatUpdatedEventSchema = z.object({
  type: z.literal('chat.updated'),
  chatId: IdSchema,
  title: z.string(),
  description: z.string(),
  rev: RevSchema,
});
/**
 * An addition to PROTOCOL v1: the owner deleted the chat. To the chat's subscribers and every
 * member's own sockets; nothing of the chat follows it. A client that missed it learns it from
 * the list (the chat is gone) or a 404 on subscribe.
 */
export const ChatDeletedEventSchema = z.object({ type: z.literal('chat.deleted'), chatId: IdSchema });
/**
 * An addition to PROTOCOL v1: a user changed their display name. To the sockets subscribed to
 * any chat they are in, and to their own; `user` is the whole `User` (no `lastSeenAt`).
 */
export const UserUpdatedEventSchema = z.object({ type: z.literal('user.updated'), user: UserSchema });
/** An addition to PROTOCOL v1: the caller (un)muted a chat; to all of their own sockets. */
export const ChatMutedEventSchema = z.object({
  type: z.literal('chat.muted'),
  chatId: IdSchema,
  muted: z.boolean(),
});
/**
 * Additions to PROTOCOL v1: one user's reaction added to or removed from a message, at the
 * chat's rev for that change (the message's `rev` becomes it). A delta, so a burst of
 * reactions costs no re-read of the message; the changes feed carries the message's whole
 * current state (`reactions` included) for a client that was away.
 */
const reactionEvent = <T extends string>(type: T) =>
  z.object({
    type: z.literal(type),
    chatId: IdSchema,
    messageId: IdSchema,
    emoji: z.string(),
    user: UserRefSchema,
    rev: RevSchema,
  });
export const ReactionAddedEventSchema = reactionEvent('reaction.added');
export const ReactionRemovedEventSchema = reactionEvent('reaction.removed');
export type ReactionEvent =
  | z.infer<typeof ReactionAddedEventSchema>
  | z.infer<typeof ReactionRemovedEventSchema>;

/** To the reader's own other sockets. */
export const ReadEventSchema = z.object({
  type: z.literal('read'),
  chatId: IdSchema,
  userId: IdSchema,
  seq: SeqSchema,
});

export const ServerEventSchema = z.discriminatedUnion('type', [
  MessageCreatedEventSchema,
  MessageUpdatedEventSchema,
  TypingEventSchema,
  PresenceEventSchema,
  MemberJoinedEventSchema,
  MemberLeftEventSchema,
  MemberUpdatedEventSchema,
  ReadEventSchema,
  ChatUpdatedEventSchema,
  ChatDeletedEventSchema,
  UserUpdatedEventSchema,
  ChatMutedEventSchema,
  ReactionAddedEventSchema,
  ReactionRemovedEventSchema,
]);
export type ServerEvent = z.infer<typeof ServerEventSchema>;
export type ServerEventType = ServerEvent['type'];

export const ServerFrameSchema = z.union([
  HelloFrameSchema,
  ReplyFrameSchema,
  ErrorFrameSchema,
  ServerEventSchema,
]);
export type ServerFrame = z.infer<typeof ServerFrameSchema>;
export type HelloFrame = z.infer<typeof HelloFrameSchema>;
