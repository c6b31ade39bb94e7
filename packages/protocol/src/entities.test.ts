import { describe, expect, it } from 'vitest';
import {
  ChatKindSchema,
  ChatSchema,
  MemberSchema,
  MessageSchema,
  RoleSchema,
  UserRefSchema,
  UserSchema,
  VisibilitySchema,
} from './entities.js';
import { alice, aliceRef, chat, member, message, T1, without } from './test-fixtures.js';

describe('UserSchema', () => {
  it('[Authentication] user is {id, username, createdAt}', () => {
    expect(UserSchema.parse(alice)).toEqual(alice);
  });

  it.each(['id', 'username', 'createdAt'] as const)('[Authentication] rejects a user without %s', (key) => {
    expect(UserSchema.safeParse(without(alice, key)).success).toBe(false);
  });

  it('[Strictness] strips unknown keys, so a v1 client survives a server that adds fields', () => {
    expect(UserSchema.parse({ ...alice, statusEmoji: ':)', passwordHash: 'x' })).toEqual(alice);
  });

  it('[Messages] author is a UserRef {id, username}, with no createdAt required', () => {
    expect(UserRefSchema.parse(aliceRef)).toEqual(aliceRef);
    expect(UserRefSchema.safeParse({ id: alice.id }).success).toBe(false);
  });
});

describe('MessageSchema', () => {
  it('[Messages] accepts {id, chatId, seq, author, body, clientId, createdAt, editedAt, deletedAt}', () => {
    expect(MessageSchema.parse(message)).toEqual(message);
  });

  it('[Messages] an edited message carries editedAt', () => {
    const edited = { ...message, body: 'hello!', editedAt: T1 };
    expect(MessageSchema.parse(edited)).toEqual(edited);
  });

  it('[Messages] a deleted message keeps its seq, has body "" and deletedAt set', () => {
    const deleted = { ...message, body: '', deletedAt: T1 };
    expect(MessageSchema.parse(deleted)).toEqual(deleted);
  });

  it('[Messages] seq starts at 1: seq 0 and fractional seqs are rejected', () => {
    expect(MessageSchema.safeParse({ ...message, seq: 0 }).success).toBe(false);
    expect(MessageSchema.safeParse({ ...message, seq: 1.5 }).success).toBe(false);
  });

  it.each(['editedAt', 'deletedAt', 'clientId', 'author', 'seq', 'chatId'] as const)(
    '[Messages] rejects a message without %s (editedAt/deletedAt are string|null, never absent)',
    (key) => {
      expect(MessageSchema.safeParse(without(message, key)).success).toBe(false);
    },
  );

  it('[Strictness] strips unknown keys, nested ones included', () => {
    const parsed = MessageSchema.parse({
      ...message,
      reactions: [],
      author: { ...aliceRef, avatarUrl: '/a.png' },
    });
    expect(parsed).toEqual(message);
  });
});

describe('ChatSchema', () => {
  it('[Chats] accepts the documented chat', () => {
    expect(ChatSchema.parse(chat)).toEqual(chat);
  });

  it('[Chats] an empty chat has lastSeq 0 and lastMessage null; a non-member sees role null', () => {
    const empty = { ...chat, lastSeq: 0, lastMessage: null, role: null };
    expect(ChatSchema.parse(empty)).toEqual(empty);
  });

  it('[Chats] kind is group|direct, visibility public|private, role owner|admin|member|null', () => {
    expect(ChatKindSchema.options).toEqual(['group', 'direct']);
    expect(VisibilitySchema.options).toEqual(['public', 'private']);
    expect(RoleSchema.options).toEqual(['owner', 'admin', 'member']);
    expect(ChatSchema.safeParse({ ...chat, kind: 'channel' }).success).toBe(false);
    expect(ChatSchema.safeParse({ ...chat, visibility: 'secret' }).success).toBe(false);
    expect(ChatSchema.safeParse({ ...chat, role: 'guest' }).success).toBe(false);
  });

  it('[Chats] unreadCount is a non-negative integer', () => {
    expect(ChatSchema.safeParse({ ...chat, unreadCount: -1 }).success).toBe(false);
    expect(ChatSchema.safeParse({ ...chat, unreadCount: 0.5 }).success).toBe(false);
  });

  it.each(['lastMessage', 'role', 'unreadCount', 'lastSeq'] as const)(
    '[Chats] rejects a chat without %s (nullable fields are present as null)',
    (key) => {
      expect(ChatSchema.safeParse(without(chat, key)).success).toBe(false);
    },
  );

  it('[Strictness] strips unknown keys', () => {
    expect(ChatSchema.parse({ ...chat, topic: 'x', archived: true })).toEqual(chat);
  });
});

describe('MemberSchema', () => {
  it('[Chats › GET /api/chats/:chatId] member is {user, role, joinedAt}, plus readSeq (v1 addition)', () => {
    expect(MemberSchema.parse(member)).toEqual(member);
  });

  it('[v1 addition: Member.readSeq] readSeq is required, 0 or more', () => {
    expect(MemberSchema.safeParse(without(member, 'readSeq')).success).toBe(false);
    expect(MemberSchema.parse({ ...member, readSeq: 0 }).readSeq).toBe(0);
    expect(MemberSchema.safeParse({ ...member, readSeq: -1 }).success).toBe(false);
  });

  it('[Chats] a member role is never null', () => {
    expect(MemberSchema.safeParse({ ...member, role: null }).success).toBe(false);
  });
});
