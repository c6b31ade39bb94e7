import i18next, { type Resource } from 'i18next';
import LanguageDetector from 'i18next-browser-languagedetector';
import { initReactI18next } from 'react-i18next';

/**
 * One catalog file per feature and language (`locales/<lang>/<namespace>.json`), so features
 * add their strings without touching each other's files. Plural keys use i18next's
 * Intl.PluralRules suffixes (`_one`, `_few`, `_many`, `_other` in Russian).
 */
export const LANGUAGES = ['en', 'ru'] as const;
export type Language = (typeof LANGUAGES)[number];

const files = import.meta.glob<Record<string, unknown>>('./locales/*/*.json', {
  eager: true,
  import: 'default',
});

export const resources: Resource = {};
for (const [path, catalog] of Object.entries(files)) {
  const [, lang, ns] = /\.\/locales\/([^/]+)\/([^/]+)\.json$/.exec(path) ?? [];
  if (!lang || !ns) continue;
  resources[lang] ??= {};
  resources[lang][ns] = catalog;
}

export const NAMESPACES = Object.keys(resources.en ?? {});

/** Stored by the settings screen; the browser's language decides until the user chooses. */
export const LANGUAGE_STORAGE_KEY = 'chatsockets.language';

export const i18n = i18next.createInstance();

/** `lng` fixes the language (tests); otherwise the stored choice, then the browser's. */
export function initI18n(lng?: Language) {
  if (i18n.isInitialized) {
    if (lng && i18n.language !== lng) void i18n.changeLanguage(lng);
    return i18n;
  }
  if (!lng) i18n.use(LanguageDetector);
  i18n.use(initReactI18next).init({
    resources,
    lng,
    fallbackLng: 'en',
    supportedLngs: [...LANGUAGES],
    nonExplicitSupportedLngs: true,
    load: 'languageOnly',
    ns: NAMESPACES,
    defaultNS: 'common',
    interpolation: { escapeValue: false }, // React escapes
    returnNull: false,
    initAsync: false,
    detection: {
      order: ['localStorage', 'navigator'],
      lookupLocalStorage: LANGUAGE_STORAGE_KEY,
      // Only the user's own choice is stored (chooseLanguage): a detected language is not, so
      // the app keeps following the browser until the user picks one.
      caches: [],
    },
  });
  // <html lang> follows, for screen readers' pronunciation and the browser's hyphenation.
  if (typeof document !== 'undefined') {
    document.documentElement.lang = currentLocale();
    i18n.on('languageChanged', () => {
      document.documentElement.lang = currentLocale();
    });
  }
  return i18n;
}

/** The language the user chose in settings, or null when the browser's decides. */
export function storedLanguage(): Language | null {
  try {
    const lang = localStorage.getItem(LANGUAGE_STORAGE_KEY);
    return (LANGUAGES as readonly string[]).includes(lang ?? '') ? (lang as Language) : null;
  } catch {
    return null;
  }
}

/** Switches the interface: a language is remembered on this device; null goes back to the browser's. */
export async function chooseLanguage(lang: Language | null): Promise<void> {
  try {
    if (lang) localStorage.setItem(LANGUAGE_STORAGE_KEY, lang);
    else localStorage.removeItem(LANGUAGE_STORAGE_KEY);
  } catch {
    // Storage refused (private mode): the choice holds for this page only.
  }
  // Without a language, i18next runs its detector again: the browser's language.
  await i18n.changeLanguage(lang ?? undefined);
}

/** The current language as a BCP 47 tag for `Intl` (dates, times, numbers). */
export function currentLocale(): Language {
  const lang = (i18n.resolvedLanguage ?? i18n.language ?? 'en').slice(0, 2);
  return (LANGUAGES as readonly string[]).includes(lang) ? (lang as Language) : 'en';
}
