/**
 * The points ledger (积分) and the rules that price its entries. Both are append-only (migration
 * points_append_only refuses UPDATE and DELETE): a correction is a new entry, a changed rule a new row.
 * Evaluated before schema.ts (which re-exports it): only lazy references at the top level.
 */
import { sql } from 'drizzle-orm';
import { bigserial, boolean, check, index, integer, jsonb, pgTable, serial, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { communities, persons } from './schema.js';
import { memberUnits } from './schema-org.js';
import { needClaims, needs, partyMembers } from './schema-members.js';
import { whistles } from './schema-whistle.js';

const at = (name: string) => timestamp(name, { withTimezone: true });

export const POINTS_KINDS = ['register', 'service', 'whistle', 'abandon', 'correction'] as const;
export type PointsKind = (typeof POINTS_KINDS)[number];

/**
 * A community's points rules from `since` on (the latest row not after an entry's time prices it; no row:
 * the defaults in src/points/rules.ts). Never edited: a change is a new row.
 */
export const pointsRules = pgTable('points_rules', {
  id: serial('id').primaryKey(),
  communityId: integer('community_id').notNull().references(() => communities.id),
  register: integer('register').notNull(),
  service: integer('service').notNull(),
  whistleOnTime: integer('whistle_on_time').notNull(),
  abandon: integer('abandon').notNull(),
  graceHours: integer('grace_hours').notNull(),
  rankingInGroup: boolean('ranking_in_group').notNull(),
  rankingTop: integer('ranking_top').notNull(),
  since: at('since').notNull(),
  createdAt: at('created_at').notNull().defaultNow(),
}, (t) => [
  index('points_rules_community').on(t.communityId, t.since),
  check('points_rules_ranges', sql`${t.register} >= 0 and ${t.service} >= 0 and ${t.whistleOnTime} >= 0 and ${t.abandon} <= 0 and ${t.graceHours} >= 0 and ${t.rankingTop} between 1 and 100`),
]);

/**
 * One entry of the ledger: points to a person (their unit as it was, for per-unit balances) or to a unit
 * alone (a whistle answered on time). Unique keys make each cause count once.
 */
export const pointsEntries = pgTable('points_entries', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  communityId: integer('community_id').notNull().references(() => communities.id),
  kind: text('kind', { enum: POINTS_KINDS }).notNull(),
  points: integer('points').notNull(),
  /** When it counts (quarters and years are cut by this in YISHI_TZ). */
  at: at('at').notNull(),
  personId: integer('person_id').references(() => persons.id),
  memberId: integer('member_id').references(() => partyMembers.id),
  unitId: integer('unit_id').references(() => memberUnits.id),
  unitName: text('unit_name'),
  needId: integer('need_id').references(() => needs.id),
  claimId: integer('claim_id').references(() => needClaims.id),
  whistleId: integer('whistle_id').references(() => whistles.id),
  /** The entry a correction corrects, if any. */
  correctsId: integer('corrects_id'),
  reason: text('reason'),
  data: jsonb('data'),
  createdBy: integer('created_by').references(() => persons.id),
  createdAt: at('created_at').notNull().defaultNow(),
}, (t) => [
  index('points_entries_community_at').on(t.communityId, t.at),
  index('points_entries_person').on(t.personId),
  uniqueIndex('points_entries_register_once').on(t.memberId).where(sql`${t.kind} = 'register'`),
  uniqueIndex('points_entries_claim_once').on(t.claimId, t.kind).where(sql`${t.kind} in ('service', 'abandon')`),
  uniqueIndex('points_entries_whistle_once').on(t.whistleId).where(sql`${t.kind} = 'whistle'`),
  check('points_entries_owner', sql`${t.personId} is not null or ${t.unitId} is not null or ${t.unitName} is not null`),
]);
