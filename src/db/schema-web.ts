/**
 * The staff web page: one-time sign-in links the bot sends, and the sessions they open. Only hashes of
 * the secrets are stored, so a copy of the database signs nobody in.
 */
import { boolean, index, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { persons } from './schema.js';

/** A link sent by `/web`: single use, valid 10 minutes. */
export const webSignInLinks = pgTable('web_sign_in_links', {
  tokenHash: text('token_hash').primaryKey(),
  personId: integer('person_id').notNull().references(() => persons.id),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  usedAt: timestamp('used_at', { withTimezone: true }),
});

/** A signed-in browser: 7 days, revocable (`yishi sessions revoke`, sign out). */
export const webSessions = pgTable('web_sessions', {
  idHash: text('id_hash').primaryKey(),
  personId: integer('person_id').notNull().references(() => persons.id),
  /** The token every form of this session carries (CSRF). */
  csrfToken: text('csrf_token').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  revokedAt: timestamp('revoked_at', { withTimezone: true }),
}, (t) => [index('web_sessions_person').on(t.personId)]);

/**
 * Who may open the job queues at /admin/queues (`yishi operator grant|revoke`): read-only unless granted
 * with --write. Staff of a community are not operators by being staff.
 */
export const webOperators = pgTable('web_operators', {
  personId: integer('person_id').primaryKey().references(() => persons.id),
  canWrite: boolean('can_write').notNull().default(false),
  grantedAt: timestamp('granted_at', { withTimezone: true }).notNull(),
});
