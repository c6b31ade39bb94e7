import { describe, expect, it } from 'vitest';
import { aliceRef, message, UUID } from '../test-fixtures.js';
import {
  EditMessageBodySchema,
  MessagePageQuerySchema,
  MessagePageSchema,
  MessageParamsSchema,
  MessageResponseSchema,
  ReactionParamsSchema,
  ReadersResponseSchema,
  SendMessageBodySchema,
} from './messages.js';

describe('GET /api/chats/:chatId/messages query', () => {
  it('[Messages] no cursor and no limit is valid (the newest page, default limit applied by the server)', () => {
    expect(MessagePageQuerySchema.parse({})).toEqual({});
  });

  it('[Messages] beforeSeq, afterSeq and limit arrive as strings and become numbers', () => {
    expect(MessagePageQuerySchema.parse({ beforeSeq: '42', afterSeq: '0', limit: '200' })).toEqual({
      beforeSeq: 42,
      afterSeq: 0,
      limit: 200,
    });
  });

  it.each(['-1', '1.5', 'abc', ''])('[Messages] a seq of %j is a 400 that names the parameter', (raw) => {
    for (const key of ['beforeSeq', 'afterSeq']) {
      const result = MessagePageQuerySchema.safeParse({ [key]: raw });
      expect(result.success).toBe(false);
      expect(result.error?.issues.map((i) => i.path.join('.'))).toEqual([key]);
    }
  });

  it('[Messages] limit is 1–200: 0 and 201 are rejected, 1 and 200 accepted', () => {
    expect(MessagePageQuerySchema.safeParse({ limit: '0' }).success).toBe(false);
    expect(MessagePageQuerySchema.safeParse({ limit: '201' }).success).toBe(false);
    expect(MessagePageQuerySchema.parse({ limit: '1' })).toEqual({ limit: 1 });
    expect(MessagePageQuerySchema.parse({ limit: '200' })).toEqual({ limit: 200 });
  });

  it.each(['-5', '2.5', 'ten', '1000'])('[Messages] rejects limit %j', (limit) => {
    expect(MessagePageQuerySchema.safeParse({ limit }).success).toBe(false);
  });

  it('[Strictness] rejects an unknown query parameter (a typo such as "after" is not ignored)', () => {
    expect(MessagePageQuerySchema.safeParse({ after: '5' }).success).toBe(false);
  });

  it('[Messages] a repeated parameter (parsed as an array) is rejected', () => {
    expect(MessagePageQuerySchema.safeParse({ afterSeq: ['1', '2'] }).success).toBe(false);
  });
});

describe('POST /api/chats/:chatId/messages body', () => {
  it('[Messages] accepts {clientId, body} and keeps the body verbatim', () => {
    const body = { clientId: UUID, body: '  hi there \n' };
    expect(SendMessageBodySchema.parse(body)).toEqual(body);
  });

  it('[Messages] rejects a missing clientId or body', () => {
    expect(SendMessageBodySchema.safeParse({ body: 'hi' }).success).toBe(false);
    expect(SendMessageBodySchema.safeParse({ clientId: UUID }).success).toBe(false);
  });

  it('[body] rejects empty, whitespace-only and 4001 characters after trimming', () => {
    for (const body of ['', ' \n\t ', 'x'.repeat(4001), ` ${'x'.repeat(4001)} `]) {
      expect(SendMessageBodySchema.safeParse({ clientId: UUID, body }).success).toBe(false);
    }
  });

  it('[body] accepts 4000 characters plus surrounding whitespace', () => {
    const body = `\n  ${'x'.repeat(4000)}  \n`;
    expect(SendMessageBodySchema.parse({ clientId: UUID, body }).body).toBe(body);
  });

  it('[Strictness] is strict: chatId belongs in the path, author is never taken from the body', () => {
    expect(SendMessageBodySchema.safeParse({ clientId: UUID, body: 'hi', chatId: 'c_1' }).success).toBe(
      false,
    );
    expect(SendMessageBodySchema.safeParse({ clientId: UUID, body: 'hi', author: aliceRef }).success).toBe(
      false,
    );
  });
});

