/** The two languages of both apps: Chinese first (zh-CN), English on request; the choice is remembered per browser. */
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';

import type { Lang } from './lang.ts';

export { LANGS, type Lang } from './lang.ts';
const STORAGE_KEY = 'credit.lang';

export function initialLang(): Lang {
  const stored = globalThis.localStorage?.getItem(STORAGE_KEY);
  return stored === 'en' || stored === 'zh-CN' ? stored : 'zh-CN';
}

export function rememberLang(lang: Lang): void {
  globalThis.localStorage?.setItem(STORAGE_KEY, lang);
  document.documentElement.lang = lang;
}

export interface LangState {
  readonly lang: Lang;
  readonly setLang: (lang: Lang) => void;
}

export const LangContext = createContext<LangState>({ lang: 'zh-CN', setLang: () => undefined });

export function useLang(): LangState {
  return useContext(LangContext);
}

/** An app's messages in both languages: English must have every key Chinese has. */
export function useMessages<M>(messages: Readonly<Record<Lang, M>>): M {
  return messages[useLang().lang];
}
