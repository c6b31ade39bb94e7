import { describe, expect, it } from 'vitest';
import { bob, chat, member } from '../test-fixtures.js';
import {
  AddMemberBodySchema,
  ChatDetailResponseSchema,
  ChatListResponseSchema,
  ChatParamsSchema,
  ChatResponseSchema,
  CreateChatBodySchema,
  CreateInviteBodySchema,
  DirectChatBodySchema,
  MemberParamsSchema,
  MemberResponseSchema,
  PublicChatsQuerySchema,
  ReadBodySchema,
  UpdateChatBodySchema,
  UpdateMemberBodySchema,
} from './chats.js';

describe('POST /api/chats body', () => {
  it('[Chats] accepts {title} and defaults visibility to "private" and members to []', () => {
    expect(CreateChatBodySchema.parse({ title: 'General' })).toEqual({
      title: 'General',
      visibility: 'private',
      members: [],
    });
  });

  it('[Chats] accepts {title, visibility, members: usernames[]}', () => {
    const body = { title: 'Team', visibility: 'public', members: ['bob', 'carol'] };
    expect(CreateChatBodySchema.parse(body)).toEqual(body);
  });

  it('[Chats] rejects a missing or blank title', () => {
    expect(CreateChatBodySchema.safeParse({ visibility: 'public' }).success).toBe(false);
    expect(CreateChatBodySchema.safeParse({ title: '  ' }).success).toBe(false);
  });

  it('[Chats] rejects an unknown visibility and members that are not usernames', () => {
    expect(CreateChatBodySchema.safeParse({ title: 't', visibility: 'hidden' }).success).toBe(false);
    expect(CreateChatBodySchema.safeParse({ title: 't', members: [bob.id, 'x'] }).success).toBe(false);
    expect(CreateChatBodySchema.safeParse({ title: 't', members: 'bob' }).success).toBe(false);
  });

  it('[Strictness] is strict: kind cannot be smuggled in, nor any unknown key', () => {
    expect(CreateChatBodySchema.safeParse({ title: 't', kind: 'direct' }).success).toBe(false);
    expect(CreateChatBodySchema.safeParse({ title: 't', owner: 'bob' }).success).toBe(false);
  });
});

describe('POST /api/chats/direct and POST /api/chats/:chatId/members bodies', () => {
  it.each([
    ['direct', DirectChatBodySchema],
    ['members', AddMemberBodySchema],
  ])('[Chats] %s: accepts {username}, rejects a bad or missing one and unknown keys', (_n, schema) => {
    expect(schema.parse({ username: 'bob' })).toEqual({ username: 'bob' });
    expect(schema.safeParse({}).success).toBe(false);
    expect(schema.safeParse({ username: 'b' }).success).toBe(false);
    expect(schema.safeParse({ userId: bob.id }).success).toBe(false);
    expect(schema.safeParse({ username: 'bob', role: 'admin' }).success).toBe(false);
  });
});

describe('POST /api/chats/:chatId/read body', () => {
  it('[Chats] accepts {seq}, 0 included', () => {
    expect(ReadBodySchema.parse({ seq: 7 })).toEqual({ seq: 7 });
    expect(ReadBodySchema.parse({ seq: 0 })).toEqual({ seq: 0 });
  });

  it('[Chats] rejects a negative, fractional or string seq, a missing one, and unknown keys', () => {
    for (const body of [{ seq: -1 }, { seq: 1.5 }, { seq: '7' }, {}, { seq: 1, chatId: 'c_1' }]) {
      expect(ReadBodySchema.safeParse(body).success).toBe(false);
    }
  });
});

describe('GET /api/chats/public query', () => {
  it('[Chats] q is optional and trimmed', () => {
    expect(PublicChatsQuerySchema.parse({})).toEqual({});
    expect(PublicChatsQuerySchema.parse({ q: '  gen ' })).toEqual({ q: 'gen' });
  });

  it('[Strictness] rejects unknown query parameters and a q over 100 chars', () => {
    expect(PublicChatsQuerySchema.safeParse({ q: 'gen', page: '2' }).success).toBe(false);
    expect(PublicChatsQuerySchema.safeParse({ q: 'q'.repeat(101) }).success).toBe(false);
    expect(PublicChatsQuerySchema.safeParse({ q: 'a\u0000' }).success).toBe(false);
  });
});

