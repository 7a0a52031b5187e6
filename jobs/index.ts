/**
 * The jobs: BullMQ queues and workers for everything time-driven, reconciled from Postgres at start.
 * Postgres is the truth; Redis only holds jobs, so a Redis that lost its data heals at the next start.
 */
import { Queue, type Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { AppDeps, Stoppable } from '../src/core/app-types.js';
import type { CoreEvent, Platform } from '../src/kernel/types.js';
import { councilCommunities, meetingById } from '../src/council/schedule-plan.js';
import { exclusively, LOCKS } from '../src/db/locks.js';
import { KeyedSerializer } from '../src/lib/keyed-serializer.js';
import type { Logger } from '../src/lib/logger.js';
import { quarterOf } from '../src/domain/time.js';
import { DEFAULT_LIMITS, SendLimiter, type PlatformLimits } from './limiter.js';
import { SharedSendLimiter } from './shared-limiter.js';
import { planMeeting, planMeetingDue, planOwnersVote, planPoll, planSchedulers, planTimers, type PlannedJob } from './plan.js';
import { CHAIR_PATTERN, DEFAULT_PREFIX, jobIds, retryingQueue, SEND_QUEUE, TIMER_NAMES, TIMERS_QUEUE, type MeetingOffset } from './queues.js';
import { createSendWorker, enqueueAllPending, enqueuePending, queueMessages, type OutboxMessage, type SendQueueOptions } from './send-queue.js';
import { createTimersWorker, type TimerContext } from './timers.js';
import { createWhistleJobs } from './whistles.js';
import { createNeedJobs } from './needs.js';
import { createAnswerJobs } from './answers.js';

export { nextQuarterlyRun } from './plan.js';

export interface JobsOptions {
  /** BullMQ key prefix: tests use a unique one each. Default `yishi`. */
  prefix?: string;
  /** The clock the handlers decide by (delays in Redis always use the real clock). */
  now?: () => Date;
  /** Send rate limits per platform (defaults from PLATFORMS.md). */
  limits?: Partial<Record<Platform, PlatformLimits>>;
  /** Retries of a failed send and the first backoff delay. */
  sendAttempts?: number;
  sendBackoffMs?: number;
  /** Retries of a failed timer job and the first backoff delay. */
  timerAttempts?: number;
  timerBackoffMs?: number;
  /** How often changes made by the admin CLI (council units, imports) are picked up. Default 5 min. */
  syncEveryMs?: number;
}

export interface ReconcileReport {
  schedulers: number;
  schedulersRemoved: number;
  jobs: number;
  jobsAdded: number;
  jobsRemoved: number;
  pendingSends: number;
}

export interface Jobs extends Stoppable {
  /** Makes Redis match Postgres (run at start; safe to run again). */
  reconcile(): Promise<ReconcileReport>;
  /** Writes messages to the outbox and queues them for sending. */
  queueMessages(messages: OutboxMessage[]): Promise<number[]>;
  /** Waits until the reactions to core events seen so far are done. */
  settled(): Promise<void>;
  timers: Queue;
  send: Queue;
  /** Every queue, for the metrics and the staff's queue view. */
  queues: Queue[];
  prefix: string;
}

/** Warns unless Redis keeps jobs under memory pressure (BullMQ needs `noeviction`). */
export async function checkEvictionPolicy(connection: Redis, logger: Logger): Promise<string | undefined> {
  try {
    const reply = (await connection.config('GET', 'maxmemory-policy')) as unknown as string[];
    const policy = reply?.[1];
    if (policy !== 'noeviction') {
      logger.warn(`Redis maxmemory-policy is ${policy ?? 'unknown'}; set it to noeviction or Redis may drop jobs under memory pressure`);
    }
    return policy;
  } catch (err) {
    logger.warn('could not read Redis maxmemory-policy (CONFIG GET refused); make sure it is noeviction', { error: err });
    return undefined;
  }
}

function sameData(a: unknown, b: unknown) {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Starts the queues and workers, reconciles Redis from Postgres, and follows the core's events. */
export async function startJobs(deps: AppDeps, options: JobsOptions = {}): Promise<Jobs> {
  const { config, core, senders } = deps;
  const db = deps.database.db;
  const tz = config.YISHI_TZ;
  const prefix = options.prefix ?? DEFAULT_PREFIX;
  const now = options.now ?? (() => new Date());
  const logger = deps.logger.child({ part: 'jobs' });

  const connection = new Redis(deps.redisUrl, { maxRetriesPerRequest: null });
  connection.on('error', (err) => logger.warn('redis connection error', { error: err }));
  await checkEvictionPolicy(connection, logger);

  const timers = retryingQueue(TIMERS_QUEUE, { connection, prefix }, { attempts: options.timerAttempts ?? 6, backoffMs: options.timerBackoffMs ?? 2000 });
  const send = retryingQueue(SEND_QUEUE, { connection, prefix }, { attempts: options.sendAttempts ?? 10, backoffMs: options.sendBackoffMs ?? 1000 });
  timers.on('error', (err) => logger.warn('timers queue error', { error: err }));
  send.on('error', (err) => logger.warn('send queue error', { error: err }));

  const sendOpts: SendQueueOptions = { db, queue: send, logger };
  const plannedEnv = { db, tz, now, logger, connection, prefix, reachable: (p: Platform) => Boolean(senders.get(p)), enqueue: (keys: string[]) => enqueuePending(sendOpts, keys) };
  const whistleJobs = createWhistleJobs(plannedEnv);
  const needJobs = createNeedJobs(plannedEnv);
  const answerJobs = createAnswerJobs(plannedEnv);
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const limiter = new SendLimiter(limits);
  // Every instance sends through the same Redis windows, so N instances together keep the platforms' limits.
  const shared = new SharedSendLimiter(connection, prefix, limits);

  // Every change to the timers queue goes through this chain, so an event handled during a reconcile
  // cannot have its fresh job removed as stale by that reconcile.
  const timerChanges = new KeyedSerializer();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => timerChanges.run('timers', fn);

  async function removeJob(id: string): Promise<boolean> {
    try {
      return (await timers.remove(id)) === 1;
    } catch (err) {
      // A job that is running right now is locked; it re-checks Postgres itself.
      logger.debug('could not remove job', { id, error: err });
      return false;
    }
  }

  /** Adds a planned job, or replaces a different one with its id; returns whether anything changed. */
  async function put(job: PlannedJob): Promise<boolean> {
    const t = Date.now();
    const due = Math.max(job.at, t);
    const existing = await timers.getJob(job.id);
    if (existing) {
      const state = await existing.getState();
      if (state === 'active') return false;
      if (state === 'delayed' || state === 'waiting' || state === 'prioritized') {
        const at = existing.timestamp + (existing.delay ?? 0);
        const sameTime = Math.abs(at - due) < 1000 || (job.at <= t && at <= t + 1000);
        if (sameTime && existing.name === job.name && sameData(existing.data, job.data)) return false;
      }
      await existing.remove().catch(() => undefined);
    }
    await timers.add(job.name, job.data, { jobId: job.id, delay: Math.max(0, job.at - t) });
    return true;
  }

  async function schedule(jobs: PlannedJob[]): Promise<void> {
    for (const j of jobs) await put(j);
  }

  async function syncScheduler(communityId: number, present: boolean): Promise<void> {
    const id = jobIds.chairScheduler(communityId);
    if (present) {
      await timers.upsertJobScheduler(id, { pattern: CHAIR_PATTERN, tz }, { name: 'chair-announce', data: { communityId } });
    } else {
      await timers.removeJobScheduler(id);
    }
  }

  // Several instances share one Redis: the reconcile and the sync run under one Postgres advisory lock,
  // one instance at a time, so instances starting together create each scheduler and job once.
  const leader = <T>(fn: () => Promise<T>): Promise<T> => serial(() => exclusively(deps.database, LOCKS.jobsReconcile, fn));

  async function reconcile(): Promise<ReconcileReport> {
    return leader(async () => {
      const at = now();
      const schedulers = await planSchedulers(db, tz);
      for (const s of schedulers) await syncScheduler(s.communityId, true);
      const wanted = new Set(schedulers.map((s) => s.id));
      let schedulersRemoved = 0;
      for (const s of await timers.getJobSchedulers(0, -1)) {
        const id = s.id ?? s.key;
        if (id.startsWith('chair-') && !wanted.has(id)) {
          await timers.removeJobScheduler(id);
          schedulersRemoved++;
        }
      }

      const planned = await planTimers(db, tz, at);
      let jobsAdded = 0;
      for (const j of planned) if (await put(j)) jobsAdded++;
      const ids = new Set(planned.map((j) => j.id));
      let jobsRemoved = 0;
      const present = await timers.getJobs(['delayed', 'waiting', 'prioritized', 'failed']);
      for (const job of present) {
        if (!job?.id || job.id.startsWith('repeat:') || ids.has(job.id)) continue;
        if (!(TIMER_NAMES as string[]).includes(job.name)) continue;
        if (await removeJob(job.id)) jobsRemoved++;
      }

      await whistleJobs.reconcile();
      await needJobs.reconcile();
      await answerJobs.reconcile();
      const pendingSends = await enqueueAllPending(sendOpts);
      await timers.upsertJobScheduler(jobIds.syncScheduler, { every: options.syncEveryMs ?? 5 * 60e3 }, { name: 'sync', data: {} });
      const report = { schedulers: schedulers.length, schedulersRemoved, jobs: planned.length, jobsAdded, jobsRemoved, pendingSends };
      logger.info('jobs reconciled from Postgres', { ...report });
      return report;
    });
  }

  /** The part of reconcile that other processes can make necessary: councils change through the CLI. */
  async function sync(): Promise<string> {
    return leader(async () => {
      const at = now();
      const communities = await councilCommunities(db);
      const wanted = new Set(communities.map((c) => jobIds.chairScheduler(c.id)));
      for (const c of communities) {
        if (!(await timers.getJobScheduler(jobIds.chairScheduler(c.id)))) await syncScheduler(c.id, true);
        await schedule(await planMeetingDue(db, c, at, tz));
      }
      for (const s of await timers.getJobSchedulers(0, -1)) {
        const id = s.id ?? s.key;
        if (id.startsWith('chair-') && !wanted.has(id)) await timers.removeJobScheduler(id);
      }
      // A changed answer time (`community set --answer-within`) moves the answer jobs.
      await answerJobs.reconcile();
      const pending = await enqueueAllPending(sendOpts);
      return `synced ${communities.length} councils, ${pending} pending sends`;
    });
  }

  async function onEvent(event: CoreEvent): Promise<void> {
    const at = now();
    switch (event.type) {
      case 'poll.opened':
        await schedule(await planPoll(db, event.pollId, at));
        return;
      case 'poll.closed':
        await removeJob(jobIds.pollClose(event.pollId));
        await removeJob(jobIds.pollNudge(event.pollId));
        return;
      case 'owners_vote.opened':
        await schedule(planOwnersVote({ id: event.voteId, deadline: event.deadline }));
        return;
      case 'owners_vote.closed':
        await removeJob(jobIds.ownersVoteClose(event.voteId));
        return;
      case 'meeting.scheduled':
      case 'meeting.moved':
      case 'meeting.cancelled':
      case 'meeting.held': {
        for (const before of ['24h', '1h'] as MeetingOffset[]) await removeJob(jobIds.meeting(event.meetingId, before));
        await schedule(await planMeeting(db, event.meetingId, at, { catchUp: false }));
        // A meeting settles the quarter's 45th-day check; a cancelled one may bring it back.
        const m = await meetingById(db, event.meetingId);
        const c = m && (await councilCommunities(db)).find((x) => x.id === m.communityId);
        if (c) {
          const due = await planMeetingDue(db, c, at, tz);
          await schedule(due);
          if (!due.some((j) => j.id === jobIds.meetingDue(c.id, quarterOf(at, tz)))) await removeJob(jobIds.meetingDue(c.id, quarterOf(at, tz)));
          if (!due.some((j) => j.id === jobIds.meetingDueLate(c.id, quarterOf(at, tz)))) await removeJob(jobIds.meetingDueLate(c.id, quarterOf(at, tz)));
        }
        return;
      }
      case 'council.changed': {
        const c = (await councilCommunities(db)).find((x) => x.id === event.communityId);
        await syncScheduler(event.communityId, Boolean(c));
        if (c) await schedule(await planMeetingDue(db, c, at, tz));
        return;
      }
      case 'chat.bound':
        return;
      case 'outbox.queued':
        await enqueuePending(sendOpts, event.dedupeKeys);
        return;
      case 'whistle.changed':
        return whistleJobs.onEvent(event);
      case 'need.changed':
        return needJobs.onEvent(event);
      case 'suggestion.raised':
        return answerJobs.onEvent(event);
    }
  }

  const inFlight = new Set<Promise<unknown>>();
  const unsubscribe = core.onEvent((event) => {
    const p = serial(() => onEvent(event)).catch((err) => logger.error('could not schedule for event', { event, error: err }));
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  });

  const ctx: TimerContext = { db, core, tz, now, logger, senders, send: sendOpts, schedule: (jobs) => serial(() => schedule(jobs)), sync };
  const timersWorker = createTimersWorker(ctx, { queueName: TIMERS_QUEUE, prefix, connection });
  const sendWorker = createSendWorker({ db, queueName: SEND_QUEUE, prefix, connection, senders, limiter, shared, logger });

  const workers: Worker[] = [timersWorker, sendWorker, whistleJobs.worker, needJobs.worker, answerJobs.worker];
  let stopped = false;
  async function stop(): Promise<void> {
    if (stopped) return;
    stopped = true;
    unsubscribe();
    await Promise.allSettled([...inFlight]);
    // close() waits for the jobs that are running.
    await Promise.allSettled(workers.map((w) => w.close()));
    await Promise.allSettled([timers.close(), send.close(), whistleJobs.queue.close(), needJobs.queue.close(), answerJobs.queue.close()]);
    await connection.quit().catch(() => connection.disconnect());
  }

  try {
    await reconcile();
    for (const w of workers) {
      void w.run().catch((err) => logger.error('worker stopped', { error: err }));
    }
    await Promise.all(workers.map((w) => w.waitUntilReady()));
  } catch (err) {
    await stop();
    throw err;
  }

  return {
    stop,
    reconcile,
    queueMessages: (messages) => queueMessages(sendOpts, messages),
    settled: async () => {
      while (inFlight.size) await Promise.allSettled([...inFlight]);
    },
    timers,
    send,
    queues: [timers, send, whistleJobs.queue, needJobs.queue, answerJobs.queue],
    prefix,
  };
}
