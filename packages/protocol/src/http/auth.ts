import { z } from 'zod';
import { UserSchema } from '../entities.js';
import { PasswordSchema, UsernameSchema } from '../primitives.js';

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
export const UserSettingsSchema = z.object({ addableBy: AddableBySchema });
export type UserSettings = z.infer<typeof UserSettingsSchema>;
export const UserSettingsResponseSchema = z.object({ settings: UserSettingsSchema });
export type UserSettingsResponse = z.infer<typeof UserSettingsResponseSchema>;
export const UpdateSettingsBodySchema = z.strictObject({ addableBy: AddableBySchema.optional() });
export type UpdateSettingsBody = z.infer<typeof UpdateSettingsBodySchema>;
