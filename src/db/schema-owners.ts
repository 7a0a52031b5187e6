/**
 * The property register and owners' votes (业主共同决定, Civil Code art. 278). Areas are integer
 * hundredths of m², so sums and thresholds are exact. Only lazy references to schema.ts tables here:
 * schema.ts re-exports this file.
 */
import { sql } from 'drizzle-orm';
import { check, index, integer, jsonb, pgTable, primaryKey, serial, smallint, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { chats, communities, persons, suggestions } from './schema.js';

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();

/** An owner (业主) of a community, by a stable key (an ID-card or phone number; `developer` for unsold units). */
export const propertyOwners = pgTable('property_owners', {
  id: serial('id').primaryKey(),
  communityId: integer('community_id').notNull().references(() => communities.id),
  key: text('key').notNull(),
  createdAt: createdAt(),
}, (t) => [uniqueIndex('property_owners_community_key').on(t.communityId, t.key)]);

/**
 * An exclusive part (专有部分): a unit of a building with its exclusive area. Each unit has exactly one
 * owner key (co-owners share one), so the unit-owner link is this NOT NULL column.
 */
export const propertyUnits = pgTable('property_units', {
  id: serial('id').primaryKey(),
  communityId: integer('community_id').notNull().references(() => communities.id),
  building: text('building').notNull(),
  unit: text('unit').notNull(),
  /** Exclusive floor area in hundredths of m². */
  areaHundredths: integer('area_hundredths').notNull(),
  ownerId: integer('owner_id').notNull().references(() => propertyOwners.id),
  createdAt: createdAt(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [
  uniqueIndex('property_units_community_unit').on(t.communityId, t.building, t.unit),
  index('property_units_owner').on(t.ownerId),
  check('property_units_area_positive', sql`${t.areaHundredths} > 0`),
]);

/** Chat persons who speak for an owner (co-owners may be several persons; one person may hold several owners). */
export const ownerPersons = pgTable('owner_persons', {
  ownerId: integer('owner_id').notNull().references(() => propertyOwners.id),
  personId: integer('person_id').notNull().references(() => persons.id),
  /** 'cli' (yishi owner link) or 'code' (/owner <code>). */
  via: text('via').notNull(),
  createdAt: createdAt(),
}, (t) => [primaryKey({ columns: [t.ownerId, t.personId] }), index('owner_persons_person').on(t.personId)]);

/** One-time codes staff hand to an owner; `/owner <code>` ties the sender's person to the owner. */
export const ownerCodes = pgTable('owner_codes', {
  code: text('code').primaryKey(),
  ownerId: integer('owner_id').notNull().references(() => propertyOwners.id),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  usedAt: timestamp('used_at', { withTimezone: true }),
  usedBy: integer('used_by').references(() => persons.id),
  createdAt: createdAt(),
});

/** An owners' vote on a suggestion about one of art. 278's nine items. */
export const ownersVotes = pgTable('owners_votes', {
  id: serial('id').primaryKey(),
  communityId: integer('community_id').notNull().references(() => communities.id),
  suggestionId: integer('suggestion_id').notNull().references(() => suggestions.id),
  matter: smallint('matter').notNull(),
  /** The buildings (楼栋) it is restricted to, or null for the whole community. */
  buildings: jsonb('buildings').$type<string[]>(),
  status: text('status', { enum: ['open', 'closed'] }).notNull().default('open'),
  /** The chat the ballot was posted in; the result goes there. */
  chatId: integer('chat_id').references(() => chats.id),
  deadline: timestamp('deadline', { withTimezone: true }).notNull(),
  openedBy: integer('opened_by').references(() => persons.id),
  openedAt: timestamp('opened_at', { withTimezone: true }).notNull().defaultNow(),
  closedAt: timestamp('closed_at', { withTimezone: true }),
  /** A person id, or null when the deadline closed it. */
  closedBy: integer('closed_by').references(() => persons.id),
  /** The four figures, the failed thresholds and the head counts, frozen at close. */
  result: jsonb('result'),
  /** 'passed' | 'failed' once closed. */
  outcome: text('outcome'),
}, (t) => [
  uniqueIndex('owners_votes_one_open_per_suggestion').on(t.suggestionId).where(sql`${t.status} = 'open'`),
  index('owners_votes_status_deadline').on(t.status, t.deadline),
  check('owners_votes_matter', sql`${t.matter} between 1 and 9`),
]);

/** One ballot per owner per vote, covering all the owner's units; changeable until the vote closes. */
export const ownerBallots = pgTable('owner_ballots', {
  voteId: integer('vote_id').notNull().references(() => ownersVotes.id),
  ownerId: integer('owner_id').notNull().references(() => propertyOwners.id),
  /** 1 同意, 2 反对, 3 弃权. */
  choice: smallint('choice').notNull(),
  /** The person who cast (or last changed) it. */
  personId: integer('person_id').notNull().references(() => persons.id),
  castAt: timestamp('cast_at', { withTimezone: true }).notNull().defaultNow(),
  changedAt: timestamp('changed_at', { withTimezone: true }),
}, (t) => [
  primaryKey({ columns: [t.voteId, t.ownerId] }),
  check('owner_ballots_choice', sql`${t.choice} between 1 and 3`),
]);
