/**
 * The time-driven work: poll deadlines, non-voter nudges, meeting reminders, the quarterly chair
 * announcement and the 45th-day meeting check. Each handler runs its use case (src/consultation/nudge.ts,
 * src/council/chair-announcement.ts, meeting-reminders.ts, quarter-check.ts), which decides and writes
 * what it sends to the outbox in one transaction; the handler only enqueues what was queued and
 * schedules what follows. A handler run twice sends nothing twice.
 */
import { DelayedError, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Core } from '../src/kernel/types.js';
import type { Db } from '../src/db/client.js';
import { nudgeNonVoters } from '../src/consultation/nudge.js';
import { announceChair as announceChairUseCase } from '../src/council/chair-announcement.js';
import { remindMeeting as remindMeetingUseCase } from '../src/council/meeting-reminders.js';
import { remindMeetingDue as remindMeetingDueUseCase } from '../src/council/quarter-check.js';
import { councilCommunities, pollDeadline } from '../src/council/schedule-plan.js';
import type { Logger } from '../src/lib/logger.js';
import type { ScheduledResult, ScheduledRun } from '../src/messaging/addresses.js';
import { outboxKeys } from '../src/messaging/outbox-keys.js';
import type { SenderRegistry } from '../src/messaging/port.js';
import { planMeetingDue, type PlannedJob } from './plan.js';
import { timerSchemas, type TimerData, type TimerName } from './queues.js';
import { enqueuePending, queueMessages, type SendQueueOptions } from './send-queue.js';

export interface TimerContext {
  db: Db;
  core: Core;
  tz: string;
  now: () => Date;
  logger: Logger;
  senders: SenderRegistry;
  send: SendQueueOptions;
  /** Adds (or replaces) planned delayed jobs; used to schedule the quarter's 45th-day check. */
  schedule: (jobs: PlannedJob[]) => Promise<void>;
  /** Picks up changes made outside this process (the admin CLI): council schedulers, pending sends. */
  sync: () => Promise<string>;
}

/** What a use case is given: the clock now, and which platforms have a running sender. */
function runOf(ctx: TimerContext): ScheduledRun {
  return { db: ctx.db, now: ctx.now(), tz: ctx.tz, reachable: (platform) => Boolean(ctx.senders.get(platform)) };
}

/** Hands what a use case queued to the send queue (also after a crash between its commit and here). */
async function deliver(ctx: TimerContext, done: ScheduledResult): Promise<string> {
  await enqueuePending(ctx.send, done.queued);
  return done.note;
}

export async function closePollAtDeadline(ctx: TimerContext, data: TimerData<'poll-close'>, job?: Job, token?: string): Promise<string> {
  const now = ctx.now();
  const result = await ctx.core.closeDuePoll(data.pollId, now);
  if (!result) {
    const p = await pollDeadline(ctx.db, data.pollId);
    // Fired before its deadline (the deadline or the clock moved): wait for the real one.
    if (job && p?.status === 'open' && p.deadline.getTime() > now.getTime()) {
      await job.moveToDelayed(p.deadline.getTime(), token);
      throw new DelayedError();
    }
    return 'already closed';
  }
  await queueMessages(ctx.send, [
    {
      platform: result.to.platform,
      platformChatId: result.to.platformChatId,
      dedupeKey: outboxKeys.pollResult(data.pollId),
      payload: { text: result.reply.text, ...(result.reply.buttons?.length ? { buttons: result.reply.buttons } : {}) },
    },
  ]);
  return 'closed';
}

export async function closeOwnersVoteAtDeadline(ctx: TimerContext, data: TimerData<'owners-vote-close'>): Promise<string> {
  const result = await ctx.core.closeDueOwnersVote(data.voteId, ctx.now());
  if (!result) return 'already closed';
  await queueMessages(ctx.send, [
    { platform: result.to.platform, platformChatId: result.to.platformChatId, dedupeKey: outboxKeys.ownersVoteResult(data.voteId), payload: { text: result.reply.text } },
  ]);
  return 'closed';
}

export async function announceChair(ctx: TimerContext, data: TimerData<'chair-announce'>): Promise<string> {
  const run = runOf(ctx);
  const note = await deliver(ctx, await announceChairUseCase(run, data.communityId));
  // The quarter has begun: its 45th-day check is due next.
  const c = (await councilCommunities(ctx.db)).find((x) => x.id === data.communityId);
  if (c) await ctx.schedule(await planMeetingDue(ctx.db, c, run.now, ctx.tz));
  return note;
}

export interface TimersWorkerOptions {
  queueName: string;
  prefix: string;
  connection: Redis;
  concurrency?: number;
}

/** The worker of the timers queue: validates each payload (zod) and runs its handler. */
export function createTimersWorker(ctx: TimerContext, opts: TimersWorkerOptions): Worker {
  const handlers: { [N in TimerName]: (data: TimerData<N>, job: Job, token?: string) => Promise<string> } = {
    'poll-close': (d, job, token) => closePollAtDeadline(ctx, d, job, token),
    'owners-vote-close': (d) => closeOwnersVoteAtDeadline(ctx, d),
    'poll-nudge': async (d) => deliver(ctx, await nudgeNonVoters(runOf(ctx), d.pollId)),
    'meeting-reminder': async (d) => deliver(ctx, await remindMeetingUseCase(runOf(ctx), d)),
    'chair-announce': (d) => announceChair(ctx, d),
    'meeting-due': async (d) => deliver(ctx, await remindMeetingDueUseCase(runOf(ctx), d.communityId, d.quarter, d.check ?? 'mid')),
    sync: () => ctx.sync(),
  };
  const worker = new Worker(
    opts.queueName,
    async (job: Job, token?: string) => {
      const name = job.name as TimerName;
      const schema = timerSchemas[name];
      if (!schema) throw new UnrecoverableError(`unknown job ${job.name}`);
      const parsed = schema.safeParse(job.data);
      if (!parsed.success) throw new UnrecoverableError(`bad ${job.name} payload: ${parsed.error.issues[0]?.message}`);
      const handler = handlers[name] as (data: unknown, job: Job, token?: string) => Promise<string>;
      const result = await handler(parsed.data, job, token);
      ctx.logger.debug('job done', { job: job.id, name: job.name, result });
      return result;
    },
    { connection: opts.connection, prefix: opts.prefix, concurrency: opts.concurrency ?? 4, autorun: false },
  );
  worker.on('failed', (job, err) => {
    if (err.name === 'DelayedError') return;
    ctx.logger.warn('job failed', { job: job?.id, name: job?.name, attemptsMade: job?.attemptsMade, error: err.message });
  });
  worker.on('error', (err) => ctx.logger.error('timers worker error', { error: err }));
  return worker;
}


