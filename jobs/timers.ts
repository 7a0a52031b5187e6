/**
 * The timers' delayed jobs, on the timers queue (a planned queue, like the whistles', the needs' and the
 * answers'): poll deadlines, non-voter nudges, meeting reminders, the quarterly chair announcement, the
 * quarter's meeting checks (its 45th day and two weeks before its end), the daily prune, and the periodic
 * sync. jobs/plan.ts says which jobs there should be; each job runs its use case (src/consultation/nudge.ts,
 * src/council/chair-announcement.ts, meeting-reminders.ts, quarter-check.ts), which decides and writes
 * what it sends to the outbox in one transaction; the queue only enqueues what was queued. A job run
 * twice sends nothing twice.
 */
import type { Core } from '../src/kernel/types.js';
import { nudgeNonVoters } from '../src/consultation/nudge.js';
import { announceChair } from '../src/council/chair-announcement.js';
import { pruneAtRest } from '../src/sessions/retention.js';
import { remindMeeting } from '../src/council/meeting-reminders.js';
import { remindMeetingDue } from '../src/council/quarter-check.js';
import { meetingById, pollDeadline } from '../src/council/schedule-plan.js';
import type { ScheduledRun } from '../src/messaging/addresses.js';
import { outboxKeys } from '../src/messaging/outbox-keys.js';
import { writeOutbox } from '../src/messaging/outbox.js';
import type { CoreEvent } from '../src/kernel/types.js';
import { planTimerJobs, timerJobIds, type TimerSubject } from './plan.js';
import { createPlannedQueue, NOT_YET_DUE, type PlannedQueue, type PlannedQueueEnv, type StepResult } from './planned-queue.js';
import { TIMERS_QUEUE, timerSchemas, type TimerData, type TimerName } from './queues.js';

export interface TimerOptions {
  core: Core;
  /** Picks up changes made outside this process (the admin CLI): council schedulers, pending sends. */
  sync: () => Promise<string>;
  retry: { attempts: number; backoffMs: number };
}

/** What a use case is given: the clock now, and which platforms have a running sender. */
const runOf = (env: PlannedQueueEnv): ScheduledRun => ({ db: env.db, now: env.now(), tz: env.tz, reachable: env.reachable });

async function closePollAtDeadline(env: PlannedQueueEnv, core: Core, data: TimerData<'poll-close'>): Promise<StepResult> {
  const now = env.now();
  const result = await core.closeDuePoll(data.pollId, now);
  if (!result) {
    const p = await pollDeadline(env.db, data.pollId);
    // Fired before its deadline (the deadline or the clock moved): wait for the real one.
    if (p?.status === 'open' && p.deadline.getTime() > now.getTime()) return { note: NOT_YET_DUE, queued: [], retryAt: p.deadline.getTime() };
    return { note: 'already closed', queued: [] };
  }
  const dedupeKey = outboxKeys.pollResult(data.pollId);
  await writeOutbox(env.db, [
    {
      platform: result.to.platform,
      platformChatId: result.to.platformChatId,
      dedupeKey,
      payload: { text: result.reply.text, ...(result.reply.buttons?.length ? { buttons: result.reply.buttons } : {}) },
    },
  ]);
  return { note: 'closed', queued: [dedupeKey] };
}

async function closeOwnersVoteAtDeadline(env: PlannedQueueEnv, core: Core, data: TimerData<'owners-vote-close'>): Promise<StepResult> {
  const result = await core.closeDueOwnersVote(data.voteId, env.now());
  if (!result) return { note: 'already closed', queued: [] };
  const dedupeKey = outboxKeys.ownersVoteResult(data.voteId);
  await writeOutbox(env.db, [{ platform: result.to.platform, platformChatId: result.to.platformChatId, dedupeKey, payload: { text: result.reply.text } }]);
  return { note: 'closed', queued: [dedupeKey] };
}

/** The parts of the timers' plan an event changed. */
async function changedBy(env: PlannedQueueEnv, event: CoreEvent): Promise<TimerSubject[]> {
  switch (event.type) {
    case 'poll.opened':
    case 'poll.closed':
      return [{ kind: 'poll', id: event.pollId }];
    case 'owners_vote.opened':
    case 'owners_vote.closed':
      return [{ kind: 'owners-vote', id: event.voteId }];
    case 'meeting.scheduled':
    case 'meeting.moved':
    case 'meeting.cancelled':
    case 'meeting.held': {
      // A held meeting settles the quarter's checks (the 45th day's and the late one); a cancelled one
      // may bring them back.
      const m = await meetingById(env.db, event.meetingId);
      return [{ kind: 'meeting', id: event.meetingId }, ...(m ? [{ kind: 'meeting-due' as const, id: m.communityId }] : [])];
    }
    case 'council.changed':
      return [{ kind: 'meeting-due', id: event.communityId }];
    default:
      return [];
  }
}

export function createTimerJobs(env: PlannedQueueEnv, opts: TimerOptions): PlannedQueue<TimerSubject> {
  const handlers: { [N in TimerName]: (data: TimerData<N>) => Promise<StepResult> } = {
    'poll-close': (d) => closePollAtDeadline(env, opts.core, d),
    'owners-vote-close': (d) => closeOwnersVoteAtDeadline(env, opts.core, d),
    'poll-nudge': (d) => nudgeNonVoters(runOf(env), d.pollId),
    'meeting-reminder': (d) => remindMeeting(runOf(env), d),
    'chair-announce': (d) => announceChair(runOf(env), d.communityId),
    'meeting-due': (d) => remindMeetingDue(runOf(env), d.communityId, d.quarter, d.check ?? 'mid'),
    sync: async () => ({ note: await opts.sync(), queued: [] }),
    prune: async () => {
      const pruned = await pruneAtRest(env.db, env.now(), env.logger);
      return { note: `pruned ${pruned.processedUpdates} updates, ${pruned.signInLinks} links, ${pruned.sessions} sessions`, queued: [] };
    },
  };
  return createPlannedQueue<TimerData<TimerName>, TimerSubject>(env, {
    name: TIMERS_QUEUE,
    payloads: timerSchemas,
    retry: opts.retry,
    concurrency: 4,
    plan: (db, now, subject) => planTimerJobs(db, env.tz, now, subject),
    run: (_env, name, data) => (handlers[name as TimerName] as (d: TimerData<TimerName>) => Promise<StepResult>)(data),
    changed: (event) => changedBy(env, event),
    idsOf: (subject, now) => timerJobIds(subject, now, env.tz),
    // The quarter has begun: its meeting checks are due next.
    after: (name, data) => (name === 'chair-announce' ? [{ kind: 'meeting-due', id: (data as TimerData<'chair-announce'>).communityId }] : []),
  });
}