describe('PATCH /api/chats/:chatId/messages/:messageId body', () => {
  it('[Messages] accepts {body}', () => {
    expect(EditMessageBodySchema.parse({ body: 'edited' })).toEqual({ body: 'edited' });
  });

  it('[Messages] rejects an empty body, a missing body and unknown keys', () => {
    expect(EditMessageBodySchema.safeParse({ body: '   ' }).success).toBe(false);
    expect(EditMessageBodySchema.safeParse({}).success).toBe(false);
    expect(EditMessageBodySchema.safeParse({ body: 'x', clientId: UUID }).success).toBe(false);
  });
});

describe('message responses', () => {
  it('[Messages] a page is {messages, hasMore}', () => {
    const page = { messages: [message], hasMore: false };
    expect(MessagePageSchema.parse(page)).toEqual(page);
    expect(MessagePageSchema.safeParse({ messages: [message] }).success).toBe(false);
  });

  it('[Messages] an empty page (afterSeq past lastSeq) is {messages: [], hasMore: false}', () => {
    expect(MessagePageSchema.parse({ messages: [], hasMore: false })).toEqual({
      messages: [],
      hasMore: false,
    });
  });

  it('[Messages] send (201/200) and edit answer {message}', () => {
    expect(MessageResponseSchema.parse({ message })).toEqual({ message });
    expect(MessageResponseSchema.safeParse(message).success).toBe(false);
  });

  it('[Strictness] responses strip unknown keys', () => {
    expect(MessagePageSchema.parse({ messages: [], hasMore: true, nextCursor: 'x' })).toEqual({
      messages: [],
      hasMore: true,
    });
  });

  it('[v1 addition: readers] GET …/messages/:messageId/readers answers {readers: UserRef[]}', () => {
    expect(ReadersResponseSchema.parse({ readers: [aliceRef] })).toEqual({ readers: [aliceRef] });
    expect(ReadersResponseSchema.parse({ readers: [] })).toEqual({ readers: [] });
    expect(ReadersResponseSchema.safeParse({ readers: [{ id: 'u_bob' }] }).success).toBe(false);
    expect(ReadersResponseSchema.safeParse({}).success).toBe(false);
  });

  it('[ids] :chatId and :messageId params are both required', () => {
    expect(MessageParamsSchema.parse({ chatId: 'c_1', messageId: 'm_1' })).toEqual({
      chatId: 'c_1',
      messageId: 'm_1',
    });
    expect(MessageParamsSchema.safeParse({ chatId: 'c_1' }).success).toBe(false);
  });
});

describe('v1 additions: aroundSeq, replies, reactions', () => {
  it('aroundSeq is a cursor of its own: digits, and never with beforeSeq or afterSeq', () => {
    expect(MessagePageQuerySchema.parse({ aroundSeq: '40', limit: '20' })).toEqual({
      aroundSeq: 40,
      limit: 20,
    });
    for (const bad of [
      { aroundSeq: '-1' },
      { aroundSeq: '' },
      { aroundSeq: '40', afterSeq: '1' },
      { aroundSeq: '4', beforeSeq: '9' },
    ]) {
      expect(MessagePageQuerySchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });

  it('a reaction path names one emoji: sequences yes, text or two emoji no', () => {
    for (const emoji of ['👍', '❤️', '👨‍👩‍👧', '🇷🇺', '1️⃣', '👍🏿', '🏴󠁧󠁢󠁳󠁣󠁴󠁿'])
      expect(ReactionParamsSchema.safeParse({ chatId: 'c', messageId: 'm', emoji }).success, emoji).toBe(
        true,
      );
    for (const emoji of ['a', 'lol', '👍👍', ' 👍', '<b>', '\u0000', '\uD83D', '👍'.repeat(20)])
      expect(ReactionParamsSchema.safeParse({ chatId: 'c', messageId: 'm', emoji }).success, emoji).toBe(
        false,
      );
  });

  it('a reply names its original by id, in any letter case', () => {
    expect(SendMessageBodySchema.parse({ clientId: 'c1', body: 'x', replyToId: 'ABC' }).replyToId).toBe(
      'abc',
    );
  });
});
