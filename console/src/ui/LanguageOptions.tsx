import { type Language, languages, useI18n } from '../i18n/i18n.tsx';

/** Each language Tessera speaks, named in itself. */
export const languageNames: Record<Language, string> = { en: 'English', it: 'Italiano' };

/**
 * The options of a select for the language of someone's messages: the default (the empty value:
 * their customer's, else the vendor's), then each language.
 */
export const LanguageOptions = () => {
  const { t } = useI18n();
  return (
    <>
      <option value="">{t('language.default')}</option>
      {(Object.keys(languages) as Language[]).map((code) => (
        <option key={code} value={code}>
          {languageNames[code]}
        </option>
      ))}
    </>
  );
};

/** Such a select's value as the API takes it: a language, or null for the default. */
export const chosenLanguage = (value: string): Language | null =>
  Object.hasOwn(languages, value) ? (value as Language) : null;
