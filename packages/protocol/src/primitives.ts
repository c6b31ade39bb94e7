import emojiRegex from 'emoji-regex';
import { z } from 'zod';
import { LIMITS } from './limits.js';

/**
 * Ids are opaque (PROTOCOL.md › Identity and transport): any non-empty string. No length or
 * format is assumed, so an id that names nothing is the server's 404, never a schema 400.
 * Letter case does not matter: ids are lower-cased on parsing, so `ABC…` and `abc…` are the
 * same id everywhere, routing of live events included (docs/PROTOCOL.md › Ids).
 */
export const IdSchema = z.string().min(1).toLowerCase();
export const IsoDateSchema = z.iso.datetime({ offset: true });

export const UsernameSchema = z
  .string()
  .min(LIMITS.usernameMin)
  .max(LIMITS.usernameMax)
  .regex(/^[a-zA-Z0-9_.-]+$/, 'may contain only letters, digits, "_", "." and "-"');

const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/**
 * Text that can be stored exactly as sent: no NUL character (Postgres text cannot hold one) and
 * no unpaired UTF-16 surrogate (not Unicode; UTF-8 would turn it into U+FFFD, so not verbatim).
 * A client gets 400 BAD_REQUEST for either, instead of a 500 or a silently altered message.
 */
export const isStorableText = (s: string) => !s.includes('\u0000') && !UNPAIRED_SURROGATE.test(s);
export const STORABLE_TEXT_MESSAGE = 'must be valid text (no NUL characters, no unpaired surrogates)';

/**
 * Hashed as UTF-8, where every unpaired surrogate becomes U+FFFD: unrefused, eight different
 * lone surrogates would all be one password.
 */
export const PasswordSchema = z
  .string()
  .min(LIMITS.passwordMin)
  .max(LIMITS.passwordMax)
  .refine(isStorableText, STORABLE_TEXT_MESSAGE);

/**
 * 1–4000 characters after trimming; stored verbatim (the trim only measures).
 * Length is counted in UTF-16 code units, as JavaScript's `length` does. Padding is bounded only
 * by the request/frame size limits (64 KiB), never by the schema.
 */
export const MessageBodySchema = z
  .string()
  .refine(isStorableText, STORABLE_TEXT_MESSAGE)
  .refine((s) => s.trim().length >= LIMITS.bodyMin, 'must not be empty')
  .refine((s) => s.trim().length <= LIMITS.bodyMax, `must be at most ${LIMITS.bodyMax} characters`);

/**
 * The body of a send that may carry attachments: like MessageBodySchema but may be empty (or
 * absent); the server refuses a send with neither text nor attachments (400, path `body`).
 */
export const SendBodySchema = z
  .string()
  .refine(isStorableText, STORABLE_TEXT_MESSAGE)
  .refine((s) => s.trim().length <= LIMITS.bodyMax, `must be at most ${LIMITS.bodyMax} characters`);

/**
 * A message is text, attachments, or both, never nothing (PROTOCOL.md › Attachments): the
 * refinement of every send, as `schema.refine(...MESSAGE_HAS_CONTENT)`.
 */
export const MESSAGE_HAS_CONTENT: [
  (m: { body: string; attachmentIds?: string[] | undefined }) => boolean,
  { path: string[]; message: string },
] = [
  (m) => m.body.trim().length > 0 || (m.attachmentIds?.length ?? 0) > 0,
  { path: ['body'], message: 'must not be empty unless the message has attachments' },
];

/** Attachments (uploaded first, `POST /api/uploads`) that a send puts on its message. */
export const AttachmentIdsSchema = z
  .array(z.string().min(1).toLowerCase())
  .max(LIMITS.attachmentsPerMessageMax, `at most ${LIMITS.attachmentsPerMessageMax} attachments`);

/**
 * A character that draws something by itself: a letter, digit, punctuation or symbol (emoji
 * included), but not one Unicode says to render as nothing (Default_Ignorable_Code_Point: zero-
 * width spaces and joiners, soft hyphen, bidi controls, the Hangul fillers, which are letters)
 * nor the blank braille pattern U+2800, the other favourite "invisible name".
 */
const VISIBLE_CHAR = /(?![\p{Default_Ignorable_Code_Point}\u2800])[\p{L}\p{N}\p{P}\p{S}]/u;

const VISIBLE_MESSAGE = 'must have at least one visible character';

/**
 * Every text limit counts UTF-16 code units, as a body's does and as `String.prototype.length`
 * and an HTML input's `maxlength` count: zod's own `max` counts code points, so a field limited
 * with it took twice as many astral characters (emoji) as a client's input would let through.
 */
