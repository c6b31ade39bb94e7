import { z } from 'zod';
import { UserSchema } from '../entities.js';
import { LIMITS } from '../limits.js';
import { DisplayNameSchema, IdSchema, IsoDateSchema, PasswordSchema, UsernameSchema } from '../primitives.js';

export const CredentialsSchema = z.strictObject({
  username: UsernameSchema,
  password: PasswordSchema,
});
export type Credentials = z.infer<typeof CredentialsSchema>;
export const RegisterBodySchema = CredentialsSchema;
export const LoginBodySchema = CredentialsSchema;

/** `POST /api/auth/register` (201) and `POST /api/auth/login` (200). */
export const AuthResponseSchema = z.object({ user: UserSchema, token: z.string() });
export type AuthResponse = z.infer<typeof AuthResponseSchema>;

/** `GET /api/me`. */
export const MeResponseSchema = z.object({ user: UserSchema });
export type MeResponse = z.infer<typeof MeResponseSchema>;

/**
 * `GET`/`PATCH /api/me/settings`. `addableBy`: who may add the user to group chats: `anyone`
 * (the default), or `contacts`, people they have written to in a private chat (docs/PROTOCOL.md).
 */
export const AddableBySchema = z.enum(['anyone', 'contacts']);
/** `showLastSeen` (an addition, default `true`): others see when the user was last online. */
export const UserSettingsSchema = z.object({ addableBy: AddableBySchema, showLastSeen: z.boolean() });
export type UserSettings = z.infer<typeof UserSettingsSchema>;
export const UserSettingsResponseSchema = z.object({ settings: UserSettingsSchema });
export type UserSettingsResponse = z.infer<typeof UserSettingsResponseSchema>;
export const UpdateSettingsBodySchema = z.strictObject({
  addableBy: AddableBySchema.optional(),
  showLastSeen: z.boolean().optional(),
});
export type UpdateSettingsBody = z.infer<typeof UpdateSettingsBodySchema>;

/**
 * Addition to PROTOCOL v1: `PATCH /api/me` `{displayName}` → `{user}`. `null` (or only spaces
 * trimmed away is a 400) clears it; the username never changes. Others see it live
 * (`user.updated`).
 */
export const UpdateProfileBodySchema = z.strictObject({ displayName: DisplayNameSchema.nullable() });
export type UpdateProfileBody = z.infer<typeof UpdateProfileBodySchema>;

/**
 * Addition to PROTOCOL v1: `POST /api/me/password` → 204. The current password is required
 * (`403` when wrong); every other session of the user ends (their sockets close with 4401).
 */
export const ChangePasswordBodySchema = z.strictObject({
  currentPassword: z.string().min(1).max(LIMITS.passwordMax),
  newPassword: PasswordSchema,
});
export type ChangePasswordBody = z.infer<typeof ChangePasswordBodySchema>;

/** Addition to PROTOCOL v1: one of your live sessions (`GET /api/me/sessions`). */
export const SessionSchema = z.object({
  id: IdSchema,
  createdAt: IsoDateSchema,
  lastActiveAt: IsoDateSchema,
  /** The browser's User-Agent when it signed in (at most 256 characters), if it sent one. */
  userAgent: z.string().nullable(),
  /** The session this request came with. */
  current: z.boolean(),
});
export type Session = z.infer<typeof SessionSchema>;
export const SessionListResponseSchema = z.object({ sessions: z.array(SessionSchema) });
export type SessionListResponse = z.infer<typeof SessionListResponseSchema>;
export const SessionParamsSchema = z.strictObject({ sessionId: IdSchema });