describe('route params', () => {
  it('[ids] :chatId and :userId are opaque strings; unknown params are rejected', () => {
    expect(ChatParamsSchema.parse({ chatId: 'c_1' })).toEqual({ chatId: 'c_1' });
    expect(MemberParamsSchema.parse({ chatId: 'c_1', userId: 'u_bob' })).toEqual({
      chatId: 'c_1',
      userId: 'u_bob',
    });
    expect(MemberParamsSchema.safeParse({ chatId: 'c_1' }).success).toBe(false);
    expect(ChatParamsSchema.safeParse({ chatId: 'c_1', extra: 'x' }).success).toBe(false);
  });
});

describe('chat responses', () => {
  it('[Chats] GET /api/chats and /api/chats/public answer {chats}', () => {
    expect(ChatListResponseSchema.parse({ chats: [chat] })).toEqual({ chats: [chat] });
    expect(ChatListResponseSchema.parse({ chats: [] })).toEqual({ chats: [] });
    expect(ChatListResponseSchema.safeParse([chat]).success).toBe(false);
  });

  it('[Chats] create, direct and join answer {chat}', () => {
    expect(ChatResponseSchema.parse({ chat })).toEqual({ chat });
    expect(ChatResponseSchema.safeParse(chat).success).toBe(false);
  });

  it('[Chats] GET /api/chats/:chatId answers {chat, members: [{user, role, joinedAt, readSeq}]}', () => {
    const res = { chat, members: [member] };
    expect(ChatDetailResponseSchema.parse(res)).toEqual(res);
    expect(ChatDetailResponseSchema.safeParse({ chat }).success).toBe(false);
  });

  it('[Chats] POST /api/chats/:chatId/members answers 201 {member}', () => {
    expect(MemberResponseSchema.parse({ member })).toEqual({ member });
  });

  it('[Strictness] responses strip unknown keys', () => {
    expect(ChatDetailResponseSchema.parse({ chat, members: [member], invites: [] })).toEqual({
      chat,
      members: [member],
    });
  });
});

describe('[roles] UpdateMemberBodySchema', () => {
  it('accepts admin and member, rejects owner and extra keys', () => {
    expect(UpdateMemberBodySchema.parse({ role: 'admin' })).toEqual({ role: 'admin' });
    expect(UpdateMemberBodySchema.safeParse({ role: 'member' }).success).toBe(true);
    expect(UpdateMemberBodySchema.safeParse({ role: 'owner' }).success).toBe(false);
    expect(UpdateMemberBodySchema.safeParse({ role: 'admin', extra: 1 }).success).toBe(false);
  });
});

describe('UpdateChatBodySchema (addition)', () => {
  it('trims a title and a description; an empty description clears it', () => {
    expect(UpdateChatBodySchema.parse({ title: '  Team ', description: '  ' })).toEqual({
      title: 'Team',
      description: '',
    });
  });
  it('needs title or description, and refuses unknown keys, an empty title, 501 characters', () => {
    expect(UpdateChatBodySchema.safeParse({}).success).toBe(false);
    expect(UpdateChatBodySchema.safeParse({ name: 'x' }).success).toBe(false);
    expect(UpdateChatBodySchema.safeParse({ title: '   ' }).success).toBe(false);
    expect(UpdateChatBodySchema.safeParse({ description: 'x'.repeat(501) }).success).toBe(false);
    expect(UpdateChatBodySchema.safeParse({ description: 'x'.repeat(500) }).success).toBe(true);
    expect(UpdateChatBodySchema.safeParse({ description: 'a\u0000b' }).success).toBe(false);
  });
});

describe('CreateInviteBodySchema (addition)', () => {
  it('both limits optional; integers in range only', () => {
    expect(CreateInviteBodySchema.parse({})).toEqual({});
    expect(CreateInviteBodySchema.parse({ expiresInSeconds: 3600, maxUses: 5 })).toEqual({
      expiresInSeconds: 3600,
      maxUses: 5,
    });
    for (const bad of [
      { maxUses: 0 },
      { maxUses: 1.5 },
      { maxUses: 100_001 },
      { maxUses: '5' },
      { expiresInSeconds: 59 },
      { expiresInSeconds: 366 * 24 * 3600 },
      { uses: 1 },
    ])
      expect(CreateInviteBodySchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
  });
});
