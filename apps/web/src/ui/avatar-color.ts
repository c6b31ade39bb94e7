/**
 * Generated avatars: initials on a colour picked from the user's id, so the same person has the
 * same colour everywhere and on every device. Every colour of the palette holds white text at a
 * contrast ratio of at least 4.5:1 (WCAG AA; tested).
 */
export const AVATAR_PALETTE = [
  '#b4233c',
  '#a3340f',
  '#8a4b00',
  '#5f6300',
  '#2e6b12',
  '#0b7046',
  '#00716a',
  '#006b8f',
  '#1f5fbf',
  '#4b4fc9',
  '#7440b8',
  '#97318f',
] as const;

/** FNV-1a over the id: stable, cheap, spreads neighbouring ids apart. */
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export const avatarColor = (id: string): string => AVATAR_PALETTE[hash(id) % AVATAR_PALETTE.length]!;

/** Up to two letters: the first of the first two words, else the first two of the one word. */
export function initialsOf(name: string): string {
  const words = name
    .trim()
    .split(/[\s._-]+/)
    .filter(Boolean);
  const letters = (w: string) => [...w];
  if (words.length === 0) return '?';
  if (words.length === 1) return letters(words[0]!).slice(0, 2).join('').toUpperCase();
  return (letters(words[0]!)[0]! + letters(words[1]!)[0]!).toUpperCase();
}

/** WCAG relative luminance contrast between two #rrggbb colours. */
export function contrastRatio(a: string, b: string): number {
  const lum = (hex: string) => {
    const [r, g, bl] = [1, 3, 5].map((i) => {
      const c = Number.parseInt(hex.slice(i, i + 2), 16) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    }) as [number, number, number];
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}
