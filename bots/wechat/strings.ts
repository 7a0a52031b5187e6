/**
 * The WeChat adapter's own user-facing words. Kept here until src/i18n exists; then they move to the
 * "WeChat adapter" section at the end of src/i18n/zh-CN.ts and src/i18n/en.ts.
 */
export interface WechatStrings {
  /** How to answer a ballot: `回复「投票 12 序号」…`. */
  howToVote(n: number): string;
  howToRate(n: number): string;
  /** Said in the room when a private reply cannot be delivered privately. */
  privateFallback(name: string): string;
  /** Said when handling a message failed unexpectedly (database down, a bug). */
  internalError: string;
}

const zh: WechatStrings = {
  howToVote: (n) => `回复「投票 ${n} 序号」投票，如「投票 ${n} 1」；可改投，以最后一次为准。`,
  howToRate: (n) => `回复「评价 ${n} 序号」评价，如「评价 ${n} 1」；可更改，以最后一次为准。`,
  privateFallback: (name) => `@${name}\u2005`,
  internalError: '出了点问题，请稍后再试。',
};

const en: WechatStrings = {
  howToVote: (n) => `Reply "/vote ${n} <number>" to vote, e.g. "/vote ${n} 1"; you may change it, the latest counts.`,
  howToRate: (n) => `Reply "/rate ${n} <number>" to rate, e.g. "/rate ${n} 1"; you may change it, the latest counts.`,
  privateFallback: (name) => `@${name}\u2005`,
  internalError: 'Something went wrong; please try again later.',
};

export function wechatStrings(lang?: string): WechatStrings {
  return lang?.toLowerCase().startsWith('en') ? en : zh;
}
