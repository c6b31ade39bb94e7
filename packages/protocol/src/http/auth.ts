import { z } from 'zod';
import { UserSchema } from '../entities.js';
import { DisplayNameSchema, PasswordSchema, UsernameSchema } from '../primitives.js';

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
 * (the default), or `contacts`, people who already share a chat with them.
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
