/**
 * The whole data model. Postgres is the source of truth for everything; Redis only holds jobs.
 * Constraints that protect a count (one ballot, one support, one number) live here, in the database.
 */
import { sql } from 'drizzle-orm';
import {
  bigserial,
  boolean,
  check,
  customType,
  foreignKey,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  real,
  serial,
  smallint,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

/** Bytes (bytea): a Buffer from postgres-js, a Uint8Array from PGlite; both are Uint8Arrays. */
const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({ dataType: () => 'bytea' });

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();

/** The platforms a chat or identity can live on. */
import { PLATFORMS, type Platform } from '../domain/platforms.js';
import { QUARTER_PATTERN_SOURCE } from '../domain/time.js';

export { PLATFORMS, type Platform };

export const STAGES = [
  'raised',
  'supported',
  'on_agenda',
  'voting',
  'approved',
  'rejected',
  'in_progress',
  'evaluating',
  'evaluated',
  'withdrawn',
  /** A duplicate merged into another item (`/merge <n> <k>`): shown as 已合并到 #k. */
  'merged',
] as const;
export type Stage = (typeof STAGES)[number];

export const communities = pgTable('communities', {
  id: serial('id').primaryKey(),
  slug: text('slug').notNull().unique(),
  name: text('name').notNull(),
  supportThreshold: integer('support_threshold').notNull().default(3),
  satisfactionThreshold: real('satisfaction_threshold').notNull().default(0.6),
  /** How a vote's outcome is decided: 'majority' = 同意 > 反对 and 同意 > half of the non-abstaining ballots. */
  outcomeRule: text('outcome_rule').notNull().default('majority'),
  /** The language of what the jobs post in the community's chats (announcements, reminders). */
  lang: text('lang', { enum: ['zh', 'en'] }).notNull().default('zh'),
  /** The quarter (e.g. 2026Q4) in which the first council unit was added: it chairs that quarter. */
  rotationStart: text('rotation_start'),
  /** How long a raised suggestion may wait for a staff answer (reminder at half, escalation at the whole). */
  answerWithinMinutes: integer('answer_within_minutes').notNull().default(7 * 24 * 60),
  createdAt: createdAt(),
}, (t) => [
  check('communities_answer_within', sql`${t.answerWithinMinutes} between 60 and 525600`),
  check('communities_support_threshold', sql`${t.supportThreshold} >= 1`),
  check('communities_satisfaction_threshold', sql`${t.satisfactionThreshold} >= 0 and ${t.satisfactionThreshold} <= 1`),
  check('communities_lang', sql`${t.lang} in ('zh', 'en')`),
]);

/** Grids (网格): subdivisions of a community a chat may belong to. */
export const grids = pgTable('grids', {
  id: serial('id').primaryKey(),
  communityId: integer('community_id').notNull().references(() => communities.id),
  /** Short name typed in `/bind <community> <grid>` and `yishi grid add`; unique within the community. */
  slug: text('slug').notNull(),
  name: text('name').notNull(),
  createdAt: createdAt(),
}, (t) => [uniqueIndex('grids_community_name').on(t.communityId, t.name), uniqueIndex('grids_community_slug').on(t.communityId, t.slug)]);

/** A platform chat (group or private) and the community it is bound to. */
export const chats = pgTable('chats', {
  id: serial('id').primaryKey(),
  platform: text('platform', { enum: PLATFORMS }).notNull(),
  platformChatId: text('platform_chat_id').notNull(),
  kind: text('kind', { enum: ['group', 'private'] }).notNull().default('group'),
  title: text('title'),
  communityId: integer('community_id').references(() => communities.id),
  gridId: integer('grid_id').references(() => grids.id),
  boundAt: timestamp('bound_at', { withTimezone: true }),
  /** False while the bot may not write there (removed, kicked, no right to send): nothing is sent to it. */
  active: boolean('active').notNull().default(true),
  /** Why and since when the chat is inactive ('left', 'kicked', 'restricted', 'no_rights', …). */
  inactiveReason: text('inactive_reason'),
  inactiveSince: timestamp('inactive_since', { withTimezone: true }),
  createdAt: createdAt(),
}, (t) => [uniqueIndex('chats_platform_chat').on(t.platform, t.platformChatId)]);

/** A person; one person may have identities on several platforms. */
export const persons = pgTable('persons', {
  id: serial('id').primaryKey(),
  displayName: text('display_name').notNull(),
  lang: text('lang').notNull().default('zh'),
  createdAt: createdAt(),
});

export const identities = pgTable('identities', {
  id: serial('id').primaryKey(),
  personId: integer('person_id').notNull().references(() => persons.id),
  platform: text('platform', { enum: PLATFORMS }).notNull(),
  platformUserId: text('platform_user_id').notNull(),
  displayName: text('display_name'),
  /** Set when the person has started the bot in private: where private reminders go. */
  privateChatId: text('private_chat_id'),
  createdAt: createdAt(),
}, (t) => [
  uniqueIndex('identities_platform_user').on(t.platform, t.platformUserId),
  index('identities_person').on(t.personId),
]);

/** One role per person per community: staff can do everything a resident can. */
export const roles = pgTable('roles', {
  communityId: integer('community_id').notNull().references(() => communities.id),
  personId: integer('person_id').notNull().references(() => persons.id),
  /** supervisor: the community's supervision committee (居务监督委员会), a resident who also reads everything. */
  role: text('role', { enum: ['resident', 'staff', 'supervisor'] }).notNull(),
  createdAt: createdAt(),
}, (t) => [primaryKey({ columns: [t.communityId, t.personId] })]);

/** One-time codes that join two identities into one person. */
export const linkCodes = pgTable('link_codes', {
  code: text('code').primaryKey(),
  personId: integer('person_id').notNull().references(() => persons.id),
  platform: text('platform', { enum: PLATFORMS }).notNull(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  usedAt: timestamp('used_at', { withTimezone: true }),
  createdAt: createdAt(),
});

/** Member units of the community party-building joint meeting, in rotation order. */
export const councilUnits = pgTable('council_units', {
  id: serial('id').primaryKey(),
  communityId: integer('community_id').notNull().references(() => communities.id),
  name: text('name').notNull(),
  position: integer('position').notNull(),
  contactPlatform: text('contact_platform', { enum: PLATFORMS }),
  contactUserId: text('contact_user_id'),
  active: boolean('active').notNull().default(true),
  createdAt: createdAt(),
}, (t) => [
  uniqueIndex('council_units_position').on(t.communityId, t.position),
  uniqueIndex('council_units_name').on(t.communityId, t.name),
]);

/** The unit that chaired (or chairs) each quarter, recorded when the quarter is announced. */
export const quarterlyChairs = pgTable('quarterly_chairs', {
  id: serial('id').primaryKey(),
  communityId: integer('community_id').notNull().references(() => communities.id),
  quarter: text('quarter').notNull(),
  unitId: integer('unit_id').notNull().references(() => councilUnits.id),
  announcedAt: timestamp('announced_at', { withTimezone: true }),
  meetingReminderAt: timestamp('meeting_reminder_at', { withTimezone: true }),
  /** The second reminder, two weeks before the quarter's end, when no meeting was held yet. */
  meetingLateReminderAt: timestamp('meeting_late_reminder_at', { withTimezone: true }),
  createdAt: createdAt(),
}, (t) => [
  uniqueIndex('quarterly_chairs_quarter').on(t.communityId, t.quarter),
  check('quarterly_chairs_quarter_format', sql`${t.quarter} ~ ${sql.raw(`'${QUARTER_PATTERN_SOURCE}'`)}`),
]);

export const suggestions = pgTable('suggestions', {
  id: serial('id').primaryKey(),
  communityId: integer('community_id').notNull().references(() => communities.id),
  number: integer('number').notNull(),
  authorId: integer('author_id').notNull().references(() => persons.id),
  chatId: integer('chat_id').references(() => chats.id),
  /** The grid of the chat it was raised in, if that chat is bound to a grid. */
  gridId: integer('grid_id').references(() => grids.id),
  text: text('text').notNull(),
  stage: text('stage', { enum: STAGES }).notNull().default('raised'),
  supportCount: integer('support_count').notNull().default(0),
  /**
   * The forum topic (Telegram message_thread_id) it was raised in: its results go there (set from the
   * command's Ctx.threadId).
   */
  threadId: text('thread_id'),
  /** The first staff answer (comment, agenda, whistle, progress, vote) or the withdrawal: see src/kernel/answered.ts. */
  answeredAt: timestamp('answered_at', { withTimezone: true }),
  /** Unanswered for half the community's answer time: staff reminded; for the whole: escalated. */
  answerRemindedAt: timestamp('answer_reminded_at', { withTimezone: true }),
  answerEscalatedAt: timestamp('answer_escalated_at', { withTimezone: true }),
  /** Its features for finding similar items (src/domain/similarity.ts encodeProfile), written when raised. */
  similarity: bytea('similarity'),
  /** The number of the item of the same community it was merged into (stage merged). */
  mergedInto: integer('merged_into'),
  createdAt: createdAt(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [
  uniqueIndex('suggestions_community_number').on(t.communityId, t.number),
  foreignKey({ name: 'suggestions_merged_into_item', columns: [t.communityId, t.mergedInto], foreignColumns: [t.communityId, t.number] }),
  index('suggestions_community_stage').on(t.communityId, t.stage),
  check('suggestions_number_positive', sql`${t.number} >= 1`),
  check('suggestions_merged_into', sql`(${t.stage} = 'merged') = (${t.mergedInto} is not null)`),
]);

export const supports = pgTable('supports', {
  suggestionId: integer('suggestion_id').notNull().references(() => suggestions.id),
  personId: integer('person_id').notNull().references(() => persons.id),
  createdAt: createdAt(),
}, (t) => [primaryKey({ columns: [t.suggestionId, t.personId] })]);

export const comments = pgTable('comments', {
  id: serial('id').primaryKey(),
  suggestionId: integer('suggestion_id').notNull().references(() => suggestions.id),
  personId: integer('person_id').notNull().references(() => persons.id),
  text: text('text').notNull(),
  createdAt: createdAt(),
}, (t) => [index('comments_suggestion').on(t.suggestionId)]);

export const meetings = pgTable('meetings', {
  id: serial('id').primaryKey(),
  communityId: integer('community_id').notNull().references(() => communities.id),
  quarter: text('quarter').notNull(),
  startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
  place: text('place').notNull(),
  status: text('status', { enum: ['scheduled', 'cancelled', 'held'] }).notNull().default('scheduled'),
  chatId: integer('chat_id').references(() => chats.id),
  createdBy: integer('created_by').references(() => persons.id),
  /** The minutes (纪要): recorded by the chair or staff after the start, which makes the meeting held. */
  minutes: text('minutes'),
  heldAt: timestamp('held_at', { withTimezone: true }),
  heldBy: integer('held_by').references(() => persons.id),
  createdAt: createdAt(),
}, (t) => [index('meetings_community_starts').on(t.communityId, t.startsAt)]);

/** A suggestion put on the consultation agenda by the chair or staff. */
export const agendaItems = pgTable('agenda_items', {
  id: serial('id').primaryKey(),
  suggestionId: integer('suggestion_id').notNull().references(() => suggestions.id),
  meetingId: integer('meeting_id').references(() => meetings.id),
  addedBy: integer('added_by').notNull().references(() => persons.id),
  createdAt: createdAt(),
}, (t) => [uniqueIndex('agenda_items_suggestion').on(t.suggestionId)]);

/** A vote (民决) or a satisfaction rating round (民评) on a suggestion. */
export const polls = pgTable('polls', {
  id: serial('id').primaryKey(),
  suggestionId: integer('suggestion_id').notNull().references(() => suggestions.id),
  kind: text('kind', { enum: ['vote', 'rating'] }).notNull(),
  status: text('status', { enum: ['open', 'closed'] }).notNull().default('open'),
  /** The chat the ballot was posted in; results go there. */
  chatId: integer('chat_id').references(() => chats.id),
  /** The platform message carrying the ballot, for live-count edits. */
  messageId: text('message_id'),
  /** The forum topic its ballot was posted in (see suggestions.thread_id). */
  threadId: text('thread_id'),
  deadline: timestamp('deadline', { withTimezone: true }).notNull(),
  openedBy: integer('opened_by').references(() => persons.id),
  openedAt: timestamp('opened_at', { withTimezone: true }).notNull().defaultNow(),
  /** When its non-voters were nudged (once per poll; who was nudged is in poll_nudges). */
  nudgedAt: timestamp('nudged_at', { withTimezone: true }),
  closedAt: timestamp('closed_at', { withTimezone: true }),
  /** A person id, or null when the deadline closed it. */
  closedBy: integer('closed_by').references(() => persons.id),
  /** Counts per choice position, turnout and outcome, frozen at close. */
  result: jsonb('result'),
  outcome: text('outcome'),
}, (t) => [
  uniqueIndex('polls_one_open_per_suggestion').on(t.suggestionId).where(sql`${t.status} = 'open'`),
  index('polls_status_deadline').on(t.status, t.deadline),
]);

export const pollChoices = pgTable('poll_choices', {
  pollId: integer('poll_id').notNull().references(() => polls.id),
  position: smallint('position').notNull(),
  label: text('label').notNull(),
}, (t) => [primaryKey({ columns: [t.pollId, t.position] })]);

/** One ballot per person per vote; a changed ballot replaces the old one. */
export const ballots = pgTable('ballots', {
  pollId: integer('poll_id').notNull().references(() => polls.id),
  personId: integer('person_id').notNull().references(() => persons.id),
  choice: smallint('choice').notNull(),
  castAt: timestamp('cast_at', { withTimezone: true }).notNull().defaultNow(),
  changedAt: timestamp('changed_at', { withTimezone: true }),
}, (t) => [
  uniqueIndex('ballots_poll_person').on(t.pollId, t.personId),
  index('ballots_poll_choice').on(t.pollId, t.choice),
]);

/** One satisfaction rating per person per rating round: 1 满意, 2 基本满意, 3 不满意. */
export const ratings = pgTable('ratings', {
  pollId: integer('poll_id').notNull().references(() => polls.id),
  personId: integer('person_id').notNull().references(() => persons.id),
  level: smallint('level').notNull(),
  ratedAt: timestamp('rated_at', { withTimezone: true }).notNull().defaultNow(),
  changedAt: timestamp('changed_at', { withTimezone: true }),
}, (t) => [
  uniqueIndex('ratings_poll_person').on(t.pollId, t.personId),
  check('ratings_level', sql`${t.level} between 1 and 3`),
]);

export const progressUpdates = pgTable('progress_updates', {
  id: serial('id').primaryKey(),
  suggestionId: integer('suggestion_id').notNull().references(() => suggestions.id),
  personId: integer('person_id').notNull().references(() => persons.id),
  percent: smallint('percent').notNull(),
  text: text('text').notNull(),
  createdAt: createdAt(),
}, (t) => [check('progress_percent', sql`${t.percent} between 0 and 100`)]);

/** Platform updates already applied: a re-delivered update changes nothing the second time. */
export const processedUpdates = pgTable('processed_updates', {
  platform: text('platform', { enum: PLATFORMS }).notNull(),
  updateKey: text('update_key').notNull(),
  /** The replies produced the first time, so an adapter may re-send them if it never did. */
  replies: jsonb('replies'),
  processedAt: timestamp('processed_at', { withTimezone: true }).notNull().defaultNow(),
  /**
   * Where an adapter that keeps its replies (Incoming.delivery: Telegram) is to send them: kept until
   * it says they went out (delivered_at), so a process killed with replies still queued sends them
   * at its next start.
   */
  delivery: jsonb('delivery'),
  deliveredAt: timestamp('delivered_at', { withTimezone: true }),
}, (t) => [
  primaryKey({ columns: [t.platform, t.updateKey] }),
  index('processed_updates_undelivered').on(t.platform, t.processedAt).where(sql`${t.delivery} is not null and ${t.deliveredAt} is null`),
]);

/** Messages to send, written in the same transaction as what caused them (outbox). */
export const outboundMessages = pgTable('outbound_messages', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  platform: text('platform', { enum: PLATFORMS }).notNull(),
  platformChatId: text('platform_chat_id').notNull(),
  /** Makes a message idempotent: the same reminder or result is queued once. */
  dedupeKey: text('dedupe_key').notNull(),
  payload: jsonb('payload').notNull(),
  status: text('status', { enum: ['pending', 'sent', 'failed'] }).notNull().default('pending'),
  attempts: integer('attempts').notNull().default(0),
  platformMessageId: text('platform_message_id'),
  lastError: text('last_error'),
  createdAt: createdAt(),
  sentAt: timestamp('sent_at', { withTimezone: true }),
}, (t) => [
  uniqueIndex('outbound_messages_dedupe').on(t.dedupeKey),
  index('outbound_messages_status').on(t.status),
]);

/** Append-only audit log: every state change writes one row in the same transaction. */
export const auditLog = pgTable('audit_log', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  communityId: integer('community_id').references(() => communities.id),
  actorId: integer('actor_id').references(() => persons.id),
  action: text('action').notNull(),
  suggestionId: integer('suggestion_id').references(() => suggestions.id),
  data: jsonb('data'),
  at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [index('audit_log_community_at').on(t.communityId, t.at)]);

export * from './schema-jobs.js';
export * from './schema-org.js';
export * from './schema-whistle.js';
export * from './schema-members.js';
export * from './schema-points.js';
export * from './schema-owners.js';
export * from './schema-web.js';
export * from './schema-practice.js';