export const atMostUnits = (max: number) =>
  [(s: string) => s.length <= max, `must be at most ${max} characters`] as const;

/** A chat title: trimmed, 1–100 characters, with at least one visible character (as a display name). */
export const ChatTitleSchema = z
  .string()
  .trim()
  .min(LIMITS.titleMin)
  .refine(...atMostUnits(LIMITS.titleMax))
  .refine(isStorableText, STORABLE_TEXT_MESSAGE)
  .refine((s) => VISIBLE_CHAR.test(s), VISIBLE_MESSAGE);

/** A chat's description: trimmed, 0–500 characters, stored trimmed. */
export const ChatDescriptionSchema = z
  .string()
  .trim()
  .refine(...atMostUnits(LIMITS.descriptionMax))
  .refine(isStorableText, STORABLE_TEXT_MESSAGE);

/**
 * A display name: trimmed, 1–64 characters, stored trimmed, with at least one visible character.
 * Clients show it instead of the username, so a name of zero-width or filler characters alone
 * would leave its user nameless, as blank as a name of spaces (which the trim already refuses).
 */
export const DisplayNameSchema = z
  .string()
  .trim()
  .min(1)
  .refine(...atMostUnits(LIMITS.displayNameMax))
  .refine(isStorableText, STORABLE_TEXT_MESSAGE)
  .refine((s) => VISIBLE_CHAR.test(s), VISIBLE_MESSAGE);

/** A client-chosen idempotency key; a UUID is recommended, any short token is accepted. */
export const ClientIdSchema = z
  .string()
  .min(1)
  .max(LIMITS.clientIdMax)
  .regex(/^[A-Za-z0-9_-]+$/, 'may contain only letters, digits, "_" and "-"');

/** A message's place in its chat; stored as a 32-bit integer, so larger values are a 400. */
export const SeqSchema = z.number().int().min(0).max(LIMITS.cursorMax);
/**
 * A chat's change cursor: every change its members can see (message created, edited, deleted;
 * member joined, left, role changed) takes the chat's next rev, gapless like seq.
 */
export const RevSchema = SeqSchema;

/** A cursor carried in a query string: digits only, so "-1", "1.5" and "abc" are 400s. */
export const SeqQuerySchema = z
  .string()
  .regex(/^\d{1,10}$/, 'must be a non-negative integer')
  .transform(Number)
  .pipe(z.number().max(LIMITS.cursorMax, `must be at most ${LIMITS.cursorMax}`));
export const RevQuerySchema = SeqQuerySchema;

/** A page size carried in a query string: 1–3 digits with a value from 1 to `max`. */
export const limitQuery = (max: number) =>
  z
    .string()
    .regex(/^\d{1,3}$/, `must be an integer from 1 to ${max}`)
    .transform(Number)
    .pipe(z.number().int().min(1).max(max));

// One emoji and nothing else: emoji-regex (Unicode's emoji-test.txt, kept current by its
// maintainer) matches whole sequences (ZWJ families, flags, keycaps, skin tones), anchored here.
const ONE_EMOJI = new RegExp(`^(?:${emojiRegex().source})$`);

/**
 * The fully-qualified form of one emoji (UTS #51 ED-18/ED-19): every emoji character that is text
 * by default (U+2764 heart, keycap digits, U+1F3F3 in the rainbow flag) carries U+FE0F, unless an
 * emoji modifier (skin tone) follows it. Keyboards differ in whether they send the selector, so
 * `❤` and `❤️` would otherwise be two reactions, counted apart, and one user could spend two of
 * their reactions on one heart. U+FE0E (text presentation) is not an emoji and stays refused.
 */
export function qualifyEmoji(emoji: string): string {
  const chars = [...emoji.replaceAll('\uFE0F', '')];
  let out = '';
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    out += c;
    const textByDefault = /^\p{Emoji}$/u.test(c) && !/^\p{Emoji_Presentation}$/u.test(c);
    const modified = /^\p{Emoji_Modifier}$/u.test(chars[i + 1] ?? '');
    if (textByDefault && !/^\p{Emoji_Modifier}$/u.test(c) && !modified) out += '\uFE0F';
  }
  return out;
}

/**
 * A reaction: exactly one emoji (any, including sequences), as Unicode defines them. Text, two
 * emoji, or an emoji with text around it is a 400. It becomes its fully-qualified form
 * (`qualifyEmoji`), so one emoji is one reaction however the client's keyboard typed it.
 */
export const EmojiSchema = z
  .string()
  .min(1)
  .max(LIMITS.emojiMax)
  .refine((s) => ONE_EMOJI.test(s), 'must be exactly one emoji')
  .transform(qualifyEmoji)
  .pipe(z.string().max(LIMITS.emojiMax));
