/**
 * The resident pages (/v/<slug>…): personal one-time links sent on `/page`, the sessions they (or WeChat's
 * web authorisation) open, separate from staff sessions; where each poll's ballot was posted (every chat
 * of its community, for live counts and the result); and the key that signs file links. Only hashes of
 * link tokens and session ids are stored.
 */
import { index, integer, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import { chats, identities, polls } from './schema.js';

/** A link sent by `/page` (议事厅): single use, expiring. */
export const residentLinks = pgTable('resident_links', {
  tokenHash: text('token_hash').primaryKey(),
  /** The identity that asked: page actions run as it (its platform, its user id; its person as it is then, linked or not). */
  identityId: integer('identity_id').notNull().references(() => identities.id),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  usedAt: timestamp('used_at', { withTimezone: true }),
});

/** A resident's browser: 30 days, revocable (`yishi sessions revoke`). */
export const residentSessions = pgTable('resident_sessions', {
  idHash: text('id_hash').primaryKey(),
  identityId: integer('identity_id').notNull().references(() => identities.id),
  /** The token every form of this session carries (CSRF). */
  csrfToken: text('csrf_token').notNull(),
  /** 'link' (a /page link) or 'wechat' (web authorisation). */
  via: text('via', { enum: ['link', 'wechat'] }).notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  revokedAt: timestamp('revoked_at', { withTimezone: true }),
}, (t) => [index('resident_sessions_identity').on(t.identityId)]);

/** Every chat a poll's ballot was posted to (written when it opens), and its message there once sent. */
export const pollPosts = pgTable('poll_posts', {
  pollId: integer('poll_id').notNull().references(() => polls.id),
  chatId: integer('chat_id').notNull().references(() => chats.id),
  messageId: text('message_id'),
}, (t) => [primaryKey({ columns: [t.pollId, t.chatId] })]);

/** Keys the app makes for itself on first use (the key of signed file links), shared by every instance. */
export const appSecrets = pgTable('app_secrets', {
  name: text('name').primaryKey(),
  value: text('value').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});
