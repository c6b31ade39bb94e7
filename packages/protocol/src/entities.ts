import { z } from 'zod';
import { IdSchema, IsoDateSchema, RevSchema, SeqSchema } from './primitives.js';

// Entities are what the server sends. Their schemas strip unknown keys (z.object), so a
// client built against v1 keeps working when the server adds a field (docs/PROTOCOL.md › Strictness).

export const UserSchema = z.object({
  id: IdSchema,
  username: z.string(),
  createdAt: IsoDateSchema,
  /**
   * An addition to PROTOCOL v1: the name shown instead of the username, when the user set one.
   * Absent when not set (the username is shown); the username stays for login and mentions.
   */
  displayName: z.string().optional(),
  /**
   * An addition to PROTOCOL v1: the uploaded avatar (`/api/users/<id>/avatar?v=<n>`, a 256×256
   * WebP), when there is one; clients draw initials otherwise.
   */
  avatarUrl: z.string().optional(),
  /**
   * An addition to PROTOCOL v1, in a chat's members only: when the user was last online (`null`:
   * not since this was recorded). Absent when the user hides it (`showLastSeen: false`).
   */
  lastSeenAt: IsoDateSchema.nullable().optional(),
});
export type User = z.infer<typeof UserSchema>;

/**
 * A message's author: no display name here (the send path stays as it is); clients show the
 * name from the chat's members (`User.displayName`), else the username.
 */
export const UserRefSchema = z.object({ id: IdSchema, username: z.string() });
export type UserRef = z.infer<typeof UserRefSchema>;

export const RoleSchema = z.enum(['owner', 'admin', 'member']);
export type Role = z.infer<typeof RoleSchema>;

export const ChatKindSchema = z.enum(['group', 'direct']);
export type ChatKind = z.infer<typeof ChatKindSchema>;

export const VisibilitySchema = z.enum(['public', 'private']);
export type Visibility = z.infer<typeof VisibilitySchema>;

/**
 * What the caller may do in a chat, decided by the server (stream-chat's `own_capabilities`);
 * clients show what it allows and never re-derive the rules. Removing someone depends on their
 * role: `remove-members` covers plain members, `remove-admins` admins; the owner is never removed.
 */
export const CapabilitySchema = z.enum([
  'read',
  'post',
  'edit-own',
  'delete-own',
  'delete-any',
  'add-members',
  'remove-members',
  'remove-admins',
  'change-roles',
  'join',
  'leave',
  /** Additions: rename the chat and set its description; delete it; create and revoke invite links. */
  'edit-info',
  'delete-chat',
  'invite',
  'react',
  'pin',
  'mention-all',
]);
export type Capability = z.infer<typeof CapabilitySchema>;

/**
 * An addition to PROTOCOL v1: what a reply shows of the message it answers, `quoteOf(original)`
 * (quotes.ts). `preview` is the original's first line with text (at most
 * `LIMITS.replyPreviewMax` characters) as it is now; `""` and `deleted: true` once the original
 * is deleted.
 */
export const ReplyRefSchema = z.object({
  id: IdSchema,
  seq: SeqSchema.min(1),
  author: UserRefSchema,
  preview: z.string(),
  deleted: z.boolean(),
});
export type ReplyRef = z.infer<typeof ReplyRefSchema>;

/**
 * An addition to PROTOCOL v1: one emoji's reactions on a message, who reacted in the order they
 * did (`count` is `users.length`). The limits (`LIMITS.reactionsDistinctMax` emoji per message,
 * `LIMITS.reactionsPerUserMax` per user) bound its size.
 */
export const ReactionSchema = z.object({
  emoji: z.string(),
  count: z.number().int().min(1),
  users: z.array(UserRefSchema),
});
export type Reaction = z.infer<typeof ReactionSchema>;

/**
 * An addition to PROTOCOL v1: a file on a message (docs/PROTOCOL.md › Attachments). Its bytes
 * are at `GET /api/attachments/:id` (and `/thumbnail` when `thumbnail`), for whoever may read
 * the message's chat; `mime` is sniffed from the bytes, never taken from the client.
 */
export const AttachmentSchema = z.object({
  id: IdSchema,
  name: z.string(),
  size: z.number().int().min(0),
  mime: z.string(),
  /** `image`: a raster image the server could read (it has dimensions and a thumbnail). */
  kind: z.enum(['image', 'file']),
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  thumbnail: z.boolean(),
});
export type Attachment = z.infer<typeof AttachmentSchema>;

