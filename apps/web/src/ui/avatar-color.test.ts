import { describe, expect, it } from 'vitest';
import { AVATAR_PALETTE, avatarColor, contrastRatio, initialsOf } from './avatar-color';

describe('generated avatars', () => {
  it('[contrast] white initials on every palette colour reach WCAG AA (4.5:1)', () => {
    for (const colour of AVATAR_PALETTE)
      expect(contrastRatio('#ffffff', colour), colour).toBeGreaterThanOrEqual(4.5);
    expect(contrastRatio('#ffffff', '#000000')).toBeCloseTo(21, 5);
  });

  it('[deterministic] the same id always gets the same colour; ids spread over the palette', () => {
    expect(avatarColor('3f2b8c1e-9a4d-4e6f-8b7a-1c2d3e4f5a6b')).toBe(
      avatarColor('3f2b8c1e-9a4d-4e6f-8b7a-1c2d3e4f5a6b'),
    );
    const used = new Set(Array.from({ length: 200 }, (_, i) => avatarColor(`user-${i}`)));
    expect(used.size).toBe(AVATAR_PALETTE.length);
  });

  it('[initials] two words, one word, separators, emoji and Cyrillic', () => {
    expect(initialsOf('Alice Liddell')).toBe('AL');
    expect(initialsOf('bob')).toBe('BO');
    expect(initialsOf('carol_smith')).toBe('CS');
    expect(initialsOf('  борис  годунов ')).toBe('БГ');
    expect(initialsOf('😀 smile')).toBe('😀S');
    expect(initialsOf('   ')).toBe('?');
  });
});
