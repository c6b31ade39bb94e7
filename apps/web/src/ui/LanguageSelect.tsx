import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { chooseLanguage, LANGUAGES, type Language, storedLanguage } from '../i18n';

const AUTO = 'auto';

/** The interface's language: the browser's until the user picks one (kept on this device). */
export function LanguageSelect() {
  const { t } = useTranslation();
  const id = useId();
  const [choice, setChoice] = useState<Language | typeof AUTO>(() => storedLanguage() ?? AUTO);
  return (
    <div className="field">
      <label htmlFor={id}>{t('settings.language')}</label>
      <select
        id={id}
        data-testid="language-select"
        value={choice}
        onChange={(e) => {
          const value = e.target.value as Language | typeof AUTO;
          setChoice(value);
          void chooseLanguage(value === AUTO ? null : value);
        }}
      >
        <option value={AUTO}>{t('settings.auto')}</option>
        {LANGUAGES.map((lang) => (
          // Each language named in itself, so anyone can find theirs.
          <option key={lang} value={lang} lang={lang}>
            {t(`settings.languageName.${lang}`)}
          </option>
        ))}
      </select>
    </div>
  );
}
