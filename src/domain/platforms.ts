/** The chat platforms Yishi speaks on, as they appear in `<platform>:<userId>` and in every platform column. */
export const PLATFORMS = ['telegram', 'wechat', 'wecom', 'wechat-mp', 'console'] as const;
export type Platform = (typeof PLATFORMS)[number];

/**
 * Whether a chat id names a community's (or grid's) followers of the Official Account (`c:<id>`,
 * `c:<id>:g:<grid>` on 'wechat-mp', see src/people/mp-followers.ts), not one follower's openid: a message
 * to it reaches every follower, and a command written there is answered to its writer only.
 */
export const isFollowersChat = (platformChatId: string) => /^c:\d+(:g:\d+)?$/.test(platformChatId);
