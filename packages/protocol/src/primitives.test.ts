import { describe, expect, it } from 'vitest';
import { LIMITS } from './limits.js';
import {
  ChatDescriptionSchema,
  ChatTitleSchema,
  ClientIdSchema,
  DisplayNameSchema,
  IdSchema,
  IsoDateSchema,
  MessageBodySchema,
  PasswordSchema,
  SeqQuerySchema,
  SeqSchema,
  UsernameSchema,
} from './primitives.js';
import { UUID } from './test-fixtures.js';

const ok = (schema: { safeParse(v: unknown): { success: boolean } }, v: unknown) =>
  schema.safeParse(v).success;

describe('UsernameSchema', () => {
  it.each(['bob', 'alice_01', 'a.b-c', 'x'.repeat(32), '___', '0.9'])(
    '[username] accepts %j: 3–32 of a-z0-9_.-',
    (name) => {
      expect(UsernameSchema.parse(name)).toBe(name);
    },
  );

  it('[username] uniqueness is case-insensitive, a server rule; the schema also accepts A-Z', () => {
    expect(UsernameSchema.parse('Alice')).toBe('Alice');
  });

  it.each(['ab', 'x'.repeat(33), ''])('[username] rejects %j: length outside 3–32', (name) => {
    expect(ok(UsernameSchema, name)).toBe(false);
  });

  it.each(['al ice', 'alice!', 'al@ce', 'émile', 'ali/ce', 'ali\u0000ce', ' alice'])(
    '[username] rejects %j: a char outside a-z0-9_.-',
    (name) => {
      expect(ok(UsernameSchema, name)).toBe(false);
    },
  );

  it('[username] rejects a non-string', () => {
    expect(ok(UsernameSchema, 12345)).toBe(false);
  });
});

describe('PasswordSchema', () => {
  it('[password] accepts 8 and 128 chars', () => {
    expect(ok(PasswordSchema, 'p'.repeat(8))).toBe(true);
    expect(ok(PasswordSchema, 'p'.repeat(128))).toBe(true);
  });

  it('[password] rejects 7 chars and 129 chars (8–128)', () => {
    expect(ok(PasswordSchema, 'p'.repeat(7))).toBe(false);
    expect(ok(PasswordSchema, 'p'.repeat(129))).toBe(false);
  });

  it('[password] refuses unpaired surrogates (UTF-8 would make them all U+FFFD) and NUL; keeps astral characters', () => {
    expect(ok(PasswordSchema, '\ud800'.repeat(8))).toBe(false);
    expect(ok(PasswordSchema, `password\udc00`)).toBe(false);
    expect(ok(PasswordSchema, 'pass\u0000word')).toBe(false);
    expect(ok(PasswordSchema, '😀'.repeat(8))).toBe(true);
  });

  it('[password] is not trimmed: spaces count and are kept', () => {
    expect(PasswordSchema.parse('  secret  ')).toBe('  secret  ');
  });
});

