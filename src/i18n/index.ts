import { en } from './en.js';
import { zhCN, type MessageKey } from './zh-CN.js';

export type { MessageKey };
export type Lang = 'zh' | 'en';

/** Chinese by default; English for a sender whose platform language starts with 'en'. */
export function langOf(platformLang?: string): Lang {
  return platformLang && /^en\b|^en[-_]/i.test(platformLang.trim()) ? 'en' : platformLang?.trim().toLowerCase() === 'en' ? 'en' : 'zh';
}

export type Params = Record<string, string | number>;

/** The message `key` in `lang` with `{param}` placeholders filled. */
export function t(lang: Lang | string | undefined, key: MessageKey, params: Params = {}): string {
  const table: Record<MessageKey, string> = lang === 'en' || (typeof lang === 'string' && langOf(lang) === 'en') ? en : zhCN;
  const template = table[key] ?? zhCN[key] ?? key;
  return template.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
}
