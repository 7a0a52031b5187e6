/**
 * What Redis should hold, computed from Postgres alone: the quarterly schedulers and every delayed job
 * (poll closes, non-voter nudges, meeting reminders, the quarter's two meeting checks). Reconcile makes Redis
 * match this; `yishi schedules` prints it.
 */
import { getNextMillis } from 'bullmq';
import { openOwnersVotes } from '../src/owners/close.js';
import type { Db } from '../src/db/client.js';
import {
  announcedQuarters,
  councilCommunities,
  meetingById,
  meetingDueSettled,
  meetingReminderWritten,
  openPolls,
  upcomingMeetings,
  type CouncilCommunity,
  type Meeting,
  type OpenPoll,
} from '../src/council/schedule-plan.js';
import { quarterEnd, quarterOf, quarterStart, reminderBefore, zonedParts, zonedTimeToDate, type Quarter } from '../src/domain/time.js';
import { CHAIR_PATTERN, jobIds, MEETING_OFFSETS, type MeetingOffset, type TimerData, type TimerName } from './queues.js';

export interface PlannedJob<N extends TimerName = TimerName> {
  id: string;
  name: N;
  data: TimerData<N>;
  /** When it should run (ms since epoch); in the past means "now". */
  at: number;
  /** A short description for `yishi schedules`. */
  what: string;
}

export interface PlannedScheduler {
  id: string;
  communityId: number;
  slug: string;
  name: string;
  pattern: string;
  tz: string;
}

/** The next run of the quarterly chair scheduler after `from`, computed the way BullMQ computes it. */
export function nextQuarterlyRun(from: Date, tz: string): Date {
  return new Date(getNextMillis(from.getTime(), { pattern: CHAIR_PATTERN, tz })!);
}

/** When non-voters are nudged: the reminder rule (24 h before the deadline, or halfway for polls shorter than 48 h). */
export function nudgeTime(openedAt: Date, deadline: Date): number {
  return reminderBefore(deadline, deadline.getTime() - openedAt.getTime()).getTime();
}

/** 09:00 on the 45th day of the quarter, in `tz`: the moment a quarter without a meeting is flagged. */
export function meetingDueAt(quarter: Quarter, tz: string): Date {
  const first = zonedParts(quarterStart(quarter, tz), tz);
  const day45 = new Date(Date.UTC(first.year, first.month - 1, first.day + 44));
  return zonedTimeToDate({ year: day45.getUTCFullYear(), month: day45.getUTCMonth() + 1, day: day45.getUTCDate(), hour: 9, minute: 0 }, tz);
}

/** 09:00 two weeks before the quarter's end, in `tz`: the second check of a quarter without a held meeting. */
export function meetingLateAt(quarter: Quarter, tz: string): Date {
  const end = zonedParts(quarterEnd(quarter, tz), tz);
  const day = new Date(Date.UTC(end.year, end.month - 1, end.day - 14));
  return zonedTimeToDate({ year: day.getUTCFullYear(), month: day.getUTCMonth() + 1, day: day.getUTCDate(), hour: 9, minute: 0 }, tz);
}

export async function planSchedulers(db: Db, tz: string): Promise<PlannedScheduler[]> {
  return (await councilCommunities(db)).map((c) => ({ id: jobIds.chairScheduler(c.id), communityId: c.id, slug: c.slug, name: c.name, pattern: CHAIR_PATTERN, tz }));
}

/** The delayed jobs of one open poll. */
export async function planPoll(db: Db, pollId: number, now: Date): Promise<PlannedJob[]> {
  return (await openPolls(db, pollId)).flatMap((p) => pollJobs(p, now));
}

function pollJobs(p: OpenPoll, now: Date): PlannedJob[] {
  const out: PlannedJob[] = [
    { id: jobIds.pollClose(p.id), name: 'poll-close', data: { pollId: p.id }, at: p.deadline.getTime(), what: `close ${p.kind} #${p.number} (${p.slug})` },
  ];
  if (p.deadline.getTime() > now.getTime() && !p.nudged) {
    out.push({ id: jobIds.pollNudge(p.id), name: 'poll-nudge', data: { pollId: p.id }, at: nudgeTime(p.openedAt, p.deadline), what: `remind non-voters of #${p.number} (${p.slug})` });
  }
  return out;
}

/** The reminders of one meeting that are still to come (or missed but still useful before it starts). */
export async function planMeeting(db: Db, meetingId: number, now: Date, opts: { catchUp: boolean }): Promise<PlannedJob[]> {
  const m = await meetingById(db, meetingId);
  return m ? meetingJobs(db, m, now, opts) : [];
}

async function meetingJobs(db: Db, m: Meeting, now: Date, opts: { catchUp: boolean }): Promise<PlannedJob[]> {
  const t = now.getTime();
  const starts = m.startsAt.getTime();
  if (m.status !== 'scheduled' || starts <= t) return [];
  const out: PlannedJob[] = [];
  for (const before of Object.keys(MEETING_OFFSETS) as MeetingOffset[]) {
    const at = starts - MEETING_OFFSETS[before];
    const job: PlannedJob = { id: jobIds.meeting(m.id, before), name: 'meeting-reminder', data: { meetingId: m.id, before, startsAt: starts }, at, what: `meeting ${m.id} reminder ${before} before` };
    if (at > t) {
      out.push(job);
      continue;
    }
    if (!opts.catchUp) continue;
    // Missed while the app was down: still useful only before the meeting, and only the latest one due.
    const isLatestDue = before === '1h' || starts - MEETING_OFFSETS['1h'] > t;
    const wasDueAfterScheduling = at > m.createdAt.getTime();
    if (!isLatestDue || !wasDueAfterScheduling) continue;
    if (!(await meetingReminderWritten(db, m, before))) out.push(job);
  }
  return out;
}

