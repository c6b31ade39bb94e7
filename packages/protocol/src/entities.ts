import { z } from 'zod';
import { IdSchema, IsoDateSchema, SeqSchema } from './primitives.js';

// Entities are what the server sends. Their schemas strip unknown keys (z.object), so a
// client built against v1 keeps working when the server adds a field (docs/PROTOCOL.md › Strictness).

export const UserSchema = z.object({
  id: IdSchema,
  username: z.string(),
  createdAt: IsoDateSchema,
});
export type User = z.infer<typeof UserSchema>;

export const UserRefSchema = z.object({ id: IdSchema, username: z.string() });
export type UserRef = z.infer<typeof UserRefSchema>;

export const RoleSchema = z.enum(['owner', 'admin', 'member']);
export type Role = z.infer<typeof RoleSchema>;

export const ChatKindSchema = z.enum(['group', 'direct']);
export type ChatKind = z.infer<typeof ChatKindSchema>;

export const VisibilitySchema = z.enum(['public', 'private']);
export type Visibility = z.infer<typeof VisibilitySchema>;

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
});
export type Message = z.infer<typeof MessageSchema>;

export const ChatSchema = z.object({
  id: IdSchema,
  title: z.string(),
  kind: ChatKindSchema,
  visibility: VisibilitySchema,
  createdAt: IsoDateSchema,
  lastSeq: SeqSchema,
  lastMessage: MessageSchema.nullable(),
  unreadCount: z.number().int().min(0),
  role: RoleSchema.nullable(),
});
export type Chat = z.infer<typeof ChatSchema>;

/** `readSeq` is an addition to PROTOCOL v1: the member's read watermark. */
export const MemberSchema = z.object({
  user: UserSchema,
  role: RoleSchema,
  joinedAt: IsoDateSchema,
  readSeq: SeqSchema,
});
export type Member = z.infer<typeof MemberSchema>;
