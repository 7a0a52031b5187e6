/**
 * Party members reporting to where they live (党员报到), the needs a community posts (心愿 / 服务需求)
 * and the members' claims on them. Evaluated before schema.ts (which re-exports it): only lazy
 * references to schema.ts tables at the top level.
 */
import { sql } from 'drizzle-orm';
import { check, index, integer, pgTable, real, serial, smallint, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { chats, communities, grids, persons, suggestions } from './schema.js';
import { memberUnits } from './schema-org.js';

const at = (name: string) => timestamp(name, { withTimezone: true });

export const MEMBER_STATUSES = ['pending', 'confirmed'] as const;
export type MemberStatus = (typeof MEMBER_STATUSES)[number];
export const MEMBER_KINDS = ['party', 'volunteer'] as const;
export type MemberKind = (typeof MEMBER_KINDS)[number];

/** A party member's report to the community (and grid) where they live; counts once staff confirm it. */
export const partyMembers = pgTable('party_members', {
  id: serial('id').primaryKey(),
  /** A person reports to one community (where they live). */
  personId: integer('person_id').notNull().references(() => persons.id).unique(),
  communityId: integer('community_id').notNull().references(() => communities.id),
  gridId: integer('grid_id').references(() => grids.id),
  /** The registered unit chosen, or null when the work unit / party organisation was typed. */
  unitId: integer('unit_id').references(() => memberUnits.id),
  /** The unit's name as chosen or typed (per-unit balances group typed names by this). */
  unitName: text('unit_name').notNull(),
  /** party: 党员报到; volunteer: 志愿者报到 (may claim needs too; ranked apart). */
  kind: text('kind', { enum: MEMBER_KINDS }).notNull().default('party'),
  status: text('status', { enum: MEMBER_STATUSES }).notNull().default('pending'),
  registeredAt: at('registered_at').notNull().defaultNow(),
  confirmedAt: at('confirmed_at'),
  confirmedBy: integer('confirmed_by').references(() => persons.id),
}, (t) => [
  index('party_members_community').on(t.communityId, t.status),
  check('party_members_confirmed', sql`(${t.status} = 'confirmed') = (${t.confirmedAt} is not null)`),
]);

/** A need posted in a community's group by staff or a grid worker; members claim it up to its capacity. */
export const needs = pgTable('needs', {
  id: serial('id').primaryKey(),
  communityId: integer('community_id').notNull().references(() => communities.id),
  gridId: integer('grid_id').references(() => grids.id),
  /** The group it was posted in: reminders name it, confirmations are said there. */
  chatId: integer('chat_id').references(() => chats.id),
  postedBy: integer('posted_by').notNull().references(() => persons.id),
  /** The item (`#n`) it answers, whose author is the resident who asked and may rate it. */
  suggestionId: integer('suggestion_id').references(() => suggestions.id),
  askedBy: integer('asked_by').references(() => persons.id),
  text: text('text').notNull(),
  /** Points per confirmed service (the community's rule at posting time when not given). */
  points: integer('points').notNull(),
  capacity: integer('capacity').notNull().default(1),
  /** `by YYYY-MM-DD`: the day as typed, and the first instant after it in YISHI_TZ. */
  dueDate: text('due_date'),
  dueAt: at('due_at'),
  /** The asker's rating of the service: 1 满意, 2 基本满意, 3 不满意. */
  rating: smallint('rating'),
  ratedAt: at('rated_at'),
  createdAt: at('created_at').notNull().defaultNow(),
}, (t) => [
  index('needs_community').on(t.communityId),
  index('needs_due').on(t.dueAt),
  check('needs_capacity', sql`${t.capacity} between 1 and 100`),
  check('needs_points', sql`${t.points} between 0 and 1000`),
  check('needs_rating', sql`${t.rating} is null or ${t.rating} between 1 and 3`),
  check('needs_due_pair', sql`(${t.dueDate} is null) = (${t.dueAt} is null)`),
]);

export const CLAIM_STATUSES = ['claimed', 'served', 'confirmed', 'abandoned'] as const;
export type ClaimStatus = (typeof CLAIM_STATUSES)[number];

/** A member's claim on a need: claimed → served → confirmed (or back to claimed when returned), or abandoned after the date. */
export const needClaims = pgTable('need_claims', {
  id: serial('id').primaryKey(),
  needId: integer('need_id').notNull().references(() => needs.id),
  memberId: integer('member_id').notNull().references(() => partyMembers.id),
  personId: integer('person_id').notNull().references(() => persons.id),
  status: text('status', { enum: CLAIM_STATUSES }).notNull().default('claimed'),
  hours: real('hours'),
  note: text('note'),
  claimedAt: at('claimed_at').notNull().defaultNow(),
  servedAt: at('served_at'),
  confirmedAt: at('confirmed_at'),
  confirmedBy: integer('confirmed_by').references(() => persons.id),
  /** The last return by staff, with its reason (the claim is then `claimed` again). */
  returnedAt: at('returned_at'),
  returnReason: text('return_reason'),
  abandonedAt: at('abandoned_at'),
}, (t) => [
  uniqueIndex('need_claims_once').on(t.needId, t.memberId),
  index('need_claims_person').on(t.personId),
  check('need_claims_hours', sql`${t.hours} is null or (${t.hours} > 0 and ${t.hours} <= 24)`),
]);
