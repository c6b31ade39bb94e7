// Shared fixtures for the schema tests: valid values shaped exactly like PROTOCOL.md's examples.
// Tests derive invalid inputs from these by changing one thing at a time.
import type { z } from 'zod';
import type { Chat, Member, Message, User, UserRef } from './entities.js';

export const T0 = '2026-01-02T03:04:05.678Z';
export const T1 = '2026-01-02T03:05:00Z';

export const alice: User = { id: 'u_alice', username: 'alice', createdAt: T0 };
export const bob: User = { id: 'u_bob', username: 'bob', createdAt: T0 };
export const aliceRef: UserRef = { id: alice.id, username: alice.username };

export const UUID = '3f2b8c1e-9a4d-4e6f-8b7a-1c2d3e4f5a6b';

export const message: Message = {
  id: 'm_1',
  chatId: 'c_1',
  seq: 1,
  author: aliceRef,
  body: 'hello',
  clientId: UUID,
  createdAt: T0,
  editedAt: null,
  deletedAt: null,
  rev: 3,
  replyTo: null,
  reactions: [],
  pinnedAt: null,
  mentions: [],
  attachments: [],
};

export const chat: Chat = {
  id: 'c_1',
  title: 'General',
  description: '',
  kind: 'group',
  visibility: 'public',
  createdAt: T0,
  lastSeq: 1,
  lastMessage: message,
  unreadCount: 0,
  readSeq: 1,
  lastActivityAt: T0,
  role: 'owner',
  rev: 3,
  capabilities: ['read', 'post', 'edit-own', 'delete-own', 'delete-any', 'add-members', 'leave'],
  muted: false,
  unreadMentionCount: 0,
  unreadMentionSeqs: [],
};

export const member: Member = {
  user: alice,
  role: 'owner',
  joinedAt: T0,
  joinedSeq: 0,
  joinedRev: 1,
  readSeq: 1,
};

/** The paths of the issues a failed parse reports, joined with ".", for asserting where it failed. */
export function issuePaths(schema: z.ZodType, input: unknown): string[] {
  const result = schema.safeParse(input);
  if (result.success) return [];
  return result.error.issues.map((i) => i.path.join('.'));
}

/** The issue codes of a failed parse (empty when it succeeds). */
export function issueCodes(schema: z.ZodType, input: unknown): string[] {
  const result = schema.safeParse(input);
  if (result.success) return [];
  return result.error.issues.map((i) => i.code);
}

/** Returns a copy of `obj` without `key`. */
export function without<T extends object, K extends keyof T>(obj: T, key: K): Omit<T, K> {
  const { [key]: _omitted, ...rest } = obj;
  return rest;
}
