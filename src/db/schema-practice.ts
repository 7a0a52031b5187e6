/**
 * The practice in depth: meeting attendance, who follows an item, and the supervision committee's
 * objections. Evaluated before schema.ts (which re-exports it): only lazy references at the top level.
 */
import { boolean, index, integer, pgTable, primaryKey, serial, text, timestamp } from 'drizzle-orm/pg-core';
import { communities, meetings, persons, suggestions } from './schema.js';

const at = (name: string) => timestamp(name, { withTimezone: true });

/** One check-in (签到) per person per meeting. */
export const meetingCheckins = pgTable('meeting_checkins', {
  meetingId: integer('meeting_id').notNull().references(() => meetings.id),
  personId: integer('person_id').notNull().references(() => persons.id),
  at: at('at').notNull(),
}, (t) => [primaryKey({ columns: [t.meetingId, t.personId] })]);

/**
 * An explicit follow or unfollow of an item. Authors and supporters follow by default (no row); a row
 * with following = false takes them off, one with true adds anyone.
 */
export const follows = pgTable('follows', {
  suggestionId: integer('suggestion_id').notNull().references(() => suggestions.id),
  personId: integer('person_id').notNull().references(() => persons.id),
  following: boolean('following').notNull(),
  at: at('at').notNull(),
}, (t) => [primaryKey({ columns: [t.suggestionId, t.personId] })]);

/** An objection (异议) of the supervision committee on an item: shown to staff, printed on the 公示 notice. */
export const objections = pgTable('objections', {
  id: serial('id').primaryKey(),
  communityId: integer('community_id').notNull().references(() => communities.id),
  suggestionId: integer('suggestion_id').notNull().references(() => suggestions.id),
  personId: integer('person_id').notNull().references(() => persons.id),
  text: text('text').notNull(),
  createdAt: at('created_at').notNull(),
}, (t) => [index('objections_suggestion').on(t.suggestionId)]);