/**
 * The checks of the quarter `now` is in, for one council community: at its midpoint (the 45th day) and
 * two weeks before its end, each unless already settled (reminded, or a meeting held).
 */
export async function planMeetingDue(db: Db, community: Pick<CouncilCommunity, 'id' | 'slug' | 'firstUnitAt'>, now: Date, tz: string): Promise<PlannedJob[]> {
  const quarter = quarterOf(now, tz);
  const mid = meetingDueAt(quarter, tz);
  // A council formed after the midpoint never had the chance to schedule: no reminder this quarter.
  if (community.firstUnitAt.getTime() >= mid.getTime()) return [];
  const out: PlannedJob[] = [];
  if (!(await meetingDueSettled(db, community.id, quarter, 'mid'))) {
    out.push({ id: jobIds.meetingDue(community.id, quarter), name: 'meeting-due', data: { communityId: community.id, quarter }, at: mid.getTime(), what: `meeting check ${quarter} (${community.slug})` });
  }
  if (!(await meetingDueSettled(db, community.id, quarter, 'late'))) {
    const at = meetingLateAt(quarter, tz).getTime();
    out.push({ id: jobIds.meetingDueLate(community.id, quarter), name: 'meeting-due', data: { communityId: community.id, quarter, check: 'late' }, at, what: `meeting check two weeks before the end of ${quarter} (${community.slug})` });
  }
  return out;
}

/**
 * A quarterly announcement missed while the app was down: only when the rotation was already running
 * (an earlier quarter was announced), so a freshly formed council is not announced mid-quarter.
 */
async function planChairCatchUp(db: Db, community: { id: number; slug: string }, now: Date, tz: string): Promise<PlannedJob[]> {
  const quarter = quarterOf(now, tz);
  if (now.getTime() < quarterStart(quarter, tz, 9).getTime()) return [];
  const announced = await announcedQuarters(db, community.id);
  if (announced.includes(quarter) || !announced.some((q) => q < quarter)) return [];
  return [{ id: jobIds.chairCatchUp(community.id, quarter), name: 'chair-announce', data: { communityId: community.id }, at: now.getTime(), what: `announce the ${quarter} chair (${community.slug}), missed` }];
}

/** The deadline close of an owners' vote. */
export function planOwnersVote(vote: { id: number; deadline: Date }): PlannedJob[] {
  return [{ id: jobIds.ownersVoteClose(vote.id), name: 'owners-vote-close', data: { voteId: vote.id }, at: vote.deadline.getTime(), what: `close owners' vote ${vote.id}` }];
}

/**
 * A part of the timers' plan that changes together: a poll's close and nudge, an owners' vote's close,
 * a meeting's reminders, a council community's meeting checks of the running quarter (with the
 * community when the caller has it at hand).
 */
export type TimerSubject =
  | { kind: 'poll' | 'owners-vote' | 'meeting'; id: number }
  | { kind: 'meeting-due'; id: number; community?: CouncilCommunity };

/** The delayed jobs Redis should hold now: every one, or one subject's. */
export async function planTimerJobs(db: Db, tz: string, now: Date, subject?: TimerSubject): Promise<PlannedJob[]> {
  switch (subject?.kind) {
    case undefined:
      return planTimers(db, tz, now);
    case 'poll':
      return planPoll(db, subject.id, now);
    case 'owners-vote':
      return (await openOwnersVotes(db)).filter((v) => v.id === subject.id).flatMap(planOwnersVote);
    case 'meeting':
      return planMeeting(db, subject.id, now, { catchUp: false });
    case 'meeting-due': {
      const c = subject.community ?? (await councilCommunities(db)).find((x) => x.id === subject.id);
      return c ? planMeetingDue(db, c, now, tz) : [];
    }
  }
}

/** The ids a subject's jobs may have (they are deterministic), so stale ones go without a scan of the queue. */
export function timerJobIds(subject: TimerSubject, now: Date, tz: string): string[] {
  switch (subject.kind) {
    case 'poll':
      return [jobIds.pollClose(subject.id), jobIds.pollNudge(subject.id)];
    case 'owners-vote':
      return [jobIds.ownersVoteClose(subject.id)];
    case 'meeting':
      return (Object.keys(MEETING_OFFSETS) as MeetingOffset[]).map((before) => jobIds.meeting(subject.id, before));
    case 'meeting-due': {
      const quarter = quarterOf(now, tz);
      return [jobIds.meetingDue(subject.id, quarter), jobIds.meetingDueLate(subject.id, quarter)];
    }
  }
}

/** Every delayed job Redis should hold now. */
export async function planTimers(db: Db, tz: string, now: Date): Promise<PlannedJob[]> {
  const out: PlannedJob[] = [];
  for (const p of await openPolls(db)) out.push(...pollJobs(p, now));
  for (const v of await openOwnersVotes(db)) out.push(...planOwnersVote(v));
  for (const m of await upcomingMeetings(db, now)) out.push(...(await meetingJobs(db, m, now, { catchUp: true })));
  for (const c of await councilCommunities(db)) {
    out.push(...(await planMeetingDue(db, c, now, tz)));
    out.push(...(await planChairCatchUp(db, c, now, tz)));
  }
  return out;
}
