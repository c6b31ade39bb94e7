import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test } from '@playwright/test';

/**
 * The web app's own catalogs, so one journey runs in every interface language: the project's
 * `locale` (playwright.config.ts) is the browser's language, which the app follows.
 */
const LOCALES = fileURLToPath(new URL('../../apps/web/src/i18n/locales/', import.meta.url));
const catalogs = new Map<string, Record<string, unknown>>();

export type Lang = 'en' | 'ru';

/** The language of the running test's project (English outside a test). */
export function lang(): Lang {
  try {
    return test.info().project.use.locale?.startsWith('ru') ? 'ru' : 'en';
  } catch {
    return 'en';
  }
}

function catalog(language: Lang, ns: string): Record<string, unknown> {
  const id = `${language}/${ns}`;
  let c = catalogs.get(id);
  if (!c) {
    c = JSON.parse(readFileSync(`${LOCALES}${id}.json`, 'utf8')) as Record<string, unknown>;
    catalogs.set(id, c);
  }
  return c;
}

/** `t('chats:createGroup.title')`, with `{{var}}` interpolation and `count` plurals, as i18next does. */
export function t(key: string, vars: Record<string, string | number> = {}): string {
  const [ns, path] = key.includes(':') ? (key.split(':', 2) as [string, string]) : ['common', key];
  const language = lang();
  const parts = path.split('.');
  const last = parts.pop() as string;
  let node: unknown = catalog(language, ns);
  for (const p of parts) node = (node as Record<string, unknown> | undefined)?.[p];
  const leaf = node as Record<string, unknown> | undefined;
  const plural =
    typeof vars.count === 'number'
      ? `${last}_${new Intl.PluralRules(language).select(vars.count)}`
      : undefined;
  const text = (plural && leaf?.[plural]) ?? leaf?.[last];
  if (typeof text !== 'string') throw new Error(`no ${language} catalog entry for ${key}`);
  return text.replace(/\{\{(\w+)\}\}/g, (_m, name: string) => String(vars[name] ?? ''));
}
