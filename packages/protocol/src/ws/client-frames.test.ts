import { describe, expect, it } from 'vitest';
import { UUID } from '../test-fixtures.js';
import { CLIENT_FRAME_TYPES, ClientFrameSchema, FrameIdSchema } from './client-frames.js';

/** One valid frame per row of PROTOCOL.md › WebSocket › Client → server, with every field it documents. */
const EXAMPLES = {
  subscribe: { type: 'subscribe', chatId: 'c_1', afterSeq: 41 },
  unsubscribe: { type: 'unsubscribe', chatId: 'c_1' },
  'message.send': { type: 'message.send', chatId: 'c_1', clientId: UUID, body: 'hello' },
  'message.edit': { type: 'message.edit', messageId: 'm_1', body: 'hello!' },
  'message.delete': { type: 'message.delete', messageId: 'm_1' },
  typing: { type: 'typing', chatId: 'c_1' },
  read: { type: 'read', chatId: 'c_1', seq: 42 },
  ping: { type: 'ping' },
  'reaction.add': { type: 'reaction.add', messageId: 'm_1', emoji: '👍' },
  'reaction.remove': { type: 'reaction.remove', messageId: 'm_1', emoji: '👍🏽' },
  'message.pin': { type: 'message.pin', messageId: 'm_1' },
  'message.unpin': { type: 'message.unpin', messageId: 'm_1' },
} as const;

/** The fields each frame type requires (besides `type`). */
const REQUIRED: Record<keyof typeof EXAMPLES, string[]> = {
  subscribe: ['chatId'],
  unsubscribe: ['chatId'],
  'message.send': ['chatId', 'clientId', 'body'],
  'message.edit': ['messageId', 'body'],
  'message.delete': ['messageId'],
  typing: ['chatId'],
  read: ['chatId', 'seq'],
  ping: [],
  'reaction.add': ['messageId', 'emoji'],
  'reaction.remove': ['messageId', 'emoji'],
  'message.pin': ['messageId'],
  'message.unpin': ['messageId'],
};

const parse = (frame: unknown) => ClientFrameSchema.safeParse(frame);

