/**
 * State kept by the time-driven work (src/consultation/nudge.ts and friends), so that "already done"
 * is a fact in Postgres and not something read back from the audit log or from Redis.
 */
import { integer, pgTable, primaryKey, timestamp } from 'drizzle-orm/pg-core';
import { persons, polls } from './schema.js';

/** The residents nudged in private about a poll they had not voted on: a person is nudged once per poll. */
export const pollNudges = pgTable('poll_nudges', {
  pollId: integer('poll_id').notNull().references(() => polls.id),
  personId: integer('person_id').notNull().references(() => persons.id),
  at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [primaryKey({ columns: [t.pollId, t.personId] })]);
