import { en } from './en.js';
import { zhCN, type MessageKey } from './zh-CN.js';

export type { MessageKey };
export type Lang = 'zh' | 'en';

/**
 * The one rule for a platform's language code: English ('en', 'en-GB', 'en_US') gets English, anything
 * else (or nothing) Chinese.
 */
export function langOf(platformLang?: string): Lang {
  return /^en(?![a-z0-9])/i.test(platformLang?.trim() ?? '') ? 'en' : 'zh';
}

export type Params = Record<string, string | number>;

/** The message `key` in `lang` with `{param}` placeholders filled. */
export function t(lang: Lang | string | undefined, key: MessageKey, params: Params = {}): string {
  const table: Record<MessageKey, string> = lang === 'en' || (typeof lang === 'string' && langOf(lang) === 'en') ? en : zhCN;
  const template = table[key] ?? zhCN[key] ?? key;
  return template.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
}
