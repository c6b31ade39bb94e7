import { randomBytes } from 'node:crypto';
import { type AuthResponse, AuthResponseSchema } from '@chatsockets/protocol';
import type { FastifyInstance } from 'fastify';

export interface TestUser extends AuthResponse {
  headers: { authorization: string };
}

export const uniqueName = (prefix = 'user') => `${prefix}_${randomBytes(4).toString('hex')}`;

export async function registerUser(app: FastifyInstance, username = uniqueName()): Promise<TestUser> {
  const res = await app.inject({
    method: 'POST',
    url: '/api/auth/register',
    payload: { username, password: 'correct horse battery' },
  });
  if (res.statusCode !== 201) throw new Error(`register failed: ${res.statusCode} ${res.body}`);
  const auth = AuthResponseSchema.parse(res.json());
  return { ...auth, headers: { authorization: `Bearer ${auth.token}` } };
}
