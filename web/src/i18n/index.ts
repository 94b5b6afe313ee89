/**
 * Every string the screens show goes through i18next: Chinese first (zh-CN), English switchable. The
 * choice is kept in localStorage and written to `<html lang>` so screen readers speak the right language.
 */
import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import en from './en.json';
import zh from './zh-CN.json';

export const LANGUAGES = ['zh-CN', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
const STORAGE_KEY = 'yjs.language';

function initialLanguage(): Language {
  const stored = localStorage.getItem(STORAGE_KEY);
  return (LANGUAGES as readonly string[]).includes(stored ?? '') ? (stored as Language) : 'zh-CN';
}

void i18n.use(initReactI18next).init({
  resources: { 'zh-CN': { translation: zh }, en: { translation: en } },
  lng: initialLanguage(),
  fallbackLng: 'zh-CN',
  interpolation: { escapeValue: false }, // React escapes
  returnNull: false,
});

document.documentElement.lang = i18n.language;
i18n.on('languageChanged', (language) => {
  document.documentElement.lang = language;
  localStorage.setItem(STORAGE_KEY, language);
});

/** A bilingual text of the API (`{ zh, en }`) in the current language. */
export function localized(text: { zh: string; en: string } | undefined, language = i18n.language): string {
  if (!text) return '';
  return language.startsWith('zh') ? text.zh : text.en || text.zh;
}

export default i18n;
