/** The WeChat adapter's words, from the "wechat" section of src/i18n (plus the core's internal error). */
import { t } from '../../src/i18n/index.js';

export interface WechatStrings {
  /** How to answer a ballot: `回复「投票 12 序号」…`. */
  howToVote(n: number): string;
  howToRate(n: number): string;
  /** Put before a private reply that has to be said in the room instead (the bot is not their friend). */
  privateFallback(name: string): string;
  /** Said when handling a message failed unexpectedly (database down, a bug). */
  internalError: string;
}

export function wechatStrings(lang?: string): WechatStrings {
  return {
    howToVote: (n) => t(lang, 'wechat.howToVote', { n }),
    howToRate: (n) => t(lang, 'wechat.howToRate', { n }),
    // WeChat's own mention format: @name and a U+2005 separator, so the client highlights it.
    privateFallback: (name) => `@${name}\u2005`,
    internalError: t(lang, 'err.INTERNAL'),
  };
}
