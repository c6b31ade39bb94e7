import { z } from 'zod';
import {
  ChatChangeSchema,
  ChatInviteSchema,
  ChatSchema,
  MemberSchema,
  VisibilitySchema,
} from '../entities.js';
import { LIMITS } from '../limits.js';
import {
  atMostUnits,
  ChatDescriptionSchema,
  ChatTitleSchema,
  IdSchema,
  isStorableText,
  limitQuery,
  RevQuerySchema,
  RevSchema,
  SeqSchema,
  STORABLE_TEXT_MESSAGE,
  UsernameSchema,
} from '../primitives.js';

export const ChatParamsSchema = z.strictObject({ chatId: IdSchema });
export const MemberParamsSchema = z.strictObject({ chatId: IdSchema, userId: IdSchema });

/** `GET /api/chats/public` (and, with `nextCursor`, a page of `GET /api/chats`). */
export const ChatListResponseSchema = z.object({ chats: z.array(ChatSchema) });
export type ChatListResponse = z.infer<typeof ChatListResponseSchema>;

/**
 * `GET /api/chats?limit=&cursor=`: the caller's chats, most recent activity first, a page at a
 * time (`limit` 1–200, default 100). `nextCursor` fetches the next page; `null` on the last.
 */
export const ChatListQuerySchema = z.strictObject({
  limit: limitQuery(LIMITS.chatPageMax).optional(),
  cursor: z.string().min(1).max(LIMITS.cursorTokenMax).optional(),
});
export type ChatListQuery = z.input<typeof ChatListQuerySchema>;
export const ChatListPageSchema = ChatListResponseSchema.extend({ nextCursor: z.string().nullable() });
export type ChatListPage = z.infer<typeof ChatListPageSchema>;

export const PublicChatsQuerySchema = z.strictObject({
  q: z
    .string()
    .trim()
    .refine(...atMostUnits(LIMITS.searchMax))
    .refine(isStorableText, STORABLE_TEXT_MESSAGE)
    .optional(),
});

export const CreateChatBodySchema = z.strictObject({
  title: ChatTitleSchema,
  visibility: VisibilitySchema.default('private'),
  members: z.array(UsernameSchema).max(LIMITS.membersMax).default([]),
});
export type CreateChatBody = z.input<typeof CreateChatBodySchema>;

export const DirectChatBodySchema = z.strictObject({ username: UsernameSchema });
export type DirectChatBody = z.infer<typeof DirectChatBodySchema>;

/** Answer of create (201), direct, and join. */
export const ChatResponseSchema = z.object({ chat: ChatSchema });
export type ChatResponse = z.infer<typeof ChatResponseSchema>;

/** `GET /api/chats/:chatId`. */
export const ChatDetailResponseSchema = z.object({
  chat: ChatSchema,
  members: z.array(MemberSchema),
});
export type ChatDetailResponse = z.infer<typeof ChatDetailResponseSchema>;

export const AddMemberBodySchema = z.strictObject({ username: UsernameSchema });
export type AddMemberBody = z.infer<typeof AddMemberBodySchema>;
export const MemberResponseSchema = z.object({ member: MemberSchema });

/**
 * Addition to PROTOCOL v1: `PATCH /api/chats/:chatId/members/:userId` `{role}` → `{member}`.
 * The owner makes a member an admin or back; the owner's own role is not changed this way.
 */
export const UpdateMemberBodySchema = z.strictObject({ role: z.enum(['admin', 'member']) });
export type UpdateMemberBody = z.infer<typeof UpdateMemberBodySchema>;
export type MemberResponse = z.infer<typeof MemberResponseSchema>;

export const ReadBodySchema = z.strictObject({ seq: SeqSchema });
export type ReadBody = z.infer<typeof ReadBodySchema>;

/**
 * Addition to PROTOCOL v1: `GET /api/chats/:chatId/changes?afterRev=&limit=`, the chat's change
 * log after `afterRev` (default 0), oldest first, at most `limit` (1–200, default 200).
 * `rev` is where the client stands after applying the page: the last change's rev when
 * `hasMore`, else the chat's rev now.
 */
export const ChangesQuerySchema = z.strictObject({
  afterRev: RevQuerySchema.optional(),
  limit: limitQuery(LIMITS.changesMax).optional(),
});
export type ChangesQuery = z.input<typeof ChangesQuerySchema>;

export const ChangesResponseSchema = z.object({
  chatId: IdSchema,
  rev: RevSchema,
  changes: z.array(ChatChangeSchema),
  hasMore: z.boolean(),
});
export type ChangesResponse = z.infer<typeof ChangesResponseSchema>;

/**
 * Addition to PROTOCOL v1: `PATCH /api/chats/:chatId` `{title?, description?}` → `{chat}`.
 * The owner renames a group chat or sets its description; at least one field. A change takes
 * the chat's next rev (`chat.updated`); the same values again change nothing.
 */
export const UpdateChatBodySchema = z
  .strictObject({ title: ChatTitleSchema.optional(), description: ChatDescriptionSchema.optional() })
  .refine((b) => b.title !== undefined || b.description !== undefined, 'title or description is required');
export type UpdateChatBody = z.input<typeof UpdateChatBodySchema>;

/** Addition to PROTOCOL v1: invite links (`/api/chats/:chatId/invites`, `/api/invites/:token`). */
export const InviteParamsSchema = z.strictObject({ chatId: IdSchema, inviteId: IdSchema });
export const InviteTokenParamsSchema = z.strictObject({
  token: z.string().min(1).max(LIMITS.inviteTokenMax),
});
/** Both optional: no expiry, no limit on uses. `expiresInSeconds` counts from the server's clock. */
export const CreateInviteBodySchema = z.strictObject({
  expiresInSeconds: z.number().int().min(60).max(LIMITS.inviteMaxSeconds).optional(),
  maxUses: z.number().int().min(1).max(LIMITS.inviteMaxUses).optional(),
});
export type CreateInviteBody = z.infer<typeof CreateInviteBodySchema>;
export const InviteResponseSchema = z.object({ invite: ChatInviteSchema });
export type InviteResponse = z.infer<typeof InviteResponseSchema>;
export const InviteListResponseSchema = z.object({ invites: z.array(ChatInviteSchema) });
export type InviteListResponse = z.infer<typeof InviteListResponseSchema>;
/**
 * `GET /api/invites/:token`: what the link leads to, for the "Join?" page. `member`: the caller
 * is in the chat already.
 */
export const InvitePreviewResponseSchema = z.object({
  chat: z.object({
    id: IdSchema,
    title: z.string(),
    description: z.string(),
    memberCount: z.number().int().min(0),
  }),
  member: z.boolean(),
});
export type InvitePreviewResponse = z.infer<typeof InvitePreviewResponseSchema>;

/**
 * Addition to PROTOCOL v1: `PUT /api/chats/:chatId/mute` `{muted}` → 204. Personal (no rev); the
 * caller's other sockets learn it from `chat.muted`.
 */
export const MuteBodySchema = z.strictObject({ muted: z.boolean() });
export type MuteBody = z.infer<typeof MuteBodySchema>;
