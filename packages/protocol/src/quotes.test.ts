import { describe, expect, it } from 'vitest';
import { LIMITS } from './limits.js';
import { previewOf } from './quotes.js';

describe('previewOf (docs/PROTOCOL.md › Replies)', () => {
  it('[preview] the first line with text in it, trimmed; blank lines before it skipped', () => {
    expect(previewOf('  \n\n  hello there  \nsecond')).toBe('hello there');
    expect(previewOf('one line')).toBe('one line');
    expect(previewOf('')).toBe('');
  });

  it('[preview] a line of only invisible characters (zero-width space, joiners, BOM) has no text in it', () => {
    expect(previewOf('\u200b\nvisible')).toBe('visible');
    expect(previewOf('\u200d\u2060\ufeff\n\u200c \nvisible')).toBe('visible');
    expect(previewOf('\u200b')).toBe('');
  });

  it('[preview] cut at the limit, never inside a character a reader sees as one (ZWJ sequences, flags, accents)', () => {
    const family = '👨‍👩‍👧‍👦'; // 7 code points
    const cut = previewOf(`${'a'.repeat(LIMITS.replyPreviewMax - 3)}${family} more`);
    expect(cut).toBe(`${'a'.repeat(LIMITS.replyPreviewMax - 3)}…`);
    const flag = '🏴󠁧󠁢󠁥󠁮󠁧󠁿'; // 7 code points, tag characters
    expect(previewOf(`${'b'.repeat(LIMITS.replyPreviewMax - 1)}${flag}`)).toBe(
      `${'b'.repeat(LIMITS.replyPreviewMax - 1)}…`,
    );
    // Within the limit a cluster stays whole, however many code points it has.
    expect(previewOf(`${'c'.repeat(LIMITS.replyPreviewMax - 7)}${family}`)).toBe(
      `${'c'.repeat(LIMITS.replyPreviewMax - 7)}${family}`,
    );
    const accented = 'e\u0301'.repeat(LIMITS.replyPreviewMax); // é as e + combining acute
    const shown = previewOf(accented);
    expect(shown.endsWith('…')).toBe(true);
    expect(Array.from(shown.slice(0, -1)).length).toBeLessThanOrEqual(LIMITS.replyPreviewMax);
    expect(shown.slice(0, -1)).toBe('e\u0301'.repeat(LIMITS.replyPreviewMax / 2));
    // One cluster longer than the limit: cut by code points, not left empty.
    const heavy = `a${'\u0301'.repeat(300)} tail`;
    expect(previewOf(heavy)).toBe(`a${'\u0301'.repeat(LIMITS.replyPreviewMax - 1)}…`);
    // A cut right after a space: no space before the ellipsis.
    expect(previewOf(`${'x'.repeat(LIMITS.replyPreviewMax - 1)} more`)).toBe(
      `${'x'.repeat(LIMITS.replyPreviewMax - 1)}…`,
    );
  });
});