describe('ClientFrameSchema', () => {
  it('[WebSocket] CLIENT_FRAME_TYPES lists exactly the documented client frame types', () => {
    expect([...CLIENT_FRAME_TYPES].sort()).toEqual(Object.keys(EXAMPLES).sort());
  });

  it.each(Object.entries(EXAMPLES))('[WebSocket] accepts the documented %s frame', (_type, frame) => {
    expect(parse(frame).data).toEqual(frame);
  });

  it.each(Object.entries(EXAMPLES))(
    '[WebSocket] accepts a %s frame with a string id and a number id',
    (_t, frame) => {
      expect(parse({ ...frame, id: 'req-1' }).data).toEqual({ ...frame, id: 'req-1' });
      expect(parse({ ...frame, id: 7 }).data).toEqual({ ...frame, id: 7 });
    },
  );

  it('[WebSocket] subscribe without afterSeq is valid (afterSeq?)', () => {
    expect(parse({ type: 'subscribe', chatId: 'c_1' }).success).toBe(true);
  });

  it.each(
    Object.entries(REQUIRED).flatMap(([type, fields]) => fields.map((field) => [type, field] as const)),
  )('[WebSocket] rejects a %s frame without %s', (type, field) => {
    const frame: Record<string, unknown> = { ...EXAMPLES[type as keyof typeof EXAMPLES] };
    delete frame[field];
    const result = parse(frame);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join('.'))).toContain(field);
  });

  it.each(Object.entries(EXAMPLES))('[Strictness] rejects a %s frame with an unknown key', (_type, frame) => {
    const result = parse({ ...frame, chatID: 'c_1' });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.code)).toContain('unrecognized_keys');
  });

  it.each(['message.create', 'Subscribe', 'hello', 'reply', '', 'message.updated'])(
    '[WebSocket] rejects the unknown frame type %j',
    (type) => {
      expect(parse({ type, chatId: 'c_1' }).success).toBe(false);
    },
  );

  it('[WebSocket] rejects a frame without type, and non-objects', () => {
    for (const frame of [{ chatId: 'c_1' }, null, 'ping', ['ping'], 42])
      expect(parse(frame).success).toBe(false);
  });

  it('[body] message.send and message.edit reject empty, whitespace-only and 4001-char bodies', () => {
    for (const body of ['', '  \n ', 'x'.repeat(4001)]) {
      expect(parse({ ...EXAMPLES['message.send'], body }).success).toBe(false);
      expect(parse({ ...EXAMPLES['message.edit'], body }).success).toBe(false);
    }
  });

  it('[body] message.send may be only attachments; without any it needs text', () => {
    const bare = { type: 'message.send', chatId: 'c_1', clientId: UUID };
    expect(parse({ ...bare, attachmentIds: ['A_1'] }).success).toBe(true);
    expect(parse({ ...bare, body: ' ', attachmentIds: ['a_1'] }).success).toBe(true);
    expect(parse({ ...bare, attachmentIds: [] }).success).toBe(false);
    expect(parse(bare).error?.issues.map((i) => i.path.join('.'))).toEqual(['body']);
  });

  it('[body] message.send accepts 4000 chars plus surrounding whitespace, verbatim', () => {
    const body = `  ${'x'.repeat(4000)}\n`;
    const result = parse({ ...EXAMPLES['message.send'], body });
    expect(result.success && result.data.type === 'message.send' && result.data.body).toBe(body);
  });

  it('[ids] are opaque: an odd or long chatId passes the schema (the server answers NOT_FOUND), "" does not', () => {
    for (const chatId of ['x'.repeat(100), 'not-a-uuid', '42']) {
      expect(parse({ ...EXAMPLES.subscribe, chatId }).success).toBe(true);
    }
    expect(parse({ ...EXAMPLES.subscribe, chatId: '' }).success).toBe(false);
    expect(parse({ ...EXAMPLES.subscribe, chatId: 42 }).success).toBe(false);
  });

  it('[seq] subscribe.afterSeq and read.seq are non-negative integers, never strings', () => {
    for (const afterSeq of [-1, 1.5, '3'])
      expect(parse({ ...EXAMPLES.subscribe, afterSeq }).success).toBe(false);
    for (const seq of [-1, 1.5, '3']) expect(parse({ ...EXAMPLES.read, seq }).success).toBe(false);
    expect(parse({ ...EXAMPLES.subscribe, afterSeq: 0 }).success).toBe(true);
  });
});

describe('FrameIdSchema', () => {
  it.each([['r1'], [UUID], [0], [1], [-3], [2 ** 40]])(
    '[WebSocket] an id is a string or a number: %j',
    (id) => {
      expect(FrameIdSchema.parse(id)).toBe(id);
    },
  );

  it('[WebSocket] an id is any string or number: "", 1.5 and a long string also get their reply', () => {
    for (const id of ['', 1.5, 'i'.repeat(100)]) expect(FrameIdSchema.parse(id)).toBe(id);
  });

  it.each([[null], [true], [{ n: 1 }], [['r1']]])(
    '[WebSocket] rejects the id %j (not a string or number)',
    (id) => {
      expect(FrameIdSchema.safeParse(id).success).toBe(false);
      expect(parse({ type: 'ping', id }).success).toBe(false);
    },
  );
});

describe('v1 additions: replies and reactions', () => {
  it('message.send takes an optional replyToId, lower-cased like every id', () => {
    const frame = { type: 'message.send', chatId: 'c_1', clientId: UUID, body: 'hi', replyToId: 'M_1' };
    expect(parse(frame).data).toMatchObject({ replyToId: 'm_1' });
    expect(parse({ ...frame, replyToId: '' }).success).toBe(false);
  });

  it.each(['a', ':)', '👍👍', '👍 ', 'x👍', '', '1', '#'])(
    'reaction.add refuses %j: not exactly one emoji',
    (emoji) => {
      expect(parse({ type: 'reaction.add', messageId: 'm_1', emoji }).success).toBe(false);
    },
  );
});
