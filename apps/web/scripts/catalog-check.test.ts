import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  catalogProblems,
  findKeyUses,
  findLiterals,
  loadCatalogs,
  missingKeys,
  sourceFiles,
} from './catalog-check';

const src = fileURLToPath(new URL('../src', import.meta.url));
const catalogs = loadCatalogs(`${src}/i18n/locales`);
const where = (f: { file: string; line: number; text: string }) =>
  `${f.file.slice(src.length + 1)}:${f.line}: "${f.text}"`;

describe('catalogs', () => {
  it('[i18n] no component holds user-visible text outside the catalogs', () => {
    expect(
      sourceFiles(src)
        .flatMap((f) => findLiterals(f))
        .map(where),
    ).toEqual([]);
  });

  it('[i18n] every language has every namespace, key and plural form', () => {
    expect(Object.keys(catalogs).sort()).toEqual(['en', 'ru']);
    expect(catalogProblems(catalogs)).toEqual([]);
  });

  it("[i18n] every t('key') has an entry in every language", () => {
    const uses = sourceFiles(src, ['.ts', '.tsx']).flatMap((f) => findKeyUses(f));
    expect(uses.length).toBeGreaterThan(50);
    expect(missingKeys(uses, catalogs).map((p) => p.slice(src.length + 1))).toEqual([]);
  });

  // The guard itself, on snippets: it must see what it is meant to see.
  it('[i18n] the guard finds JSX text, text attributes and rendered literals, and passes symbols and keys', () => {
    const snippet = `
      export const A = ({ ok }: { ok: boolean }) => (
        <div title="Hover text" aria-label={ok ? 'Yes' : t('no')}>
          Hello
          {ok && 'Shown'}
          {\`\${n} left\`}
          <input placeholder="Type…" alt={t('x')} />
          <span aria-hidden="true">✕ ← ·</span>{' '}
          {t('fine')}
        </div>
      );`;
    expect(findLiterals('x.tsx', snippet).map((f) => f.text)).toEqual([
      'Hover text',
      'Yes',
      'Hello',
      'Shown',
      'left',
      'Type…',
    ]);
  });

  it('[i18n] the guard reports a key missing in one language, a missing plural form and an unknown key', () => {
    const problems = catalogProblems({
      en: { a: { hello: 'Hello', n_one: '1', n_other: 'n' } },
      ru: { a: { n_one: '1', n_few: 'n', n_other: 'n' } },
    });
    expect(problems).toEqual([
      'ru/a.json: "n_many" is missing',
      'ru/a.json: "hello" is missing (it is in en)',
    ]);
    const uses = findKeyUses(
      'y.tsx',
      `function C() { const { t } = useTranslation('a'); return t('n', { count: 2 }) + t('gone') + t(\`x.\${k}\`); }`,
    );
    expect(missingKeys(uses, { en: { a: { n_one: '', n_other: '' } } })).toEqual([
      "y.tsx:1: t('a:gone') has no entry in en/a.json",
      "y.tsx:1: t('a:/^x\\.[^.:]+$/') has no entry in en/a.json",
    ]);
  });
});
