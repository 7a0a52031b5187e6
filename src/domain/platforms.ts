/** The chat platforms Yishi speaks on, as they appear in `<platform>:<userId>` and in every platform column. */
export const PLATFORMS = ['telegram', 'wechat', 'wecom', 'wechat-mp', 'console'] as const;
export type Platform = (typeof PLATFORMS)[number];