describe('MessageBodySchema', () => {
  it('[body] accepts 1 and 4000 characters', () => {
    expect(ok(MessageBodySchema, 'x')).toBe(true);
    expect(ok(MessageBodySchema, 'x'.repeat(4000))).toBe(true);
  });

  it('[body] rejects the empty string and whitespace only (1–4000 after trimming)', () => {
    for (const body of ['', ' ', '\n\t  \r\n', '\u00a0\u2003\ufeff']) {
      expect(ok(MessageBodySchema, body)).toBe(false);
    }
  });

  it('[body] rejects 4001 characters after trimming, even with surrounding whitespace', () => {
    expect(ok(MessageBodySchema, 'x'.repeat(4001))).toBe(false);
    expect(ok(MessageBodySchema, `  ${'x'.repeat(4001)}  `)).toBe(false);
  });

  it('[body] accepts 4000 characters plus surrounding whitespace, and keeps the body verbatim', () => {
    const body = ` \n${'x'.repeat(4000)}\t\n `;
    expect(MessageBodySchema.parse(body)).toBe(body);
  });

  it('[body] the trimmed length is the only bound: 4000 chars with 5000 chars of padding are accepted', () => {
    const body = `${' '.repeat(2500)}${'x'.repeat(4000)}${'\n'.repeat(2500)}`;
    expect(MessageBodySchema.parse(body)).toBe(body);
  });

  it('[body] inner whitespace counts: 3999 chars around a space are 4000', () => {
    expect(ok(MessageBodySchema, `${'x'.repeat(2000)} ${'x'.repeat(1999)}`)).toBe(true);
    expect(ok(MessageBodySchema, `${'x'.repeat(2000)} ${'x'.repeat(2000)}`)).toBe(false);
  });

  it('[body] length is counted in UTF-16 code units: 2000 emoji fit, 2001 do not', () => {
    expect(ok(MessageBodySchema, '😀'.repeat(2000))).toBe(true);
    expect(ok(MessageBodySchema, '😀'.repeat(2001))).toBe(false);
  });

  it('[body] must be storable as sent: NUL and unpaired surrogates → 400, paired ones (emoji) fine', () => {
    for (const body of ['a\u0000b', '\u0000', 'x\uD800y', 'x\uDC00', 'end \uD83D']) {
      expect(ok(MessageBodySchema, body), JSON.stringify(body)).toBe(false);
    }
    expect(MessageBodySchema.safeParse('a\u0000b').error?.issues[0]?.message).toMatch(/NUL/);
    for (const body of ['😀', '\uD83D\uDE00 pair', 'tab\tnewline\n', '\u0001 control', '\uFFFF']) {
      expect(ok(MessageBodySchema, body), JSON.stringify(body)).toBe(true);
    }
  });

  it('[title] chat titles follow the same rule', () => {
    expect(ok(ChatTitleSchema, 'a\u0000b')).toBe(false);
    expect(ok(ChatTitleSchema, 'x\uD800')).toBe(false);
    expect(ok(ChatTitleSchema, 'Team 😀')).toBe(true);
  });

  it('[body] is plain text: markup is accepted as is', () => {
    expect(MessageBodySchema.parse('<b>hi</b> & <script>')).toBe('<b>hi</b> & <script>');
  });

  it('[body] rejects a non-string', () => {
    expect(ok(MessageBodySchema, 42)).toBe(false);
    expect(ok(MessageBodySchema, null)).toBe(false);
  });
});

describe('ChatTitleSchema', () => {
  it('[chat title] is trimmed, then 1–100 characters', () => {
    expect(ChatTitleSchema.parse('  General  ')).toBe('General');
    expect(ok(ChatTitleSchema, 't'.repeat(100))).toBe(true);
    expect(ok(ChatTitleSchema, 't'.repeat(101))).toBe(false);
    expect(ok(ChatTitleSchema, '   ')).toBe(false);
  });
});

describe('ClientIdSchema', () => {
  it('[clientId] accepts a UUID, upper or lower case', () => {
    expect(ClientIdSchema.parse(UUID)).toBe(UUID);
    expect(ok(ClientIdSchema, UUID.toUpperCase())).toBe(true);
  });

  it('[clientId] rejects empty, over 64 chars, and chars outside A-Za-z0-9_-', () => {
    expect(ok(ClientIdSchema, '')).toBe(false);
    expect(ok(ClientIdSchema, 'a'.repeat(65))).toBe(false);
    expect(ok(ClientIdSchema, 'a b')).toBe(false);
    expect(ok(ClientIdSchema, `{${UUID}}`)).toBe(false);
  });
});

