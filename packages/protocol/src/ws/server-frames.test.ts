import { describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../limits.js';
import { alice, member, message, T0 } from '../test-fixtures.js';
import {
  ErrorFrameSchema,
  HelloFrameSchema,
  ReplyFrameSchema,
  ServerEventSchema,
  ServerFrameSchema,
  TypingEventSchema,
} from './server-frames.js';

const hello = {
  type: 'hello',
  user: alice,
  protocolVersion: PROTOCOL_VERSION,
  heartbeatMs: 25000,
  serverTime: T0,
};

/** One valid event per row of PROTOCOL.md › WebSocket › Server → client events. */
const EVENTS = {
  'message.created': { type: 'message.created', message },
  'message.updated': { type: 'message.updated', message: { ...message, body: '', deletedAt: T0 } },
  typing: { type: 'typing', chatId: 'c_1', user: alice },
  presence: { type: 'presence', user: alice, online: true },
  'member.joined': { type: 'member.joined', chatId: 'c_1', user: alice, rev: 4 },
  'member.left': { type: 'member.left', chatId: 'c_1', user: alice, rev: 5 },
  'member.updated': { type: 'member.updated', chatId: 'c_1', member: { ...member, role: 'admin' }, rev: 6 },
  read: { type: 'read', chatId: 'c_1', userId: alice.id, seq: 42 },
  'chat.updated': { type: 'chat.updated', chatId: 'c_1', title: 'Team', description: 'Plans', rev: 7 },
  'chat.deleted': { type: 'chat.deleted', chatId: 'c_1' },
  'chat.muted': { type: 'chat.muted', chatId: 'c_1', muted: true },
  'user.updated': { type: 'user.updated', user: { ...alice, displayName: 'Alice L.' } },
  'reaction.added': {
    type: 'reaction.added',
    chatId: 'c_1',
    messageId: 'm_1',
    emoji: '👍',
    user: { id: alice.id, username: alice.username },
    rev: 7,
  },
  'reaction.removed': {
    type: 'reaction.removed',
    chatId: 'c_1',
    messageId: 'm_1',
    emoji: '👍',
    user: { id: alice.id, username: alice.username },
    rev: 8,
  },
} as const;

describe('HelloFrameSchema', () => {
  it('[WebSocket] hello is {type, user, protocolVersion: 1, heartbeatMs, serverTime}', () => {
    expect(HelloFrameSchema.parse(hello)).toEqual(hello);
    expect(HelloFrameSchema.parse(hello).protocolVersion).toBe(1);
  });

  it.each(['user', 'protocolVersion', 'heartbeatMs', 'serverTime'])(
    '[WebSocket] hello requires %s',
    (key) => {
      const { [key as keyof typeof hello]: _omitted, ...rest } = hello;
      expect(HelloFrameSchema.safeParse(rest).success).toBe(false);
    },
  );

  it('[WebSocket] heartbeatMs is a positive integer', () => {
    expect(HelloFrameSchema.safeParse({ ...hello, heartbeatMs: 0 }).success).toBe(false);
    expect(HelloFrameSchema.safeParse({ ...hello, heartbeatMs: '25000' }).success).toBe(false);
  });
});

describe('ReplyFrameSchema', () => {
  it('[WebSocket] an ok reply is {type: "reply", id, ok: true, data}', () => {
    const reply = { type: 'reply', id: 7, ok: true, data: { message } };
    expect(ReplyFrameSchema.parse(reply)).toEqual(reply);
  });

  it('[WebSocket] an error reply is {type: "reply", id, ok: false, error: {code, message}}', () => {
    const reply = {
      type: 'reply',
      id: 'r1',
      ok: false,
      error: { code: 'FORBIDDEN', message: 'not a member' },
    };
    expect(ReplyFrameSchema.parse(reply)).toEqual(reply);
  });

  it('[WebSocket] a reply without an id, an ok reply without data, or an error reply with an unknown code is rejected', () => {
    expect(ReplyFrameSchema.safeParse({ type: 'reply', ok: true, data: {} }).success).toBe(false);
    expect(ReplyFrameSchema.safeParse({ type: 'reply', id: 1, ok: true }).success).toBe(false);
    expect(
      ReplyFrameSchema.safeParse({ type: 'reply', id: 1, ok: false, error: { code: 'OOPS', message: 'x' } })
        .success,
    ).toBe(false);
  });

  it('[WebSocket] ok: false needs error, ok: true does not accept error instead of data', () => {
    expect(ReplyFrameSchema.safeParse({ type: 'reply', id: 1, ok: false, data: {} }).success).toBe(false);
    expect(
      ReplyFrameSchema.safeParse({
        type: 'reply',
        id: 1,
        ok: true,
        error: { code: 'INTERNAL', message: 'x' },
      }).success,
    ).toBe(false);
  });
});

describe('ErrorFrameSchema', () => {
  it('[WebSocket] a bad frame without an id gets {type: "error", error: {code, message}}', () => {
    const frame = { type: 'error', error: { code: 'BAD_REQUEST', message: 'invalid frame' } };
    expect(ErrorFrameSchema.parse(frame)).toEqual(frame);
    expect(ErrorFrameSchema.safeParse({ type: 'error', code: 'BAD_REQUEST' }).success).toBe(false);
  });
});

describe('ServerEventSchema', () => {
  it('[WebSocket] covers exactly the documented event types', () => {
    expect(ServerEventSchema.options.map((o) => o.shape.type.value).sort()).toEqual(
      Object.keys(EVENTS).sort(),
    );
  });

  it.each(Object.entries(EVENTS))('[WebSocket] accepts the documented %s event', (_type, event) => {
    expect(ServerEventSchema.parse(event)).toEqual(event);
  });

  it.each([
    ['message.created', 'message'],
    ['typing', 'user'],
    ['presence', 'online'],
    ['member.joined', 'chatId'],
    ['member.updated', 'member'],
    ['read', 'seq'],
    ['chat.updated', 'rev'],
    ['chat.deleted', 'chatId'],
  ] as const)('[WebSocket] rejects a %s event without %s', (type, key) => {
    const { [key]: _omitted, ...rest } = EVENTS[type] as Record<string, unknown>;
    expect(ServerEventSchema.safeParse(rest).success).toBe(false);
  });

  it('[WebSocket] rejects an unknown event type', () => {
    expect(ServerEventSchema.safeParse({ type: 'chat.archived', chatId: 'c_1' }).success).toBe(false);
  });

  it.each(Object.entries(EVENTS))('[Strictness] a %s event strips unknown keys', (_type, event) => {
    expect(ServerEventSchema.parse({ ...event, instance: 'srv-2' })).toEqual(event);
  });
});

describe('TypingEventSchema', () => {
  it('[v1 addition: typing.active] active is optional: absent means typing', () => {
    expect(TypingEventSchema.parse(EVENTS.typing)).not.toHaveProperty('active');
  });

  it('[v1 addition: typing.active] active: false says the user stopped, active: true is explicit typing', () => {
    expect(TypingEventSchema.parse({ ...EVENTS.typing, active: false }).active).toBe(false);
    expect(TypingEventSchema.parse({ ...EVENTS.typing, active: true }).active).toBe(true);
  });

  it('[v1 addition: typing.active] active must be a boolean', () => {
    expect(TypingEventSchema.safeParse({ ...EVENTS.typing, active: 'false' }).success).toBe(false);
    expect(TypingEventSchema.safeParse({ ...EVENTS.typing, active: 0 }).success).toBe(false);
  });
});

describe('ServerFrameSchema', () => {
  it('[WebSocket] accepts hello, replies, error frames and every event', () => {
    const frames = [
      hello,
      { type: 'reply', id: 1, ok: true, data: {} },
      { type: 'reply', id: 1, ok: false, error: { code: 'NOT_FOUND', message: 'no such chat' } },
      { type: 'error', error: { code: 'BAD_REQUEST', message: 'x' } },
      ...Object.values(EVENTS),
    ];
    for (const frame of frames) expect(ServerFrameSchema.parse(frame)).toEqual(frame);
  });

  it('[WebSocket] rejects client frames and unknown types', () => {
    expect(ServerFrameSchema.safeParse({ type: 'ping' }).success).toBe(false);
    expect(ServerFrameSchema.safeParse({ type: 'subscribe', chatId: 'c_1' }).success).toBe(false);
    expect(ServerFrameSchema.safeParse({ type: 'pong' }).success).toBe(false);
  });
});
