import {
  AuthResponseSchema,
  type ChangePasswordBody,
  type Credentials,
  MeResponseSchema,
  SessionListResponseSchema,
  type UpdateProfileBody,
  type UpdateSettingsBody,
  type User,
  UserSettingsResponseSchema,
} from '@chatsockets/protocol';
import { isApiError, request, requestNoContent } from './http';

export const authApi = {
  register: (body: Credentials) => request('POST', '/api/auth/register', AuthResponseSchema, { body }),
  login: (body: Credentials) => request('POST', '/api/auth/login', AuthResponseSchema, { body }),
  logout: () => requestNoContent('POST', '/api/auth/logout'),
  /** The signed-in user, or null when there is no valid session. */
  me: async (signal?: AbortSignal): Promise<User | null> => {
    try {
      return (await request('GET', '/api/me', MeResponseSchema, { signal })).user;
    } catch (err) {
      if (isApiError(err, 'UNAUTHORIZED')) return null;
      throw err;
    }
  },
  updateProfile: (body: UpdateProfileBody) => request('PATCH', '/api/me', MeResponseSchema, { body }),
  settings: (signal?: AbortSignal) =>
    request('GET', '/api/me/settings', UserSettingsResponseSchema, { signal }),
  updateSettings: (body: UpdateSettingsBody) =>
    request('PATCH', '/api/me/settings', UserSettingsResponseSchema, { body }),
  changePassword: (body: ChangePasswordBody) => requestNoContent('POST', '/api/me/password', { body }),
  sessions: (signal?: AbortSignal) =>
    request('GET', '/api/me/sessions', SessionListResponseSchema, { signal }),
  revokeSession: (sessionId: string) =>
    requestNoContent('DELETE', `/api/me/sessions/${encodeURIComponent(sessionId)}`),
  revokeOtherSessions: () => requestNoContent('DELETE', '/api/me/sessions'),
  uploadAvatar: (file: Blob) => request('PUT', '/api/me/avatar', MeResponseSchema, { file }),
  removeAvatar: () => request('DELETE', '/api/me/avatar', MeResponseSchema),
};