describe('IdSchema', () => {
  it('[ids] are opaque: any non-empty string is accepted', () => {
    for (const id of ['c_1', '42', 'not-a-uuid', '../../etc', 'ß']) expect(IdSchema.parse(id)).toBe(id);
  });

  it('[ids] are opaque: no length is assumed (a malformed id is a 404 from the server, not a 400)', () => {
    const id = 'x'.repeat(200);
    expect(IdSchema.parse(id)).toBe(id);
  });

  it('[ids] rejects the empty string and non-strings', () => {
    expect(ok(IdSchema, '')).toBe(false);
    expect(ok(IdSchema, 42)).toBe(false);
    expect(ok(IdSchema, null)).toBe(false);
  });
});

describe('IsoDateSchema', () => {
  it('[times] accepts ISO-8601 UTC strings, with or without fractions', () => {
    expect(ok(IsoDateSchema, '2026-01-02T03:04:05Z')).toBe(true);
    expect(ok(IsoDateSchema, '2026-01-02T03:04:05.678Z')).toBe(true);
  });

  it('[times] rejects dates without a time, epoch numbers and free text', () => {
    expect(ok(IsoDateSchema, '2026-01-02')).toBe(false);
    expect(ok(IsoDateSchema, 1767323045000)).toBe(false);
    expect(ok(IsoDateSchema, 'yesterday')).toBe(false);
  });
});

describe('SeqSchema', () => {
  it('[seq] accepts integers from 0 to 2^31-1 (the column is a 32-bit integer)', () => {
    for (const seq of [0, 1, 42, 2 ** 31 - 1]) expect(SeqSchema.parse(seq)).toBe(seq);
  });

  it('[seq] rejects negatives, fractions, values past 2^31-1 and numeric strings', () => {
    for (const seq of [-1, 1.5, 2 ** 31, 2 ** 53 - 1, Number.MAX_SAFE_INTEGER + 1, '1', Number.NaN]) {
      expect(ok(SeqSchema, seq)).toBe(false);
    }
  });
});

describe('SeqQuerySchema', () => {
  it.each([
    ['0', 0],
    ['42', 42],
    ['007', 7],
    ['2147483647', 2147483647],
  ])('[query seq] accepts %j and turns it into the number %i', (raw, n) => {
    expect(SeqQuerySchema.parse(raw)).toBe(n);
  });

  it.each(['-1', '1.5', 'abc', '', ' 1', '1e3', '0x10', '+1', '1234567890123456'])(
    '[query seq] rejects %j (400 BAD_REQUEST)',
    (raw) => {
      expect(ok(SeqQuerySchema, raw)).toBe(false);
    },
  );
});

describe('cursors past 32 bits', () => {
  it.each(['2147483648', '9007199254740991', '99999999999'])('[query seq] %s is a 400, not a 500', (raw) => {
    expect(SeqQuerySchema.safeParse(raw).success).toBe(false);
  });
});

describe('IdSchema letter case', () => {
  it('[ids] an id in any letter case parses to its lower-case form', () => {
    expect(IdSchema.parse('3F2B8C1E-9A4D-4E6F-8B7A-1C2D3E4F5A6B')).toBe(
      '3f2b8c1e-9a4d-4e6f-8b7a-1c2d3e4f5a6b',
    );
  });
});

describe("text limits count UTF-16 code units, as a body does and an input's maxlength", () => {
  it('[lengths] titles, descriptions, display names and the public chat search: an emoji counts 2', () => {
    const cases: Array<[typeof ChatTitleSchema, number]> = [
      [ChatTitleSchema, LIMITS.titleMax],
      [ChatDescriptionSchema, LIMITS.descriptionMax],
      [DisplayNameSchema, LIMITS.displayNameMax],
    ];
    for (const [schema, max] of cases) {
      expect(ok(schema, '😀'.repeat(max / 2))).toBe(true);
      expect(ok(schema, `${'😀'.repeat(max / 2)}a`)).toBe(false);
      expect(ok(schema, 'a'.repeat(max))).toBe(true);
      expect(ok(schema, 'a'.repeat(max + 1))).toBe(false);
    }
    expect(ok(MessageBodySchema, '😀'.repeat(LIMITS.bodyMax / 2 + 1))).toBe(false);
  });
});
