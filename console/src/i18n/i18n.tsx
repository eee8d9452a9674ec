import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from 'react';
import { en, type MessageKey } from './en.ts';
import { it } from './it.ts';

export const languages = { en, it } as const;
export type Language = keyof typeof languages;
const STORAGE_KEY = 'tessera.language';

/** The browser's first language Tessera speaks, unless the person chose one here before. */
export const initialLanguage = (): Language => {
  const chosen = localStorage.getItem(STORAGE_KEY);
  if (chosen === 'en' || chosen === 'it') return chosen;
  for (const tag of navigator.languages ?? [navigator.language]) {
    const base = tag.slice(0, 2).toLowerCase();
    if (base === 'en' || base === 'it') return base;
  }
  return 'en';
};

export type Translate = (key: MessageKey, values?: Record<string, string | number>) => string;

interface I18n {
  language: Language;
  setLanguage(language: Language): void;
  /** The signed-in person's (or the vendor's) language, unless one was chosen on this browser. */
  adopt(language: Language): void;
  t: Translate;
  formatDate(iso: string | undefined | null): string;
}

const Context = createContext<I18n | undefined>(undefined);

export const I18nProvider = ({ children }: { children: ReactNode }) => {
  const [language, choose] = useState<Language>(initialLanguage);
  const setLanguage = useCallback((next: Language) => {
    localStorage.setItem(STORAGE_KEY, next);
    document.documentElement.lang = next;
    choose(next);
  }, []);
  const adopt = useCallback((next: Language) => {
    if (localStorage.getItem(STORAGE_KEY) === null) {
      document.documentElement.lang = next;
      choose(next);
    }
  }, []);
  const value = useMemo<I18n>(() => {
    document.documentElement.lang = language;
    const catalog: Record<MessageKey, string> = languages[language];
    const dates = new Intl.DateTimeFormat(language, { dateStyle: 'medium' });
    return {
      language,
      setLanguage,
      adopt,
      t: (key, values) =>
        (catalog[key] ?? key).replace(/\{(\w+)\}/g, (whole, name: string) =>
          values && name in values ? String(values[name]) : whole,
        ),
      formatDate: (iso) => (iso ? dates.format(new Date(iso)) : ''),
    };
  }, [language, setLanguage, adopt]);
  return <Context.Provider value={value}>{children}</Context.Provider>;
};

export const useI18n = (): I18n => {
  const value = useContext(Context);
  if (!value) throw new Error('useI18n outside I18nProvider');
  return value;
};
