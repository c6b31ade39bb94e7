import { describe, expect, it } from 'vitest';
import { alice, bob, message, T0 } from '../test-fixtures.js';
import { CLIENT_FRAME_TYPES } from './client-frames.js';
import { REPLY_DATA_SCHEMAS, SubscribeReplySchema } from './replies.js';

/** One valid `data` per row of PROTOCOL.md › WebSocket › Client → server ("reply data"). */
const EXAMPLES: Record<string, unknown> = {
  subscribe: {
    chatId: 'c_1',
    lastSeq: 1,
    missed: [message],
    rev: 3,
    changes: [],
    hasMore: false,
    typing: [bob],
    online: [alice],
  },
  unsubscribe: {},
  'message.send': { message },
  'message.edit': { message },
  'message.delete': {},
  typing: {},
  read: {},
  ping: { serverTime: T0 },
};

describe('REPLY_DATA_SCHEMAS', () => {
  it('[WebSocket] every client frame type in CLIENT_FRAME_TYPES has a reply schema', () => {
    for (const type of CLIENT_FRAME_TYPES) expect(REPLY_DATA_SCHEMAS).toHaveProperty([type]);
  });

  it('[WebSocket] has no reply schema for a frame type that does not exist', () => {
    expect(Object.keys(REPLY_DATA_SCHEMAS).sort()).toEqual([...CLIENT_FRAME_TYPES].sort());
  });

  it.each(Object.entries(EXAMPLES))(
    '[WebSocket] the %s reply data matches the documented shape',
    (type, data) => {
      const schema = REPLY_DATA_SCHEMAS[type as keyof typeof REPLY_DATA_SCHEMAS];
      expect(schema.parse(data)).toEqual(data);
    },
  );

  it('[WebSocket] message.send/edit reply data is {message}, not a bare message', () => {
    expect(REPLY_DATA_SCHEMAS['message.send'].safeParse(message).success).toBe(false);
    expect(REPLY_DATA_SCHEMAS['message.edit'].safeParse({}).success).toBe(false);
  });

  it('[WebSocket] ping reply data requires serverTime as an ISO date', () => {
    expect(REPLY_DATA_SCHEMAS.ping.safeParse({}).success).toBe(false);
    expect(REPLY_DATA_SCHEMAS.ping.safeParse({ serverTime: Date.parse(T0) }).success).toBe(false);
  });

  it('[Strictness] empty reply data strips unknown keys rather than failing', () => {
    expect(REPLY_DATA_SCHEMAS.unsubscribe.parse({ note: 'x' })).toEqual({});
  });
});

describe('SubscribeReplySchema', () => {
  const data = EXAMPLES.subscribe as Record<string, unknown>;

  it.each(['chatId', 'lastSeq', 'missed', 'hasMore'])('[WebSocket] subscribe data requires %s', (key) => {
    const { [key]: _omitted, ...rest } = data;
    expect(SubscribeReplySchema.safeParse(rest).success).toBe(false);
  });

  it('[v1 addition: subscribe typing/online] typing and online are User[] and present', () => {
    expect(SubscribeReplySchema.parse({ ...data, typing: [], online: [] })).toMatchObject({
      typing: [],
      online: [],
    });
    const { typing: _t, ...withoutTyping } = data;
    const { online: _o, ...withoutOnline } = data;
    expect(SubscribeReplySchema.safeParse(withoutTyping).success).toBe(false);
    expect(SubscribeReplySchema.safeParse(withoutOnline).success).toBe(false);
    expect(SubscribeReplySchema.safeParse({ ...data, online: [alice.id] }).success).toBe(false);
  });

  it('[Strictness] subscribe data strips unknown keys', () => {
    expect(SubscribeReplySchema.parse({ ...data, readers: {} })).toEqual(data);
  });
});
