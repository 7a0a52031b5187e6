/**
 * The jobs: BullMQ queues and workers for everything time-driven, reconciled from Postgres at start.
 * Postgres is the truth; Redis only holds jobs, so a Redis that lost its data heals at the next start.
 */
import type { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { AppDeps, Stoppable } from '../src/core/app-types.js';
import type { CoreEvent, Platform } from '../src/kernel/types.js';
import { councilCommunities } from '../src/council/schedule-plan.js';
import { exclusively, LOCKS } from '../src/db/locks.js';
import { KeyedSerializer } from '../src/lib/keyed-serializer.js';
import type { Logger } from '../src/lib/logger.js';
import { DEFAULT_LIMITS, SendLimiter, type PlatformLimits } from './limiter.js';
import { SharedSendLimiter } from './shared-limiter.js';
import { planSchedulers } from './plan.js';
import { CHAIR_PATTERN, DEFAULT_PREFIX, jobIds, retryingQueue, SEND_QUEUE } from './queues.js';
import { createSendWorker, enqueueAllPending, enqueuePending, queueMessages, type OutboxMessage, type SendQueueOptions } from './send-queue.js';
import type { PlannedQueueEnv } from './planned-queue.js';
import { createTimerJobs } from './timers.js';
import { createWhistleJobs } from './whistles.js';
import { createNeedJobs } from './needs.js';
import { createAnswerJobs } from './answers.js';
import { planRetention } from './retention.js';

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

  const send = retryingQueue(SEND_QUEUE, { connection, prefix }, { attempts: options.sendAttempts ?? 10, backoffMs: options.sendBackoffMs ?? 1000 });
  send.on('error', (err) => logger.warn('send queue error', { error: err }));

  const sendOpts: SendQueueOptions = { db, queue: send, logger };
  // The delayed jobs of every area, each a planned queue (./planned-queue.ts): Redis holds what Postgres plans.
  const plannedEnv: PlannedQueueEnv = { db, tz, now, logger, connection, prefix, reachable: (p: Platform) => Boolean(senders.get(p)), enqueue: (keys: string[]) => enqueuePending(sendOpts, keys) };
  const timerJobs = createTimerJobs(plannedEnv, { core, sync: () => sync(), retry: { attempts: options.timerAttempts ?? 6, backoffMs: options.timerBackoffMs ?? 2000 } });
  const whistleJobs = createWhistleJobs(plannedEnv);
  const needJobs = createNeedJobs(plannedEnv);
  const answerJobs = createAnswerJobs(plannedEnv);
  const planned = [timerJobs, whistleJobs, needJobs, answerJobs];
  const timers = timerJobs.queue;
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const limiter = new SendLimiter(limits);
  // Every instance sends through the same Redis windows, so N instances together keep the platforms' limits.
  const shared = new SharedSendLimiter(connection, prefix, limits);

  // Events and every change to the chair schedulers go through this chain in order, so an event handled
  // during a reconcile cannot have its fresh scheduler removed as stale by that reconcile (each planned
  // queue keeps its jobs the same way).
  const changes = new KeyedSerializer();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => changes.run('timers', fn);

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

      const timed = await timerJobs.reconcile();
      await whistleJobs.reconcile();
      await needJobs.reconcile();
      await answerJobs.reconcile();
      // The daily prune of what is not kept (jobs/retention.ts): one scheduler, run by the timers.
      await planRetention(timers, tz);
      const pendingSends = await enqueueAllPending(sendOpts);
      await timers.upsertJobScheduler(jobIds.syncScheduler, { every: options.syncEveryMs ?? 5 * 60e3 }, { name: 'sync', data: {} });
      const report = { schedulers: schedulers.length, schedulersRemoved, jobs: timed.planned, jobsAdded: timed.added, jobsRemoved: timed.removed, pendingSends };
      logger.info('jobs reconciled from Postgres', { ...report });
      return report;
    });
  }

  /** The part of reconcile that other processes can make necessary: councils change through the CLI. */
  async function sync(): Promise<string> {
    return leader(async () => {
      const communities = await councilCommunities(db);
      const wanted = new Set(communities.map((c) => jobIds.chairScheduler(c.id)));
      for (const c of communities) {
        if (!(await timers.getJobScheduler(jobIds.chairScheduler(c.id)))) await syncScheduler(c.id, true);
        await timerJobs.replan({ kind: 'meeting-due', id: c.id, community: c });
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
    switch (event.type) {
      case 'council.changed': {
        const c = (await councilCommunities(db)).find((x) => x.id === event.communityId);
        await syncScheduler(event.communityId, Boolean(c));
        break;
      }
      case 'outbox.queued':
        await enqueuePending(sendOpts, event.dedupeKeys);
        return;
    }
    // Each planned queue re-plans what the event changed (timers: polls, owners' votes, meetings, the
    // quarter's meeting checks; whistles; needs; answers: a raised suggestion's answer time).
    for (const q of planned) await q.onEvent(event);
  }

  const inFlight = new Set<Promise<unknown>>();
  const unsubscribe = core.onEvent((event) => {
    const p = serial(() => onEvent(event)).catch((err) => logger.error('could not schedule for event', { event, error: err }));
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  });

  const sendWorker = createSendWorker({ db, queueName: SEND_QUEUE, prefix, connection, senders, limiter, shared, logger });

  const workers: Worker[] = [sendWorker, ...planned.map((q) => q.worker)];
  let stopped = false;
  async function stop(): Promise<void> {
    if (stopped) return;
    stopped = true;
    unsubscribe();
    await Promise.allSettled([...inFlight]);
    // close() waits for the jobs that are running.
    await Promise.allSettled(workers.map((w) => w.close()));
    await Promise.allSettled([send.close(), ...planned.map((q) => q.queue.close())]);
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