export const MessageSchema = z.object({
  id: IdSchema,
  chatId: IdSchema,
  seq: SeqSchema.min(1),
  author: UserRefSchema,
  body: z.string(),
  clientId: z.string(),
  createdAt: IsoDateSchema,
  editedAt: IsoDateSchema.nullable(),
  deletedAt: IsoDateSchema.nullable(),
  /** An addition to PROTOCOL v1: the chat's rev at this message's last change. */
  rev: RevSchema,
  /** Additions to PROTOCOL v1: the message this one answers, its reactions, and when it was pinned. */
  replyTo: ReplyRefSchema.nullable(),
  reactions: z.array(ReactionSchema),
  pinnedAt: IsoDateSchema.nullable(),
  /**
   * An addition to PROTOCOL v1: the ids the body mentions (`<@id>` tokens, lower-case, each once,
   * in order), `"all"` for `<@all>`; `[]` for none and for a deleted message.
   */
  mentions: z.array(IdSchema),
  /**
   * An addition to PROTOCOL v1: its files, in the order sent; `[]` once deleted. This server
   * always sends it; optional so that a message without files may leave it out.
   */
  attachments: z.array(AttachmentSchema).optional(),
});
export type Message = z.infer<typeof MessageSchema>;

export const ChatSchema = z.object({
  id: IdSchema,
  title: z.string(),
  /** An addition to PROTOCOL v1: set by the owner; `""` when there is none (direct chats never have one). */
  description: z.string(),
  kind: ChatKindSchema,
  visibility: VisibilitySchema,
  createdAt: IsoDateSchema,
  lastSeq: SeqSchema,
  lastMessage: MessageSchema.nullable(),
  unreadCount: z.number().int().min(0),
  /**
   * An addition to PROTOCOL v1: the caller's read marker (every message after it that is not
   * deleted is unread, their own excepted: a send moves it); `0` for a non-member.
   */
  readSeq: SeqSchema,
  /**
   * An addition to PROTOCOL v1: the chat's most recent activity, its last send (deleted since or
   * not) or its creation: the order of `GET /api/chats`.
   */
  lastActivityAt: IsoDateSchema,
  role: RoleSchema.nullable(),
  /** An addition to PROTOCOL v1: the chat's change cursor now; a client catches up from it. */
  rev: RevSchema,
  /**
   * An addition to PROTOCOL v1: what the caller may do here now (`Capability` values; a client
   * ignores one it does not know, so new capabilities stay additions).
   */
  capabilities: z.array(z.string()),
  /** An addition to PROTOCOL v1: the caller muted this chat (it never notifies them); `false` for a non-member. */
  muted: z.boolean(),
  /**
   * An addition to PROTOCOL v1: messages after the caller's read marker, by others, not deleted,
   * that mention the caller or `all`. `unreadMentionSeqs` lists the oldest of them, ascending, at
   * most `LIMITS.mentionSeqsMax`; it is complete when its length equals the count.
   */
  unreadMentionCount: z.number().int().min(0),
  unreadMentionSeqs: z.array(SeqSchema),
});
export type Chat = z.infer<typeof ChatSchema>;

/** Whether the server lets the caller do `what` in `chat`. */
export const can = (chat: Pick<Chat, 'capabilities'>, what: Capability) => chat.capabilities.includes(what);

/** `readSeq` is an addition to PROTOCOL v1: the member's read watermark. */
export const MemberSchema = z.object({
  user: UserSchema,
  role: RoleSchema,
  joinedAt: IsoDateSchema,
  /**
   * An addition to PROTOCOL v1: the chat's last `seq` when they joined. They were there for the
   * messages after it, the only ones "Seen by" counts them for (`…/readers`).
   */
  joinedSeq: SeqSchema,
  /**
   * An addition to PROTOCOL v1: the chat's rev when they joined. A `member` entry of the change
   * feed past a client's cursor is a join to it if `joinedRev` is past the cursor too, else a
   * change of a member it holds.
   */
  joinedRev: RevSchema,
  readSeq: SeqSchema,
});
export type Member = z.infer<typeof MemberSchema>;

/**
 * One entry of a chat's change log (`GET …/changes`, the `subscribe` reply): the CURRENT state
 * of what changed after the client's rev, each entity once, at the rev of its last change, in
 * rev order. A deleted message comes as its tombstone; a member who left as `left` (and, if
 * they came back, as `member` after it).
 */
export const ChatChangeSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('message'), rev: RevSchema, message: MessageSchema }),
  z.object({ type: z.literal('member'), rev: RevSchema, member: MemberSchema }),
  z.object({ type: z.literal('left'), rev: RevSchema, user: UserSchema }),
  /** The chat's title or description changed (an addition): its current values. */
  z.object({ type: z.literal('chat'), rev: RevSchema, title: z.string(), description: z.string() }),
]);
export type ChatChange = z.infer<typeof ChatChangeSchema>;

/**
 * An addition to PROTOCOL v1: an invite link to a group chat. `token` is the secret part of the
 * link (`/invite/<token>`); only the chat's owner and admins see invites. `expiresAt` and
 * `maxUses` are `null` when unlimited; `revokedAt` is set once revoked.
 */
export const ChatInviteSchema = z.object({
  id: IdSchema,
  chatId: IdSchema,
  token: z.string(),
  createdBy: UserRefSchema,
  createdAt: IsoDateSchema,
  expiresAt: IsoDateSchema.nullable(),
  maxUses: z.number().int().nullable(),
  uses: z.number().int().min(0),
  revokedAt: IsoDateSchema.nullable(),
});
export type ChatInvite = z.infer<typeof ChatInviteSchema>;
