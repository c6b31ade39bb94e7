import { z } from 'zod';
import { ChatSchema, MemberSchema, VisibilitySchema } from '../entities.js';
import { LIMITS } from '../limits.js';
import {
  ChatTitleSchema,
  IdSchema,
  isStorableText,
  SeqSchema,
  STORABLE_TEXT_MESSAGE,
  UsernameSchema,
} from '../primitives.js';

export const ChatParamsSchema = z.strictObject({ chatId: IdSchema });
export const MemberParamsSchema = z.strictObject({ chatId: IdSchema, userId: IdSchema });

/** `GET /api/chats` and `GET /api/chats/public`. */
export const ChatListResponseSchema = z.object({ chats: z.array(ChatSchema) });
export type ChatListResponse = z.infer<typeof ChatListResponseSchema>;

export const PublicChatsQuerySchema = z.strictObject({
  q: z.string().trim().max(LIMITS.searchMax).refine(isStorableText, STORABLE_TEXT_MESSAGE).optional(),
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
