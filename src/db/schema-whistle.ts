/**
 * Whistle-and-report (吹哨报到): an item handed by community or street staff to a member unit, with a
 * deadline to report in (报到) and one to answer (答复); a missed deadline escalates the whistle one level
 * up the tree. Evaluated before schema.ts (see schema-org.ts): only lazy references at the top level.
 */
import { sql } from 'drizzle-orm';
import { check, index, integer, pgTable, serial, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { chats, communities, persons, suggestions } from './schema.js';
import { memberUnits, orgNodes, ORG_LEVELS } from './schema-org.js';

const at = (name: string) => timestamp(name, { withTimezone: true });

export const WHISTLE_STEPS = ['report', 'answer'] as const;
export type WhistleStep = (typeof WHISTLE_STEPS)[number];

export const whistles = pgTable('whistles', {
  id: serial('id').primaryKey(),
  suggestionId: integer('suggestion_id').notNull().references(() => suggestions.id),
  communityId: integer('community_id').notNull().references(() => communities.id),
  unitId: integer('unit_id').notNull().references(() => memberUnits.id),
  /** Where the whistle sits now: the community's node at first, one level up per escalation. */
  nodeId: integer('node_id').notNull().references(() => orgNodes.id),
  level: text('level', { enum: ORG_LEVELS }).notNull(),
  /** The group the item was raised in (or the whistle blown in): the answer is posted there. */
  chatId: integer('chat_id').references(() => chats.id),
  whistledBy: integer('whistled_by').notNull().references(() => persons.id),
  /** The windows, kept so that an escalation gives the next level the same time again. */
  reportMinutes: integer('report_minutes').notNull(),
  answerMinutes: integer('answer_minutes').notNull(),
  /** The first deadlines: "on time" in the figures means before these. */
  reportDueAt: at('report_due_at').notNull(),
  answerDueAt: at('answer_due_at').notNull(),
  /** The deadlines running now (renewed at each escalation). */
  reportDeadline: at('report_deadline').notNull(),
  answerDeadline: at('answer_deadline').notNull(),
  reportedAt: at('reported_at'),
  reportedBy: integer('reported_by').references(() => persons.id),
  answeredAt: at('answered_at'),
  answeredBy: integer('answered_by').references(() => persons.id),
  answer: text('answer'),
  createdAt: at('created_at').notNull().defaultNow(),
}, (t) => [
  index('whistles_suggestion').on(t.suggestionId),
  index('whistles_unit').on(t.unitId),
  index('whistles_open').on(t.answeredAt),
  uniqueIndex('whistles_one_open_per_unit').on(t.suggestionId, t.unitId).where(sql`${t.answeredAt} is null`),
  check('whistles_windows', sql`${t.reportMinutes} >= 1 and ${t.answerMinutes} >= 1`),
]);

/** One row per level a whistle climbed, and which missed deadline made it climb. */
export const whistleEscalations = pgTable('whistle_escalations', {
  id: serial('id').primaryKey(),
  whistleId: integer('whistle_id').notNull().references(() => whistles.id),
  step: text('step', { enum: WHISTLE_STEPS }).notNull(),
  fromNodeId: integer('from_node_id').notNull().references(() => orgNodes.id),
  toNodeId: integer('to_node_id').notNull().references(() => orgNodes.id),
  toLevel: text('to_level', { enum: ORG_LEVELS }).notNull(),
  missedDeadline: at('missed_deadline').notNull(),
  at: at('at').notNull(),
}, (t) => [uniqueIndex('whistle_escalations_once').on(t.whistleId, t.step, t.missedDeadline)]);
