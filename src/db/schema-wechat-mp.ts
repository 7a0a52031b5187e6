/**
 * Followers of the community's WeChat Official Account (bots/wechat-mp): who follows, since when, what
 * they last did (customer-service messages are allowed for 48 hours after it), and the communities
 * (and grids) they joined by scanning a QR code. A community's followers talk to the core through one
 * chat row per community or grid (platform 'wechat-mp', id `c:<community>` or `c:<community>:g:<grid>`).
 */
import { boolean, index, integer, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import { chats, communities, grids } from './schema.js';

export const wechatMpFollowers = pgTable('wechat_mp_followers', {
  openid: text('openid').primaryKey(),
  /** False after `unsubscribe`: nothing is sent to them until they follow again. */
  subscribed: boolean('subscribed').notNull().default(true),
  /** Where their commands go (the last joined, or `切换 <slug>`). */
  currentCommunityId: integer('current_community_id').references(() => communities.id),
  /** Their last message or event: the 48-hour window of customer-service messages runs from here. */
  lastInteractionAt: timestamp('last_interaction_at', { withTimezone: true }).notNull(),
  subscribedAt: timestamp('subscribed_at', { withTimezone: true }),
  unsubscribedAt: timestamp('unsubscribed_at', { withTimezone: true }),
});

export const wechatMpMemberships = pgTable('wechat_mp_memberships', {
  openid: text('openid').notNull().references(() => wechatMpFollowers.openid),
  communityId: integer('community_id').notNull().references(() => communities.id),
  gridId: integer('grid_id').references(() => grids.id),
  /** The community's (or grid's) chat row through which their commands reach the core. */
  chatId: integer('chat_id').notNull().references(() => chats.id),
  joinedAt: timestamp('joined_at', { withTimezone: true }).notNull(),
}, (t) => [primaryKey({ columns: [t.openid, t.communityId] }), index('wechat_mp_memberships_chat').on(t.chatId)]);
