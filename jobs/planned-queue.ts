/**
 * A queue of delayed jobs planned from Postgres (whistles, needs): deterministic job ids, the whole plan
 * reconciled at start, one subject's part of it again when it changes, and a worker that runs each job's
 * use case and hands what it queued to the send queue. Each area says only what is planned and what a
 * job does.
 */
import { DelayedError, UnrecoverableError, Worker, type Job, type Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { ZodType } from 'zod';
import type { CoreEvent, Platform } from '../src/kernel/types.js';
import type { Db } from '../src/db/client.js';
import type { Logger } from '../src/lib/logger.js';
import { retryingQueue } from './queues.js';

/** What every planned queue is given by the jobs' start. */
export interface PlannedQueueEnv {
  db: Db;
  tz: string;
  now: () => Date;
  logger: Logger;
  connection: Redis;
  prefix: string;
  reachable: (platform: Platform) => boolean;
  /** Enqueues the pending outbox rows with these keys on the send queue. */
  enqueue: (dedupeKeys: string[]) => Promise<unknown>;
}

export interface PlannedJob<D> {
  id: string;
  name: string;
  data: D;
  at: number;
}

/** What one job's run returned: a note for the log, the outbox keys it queued, and whether it fired too early. */
export interface StepResult {
  note: string;
  queued: string[];
}

export interface PlannedQueueSpec<D> {
  name: string;
  /** The subject a job belongs to (a whistle, a need), to re-plan one subject. */
  subjectOf(data: D): number;
  payload: ZodType<D>;
  jobNames: readonly string[];
  plan(db: Db, now: Date, subject?: number): Promise<PlannedJob<D>[]>;
  run(env: PlannedQueueEnv, name: string, data: D): Promise<StepResult>;
  /** When a job fired before its time: when to try again. */
  retryAt(data: D): number;
  /** Re-plan the subject after a job of this name ran (its next steps). */
  replanAfter?: readonly string[];
  /** The event that says a subject changed. */
  changed(event: CoreEvent): number | undefined;
}

export interface PlannedQueue {
  queue: Queue;
  worker: Worker;
  /** Makes the queue hold exactly the planned jobs; returns how many are planned. */
  reconcile(): Promise<number>;
  onEvent(event: CoreEvent): Promise<void>;
  close(): Promise<void>;
}

export function createPlannedQueue<D>(env: PlannedQueueEnv, spec: PlannedQueueSpec<D>): PlannedQueue {
  const queue = retryingQueue(spec.name, env, { attempts: 6, backoffMs: 2000 });
  queue.on('error', (err) => env.logger.warn(`${spec.name} queue error`, { error: err }));

  async function put(j: PlannedJob<D>): Promise<void> {
    const existing = await queue.getJob(j.id);
    if (existing) {
      const state = await existing.getState();
      if (state !== 'failed' && state !== 'completed') return;
      await existing.remove().catch(() => undefined);
    }
    await queue.add(j.name, j.data, { jobId: j.id, delay: Math.max(0, j.at - Date.now()) });
  }

  async function replan(subject?: number): Promise<number> {
    const planned = await spec.plan(env.db, env.now(), subject);
    for (const j of planned) await put(j);
    const keep = new Set(planned.map((j) => j.id));
    for (const job of await queue.getJobs(['delayed', 'waiting', 'prioritized', 'failed'])) {
      if (!job?.id || keep.has(job.id)) continue;
      const parsed = spec.payload.safeParse(job.data);
      if (subject !== undefined && (!parsed.success || spec.subjectOf(parsed.data) !== subject)) continue;
      await job.remove().catch(() => undefined);
    }
    return planned.length;
  }

  const worker = new Worker(
    spec.name,
    async (job: Job, token?: string) => {
      const parsed = spec.payload.safeParse(job.data);
      if (!parsed.success || !spec.jobNames.includes(job.name)) throw new UnrecoverableError(`bad ${job.name} job`);
      const result = await spec.run(env, job.name, parsed.data);
      await env.enqueue(result.queued);
      if (result.note === 'not yet due') {
        // Fired before its time (the clock said so): wait for the real one.
        await job.moveToDelayed(spec.retryAt(parsed.data), token);
        throw new DelayedError();
      }
      if (spec.replanAfter?.includes(job.name)) await replan(spec.subjectOf(parsed.data));
      return result.note;
    },
    { connection: env.connection, prefix: env.prefix, concurrency: 2, autorun: false },
  );
  worker.on('failed', (job, err) => {
    if (err.name !== 'DelayedError') env.logger.warn(`${spec.name} job failed`, { job: job?.id, error: err.message });
  });
  worker.on('error', (err) => env.logger.error(`${spec.name} worker error`, { error: err }));

  return {
    queue,
    worker,
    reconcile: () => replan(),
    async onEvent(event) {
      const subject = spec.changed(event);
      if (subject !== undefined) await replan(subject);
    },
    async close() {
      await worker.close();
      await queue.close();
    },
  };
}
