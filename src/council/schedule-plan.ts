/**
 * What the time-driven jobs are planned from (read-only): open polls, upcoming meetings, councils and
 * their quarters. jobs/plan.ts turns these answers into the delayed jobs Redis should hold.
 */
import { and, asc, eq, isNotNull, min, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { communities, councilUnits, meetings, polls, quarterlyChairs, suggestions } from '../db/schema.js';
import { outboxKeys, type MeetingOffset } from '../messaging/outbox-keys.js';
import { outboxHasKeyPrefix } from '../messaging/outbox.js';
import type { Quarter } from '../domain/time.js';
import type { QuarterCheck } from './quarter-check.js';
import { meetingHeldIn } from './quarters-met.js';

export interface CouncilCommunity {
  id: number;
  slug: string;
  name: string;
  /** When its first active unit was added. */
  firstUnitAt: Date;
}

/** Communities that have active council units, i.e. a rotating chair. */
export async function councilCommunities(db: Db): Promise<CouncilCommunity[]> {
  const rows = await db
    .select({ id: communities.id, slug: communities.slug, name: communities.name, firstUnitAt: min(councilUnits.createdAt) })
    .from(communities)
    .innerJoin(councilUnits, and(eq(councilUnits.communityId, communities.id), eq(councilUnits.active, true)))
    .groupBy(communities.id)
    .orderBy(asc(communities.id));
  return rows.map((r) => ({ ...r, firstUnitAt: r.firstUnitAt ?? new Date(0) }));
}

export interface OpenPoll {
  id: number;
  kind: 'vote' | 'rating';
  deadline: Date;
  openedAt: Date;
  /** Whether its non-voters were already nudged. */
  nudged: boolean;
  number: number;
  slug: string;
}

/** The open polls, earliest deadline first (or just poll `pollId`, if it is open). */
export async function openPolls(db: Db, pollId?: number): Promise<OpenPoll[]> {
  const open = eq(polls.status, 'open');
  const rows = await db
    .select({ id: polls.id, kind: polls.kind, deadline: polls.deadline, openedAt: polls.openedAt, nudgedAt: polls.nudgedAt, number: suggestions.number, slug: communities.slug })
    .from(polls)
    .innerJoin(suggestions, eq(suggestions.id, polls.suggestionId))
    .innerJoin(communities, eq(communities.id, suggestions.communityId))
    .where(pollId === undefined ? open : and(open, eq(polls.id, pollId)))
    .orderBy(asc(polls.deadline));
  return rows.map(({ nudgedAt, ...p }) => ({ ...p, nudged: nudgedAt !== null }));
}

/** A poll's status and deadline. */
export async function pollDeadline(db: Db, pollId: number): Promise<{ status: 'open' | 'closed'; deadline: Date } | undefined> {
  const [p] = await db.select({ status: polls.status, deadline: polls.deadline }).from(polls).where(eq(polls.id, pollId));
  return p;
}

export type Meeting = typeof meetings.$inferSelect;

export async function meetingById(db: Db, meetingId: number): Promise<Meeting | undefined> {
  const [m] = await db.select().from(meetings).where(eq(meetings.id, meetingId));
  return m;
}

/** The scheduled meetings that start after `now`, soonest first. */
export async function upcomingMeetings(db: Db, now: Date): Promise<Meeting[]> {
  return db
    .select()
    .from(meetings)
    .where(and(eq(meetings.status, 'scheduled'), sql`${meetings.startsAt} > ${now.toISOString()}`))
    .orderBy(asc(meetings.startsAt));
}

/** Whether a reminder of this meeting at its current time was already written to the outbox. */
export async function meetingReminderWritten(db: Db, m: Meeting, before: MeetingOffset): Promise<boolean> {
  return outboxHasKeyPrefix(db, outboxKeys.meetingReminder(m.id, m.startsAt, before));
}

/** Whether a quarter check has nothing left to do: reminded already, or a meeting held (one still ahead is checked when it runs). */
export async function meetingDueSettled(db: Db, communityId: number, quarter: Quarter, check: QuarterCheck = 'mid'): Promise<boolean> {
  const [chair] = await db
    .select({ mid: quarterlyChairs.meetingReminderAt, late: quarterlyChairs.meetingLateReminderAt })
    .from(quarterlyChairs)
    .where(and(eq(quarterlyChairs.communityId, communityId), eq(quarterlyChairs.quarter, quarter)));
  if (chair?.[check]) return true;
  return meetingHeldIn(db, communityId, quarter);
}

/** The quarters whose chair was announced in this community. */
export async function announcedQuarters(db: Db, communityId: number): Promise<Quarter[]> {
  const rows = await db
    .select({ quarter: quarterlyChairs.quarter })
    .from(quarterlyChairs)
    .where(and(eq(quarterlyChairs.communityId, communityId), isNotNull(quarterlyChairs.announcedAt)));
  return rows.map((r) => r.quarter);
}
