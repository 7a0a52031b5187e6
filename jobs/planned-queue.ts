/**
 * A queue of delayed jobs planned from Postgres: the one implementation of "Redis holds what Postgres
 * plans" for every time-driven area (the timers: poll deadlines, nudges, meeting reminders, the quarter's
 * checks; whistles; needs; answers). Deterministic job ids; the whole plan reconciled at start; one subject's part
 * of it again when it changes; a worker that validates each payload, runs the job's use case and hands
 * what it queued to the send queue. Each area says only what is planned and what a job does (a spec).
 */
import { DelayedError, UnrecoverableError, Worker, type Job, type Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { ZodType } from 'zod';
import type { CoreEvent, Platform } from '../src/kernel/types.js';
import type { Db } from '../src/db/client.js';
import { KeyedSerializer } from '../src/lib/keyed-serializer.js';
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
  /** When it should run (ms since epoch); in the past means now. */
  at: number;
}

/** What one job's run returned: a note for the log, the outbox keys it queued, and when to run again if it fired too early. */
export interface StepResult {
  note: string;
  queued: string[];
  /** Fired before its time (the clock said so): run it again then. */
  retryAt?: number;
}

/** The note of a use case that fired before its time. */
export const NOT_YET_DUE = 'not yet due';

/** A use case's result, told to run again at `at()` when it fired before its time. */
export function retryWhenEarly(result: StepResult, at: () => number): StepResult {
  return result.note === NOT_YET_DUE ? { ...result, retryAt: at() } : result;
}

export interface PlannedQueueSpec<D, S> {
  name: string;
  /** The payload schema of each job name: a job of another name, or with a bad payload, fails at once. */
  payloads: Readonly<Record<string, ZodType<D>>>;
  /** The jobs Redis should hold: all of them, or one subject's (a poll, a meeting, a whistle, a need). */
  plan(db: Db, now: Date, subject?: S): Promise<PlannedJob<D>[]>;
  run(env: PlannedQueueEnv, name: string, data: D): Promise<StepResult>;
  /** The subjects whose part of the plan an event changed. */
  changed(event: CoreEvent): S[] | Promise<S[]>;
  /** A subject's jobs among the queue's: the ids it may have, when they are known from the subject ... */
  idsOf?(subject: S, now: Date): string[];
  /** ... else, scanning the queue, the subject of a job. */
  subjectOf?(name: string, data: D): S | undefined;
  /** The subjects to plan again after a job of this name ran (its next steps). */
  after?(name: string, data: D): S[];
  retry?: { attempts: number; backoffMs: number };
  concurrency?: number;
}

export interface ReplanReport {
  planned: number;
  added: number;
  removed: number;
}

export interface PlannedQueue<S = unknown> {
  queue: Queue;
  worker: Worker;
  /** Makes the queue hold exactly the planned jobs. */
  reconcile(): Promise<ReplanReport>;
  /** Makes the queue hold exactly one subject's planned jobs. */
  replan(subject: S): Promise<ReplanReport>;
  onEvent(event: CoreEvent): Promise<void>;
  close(): Promise<void>;
}

function sameData(a: unknown, b: unknown) {
  return JSON.stringify(a) === JSON.stringify(b);
}

export function createPlannedQueue<D, S>(env: PlannedQueueEnv, spec: PlannedQueueSpec<D, S>): PlannedQueue<S> {
  const queue = retryingQueue(spec.name, env, spec.retry ?? { attempts: 6, backoffMs: 2000 });
  queue.on('error', (err) => env.logger.warn(`${spec.name} queue error`, { error: err }));
  const names = Object.keys(spec.payloads);
  const payloadOf = (name: string) => (Object.hasOwn(spec.payloads, name) ? spec.payloads[name] : undefined);

  // Every change to the queue goes through this chain, so a subject planned during a reconcile cannot
  // have its fresh job removed as stale by that reconcile.
  const changes = new KeyedSerializer();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => changes.run(spec.name, fn);

  /** Adds a planned job, or replaces a different one with its id; returns whether anything changed. */
  async function put(job: PlannedJob<D>): Promise<boolean> {
    const t = Date.now();
    const due = Math.max(job.at, t);
    const existing = await queue.getJob(job.id);
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
    await queue.add(job.name, job.data, { jobId: job.id, delay: Math.max(0, job.at - t) });
    return true;
  }

  async function remove(id: string): Promise<boolean> {
    try {
      return (await queue.remove(id)) === 1;
    } catch (err) {
      // A job that is running right now is locked; it re-checks Postgres itself.
      env.logger.debug('could not remove job', { id, error: err });
      return false;
    }
  }

  async function replan(subject?: S): Promise<ReplanReport> {
    const now = env.now();
    const planned = await spec.plan(env.db, now, subject);
    let added = 0;
    for (const j of planned) if (await put(j)) added++;
    const keep = new Set(planned.map((j) => j.id));
    let removed = 0;
    if (subject !== undefined && spec.idsOf) {
      for (const id of spec.idsOf(subject, now)) if (!keep.has(id) && (await remove(id))) removed++;
    } else {
      for (const job of await queue.getJobs(['delayed', 'waiting', 'prioritized', 'failed'])) {
        // Jobs a scheduler made (`repeat:`) are the scheduler's, never stale.
        if (!job?.id || keep.has(job.id) || job.id.startsWith('repeat:') || !names.includes(job.name)) continue;
        if (subject !== undefined) {
          const parsed = payloadOf(job.name)!.safeParse(job.data);
          if (!parsed.success || spec.subjectOf?.(job.name, parsed.data) !== subject) continue;
        }
        if (await remove(job.id)) removed++;
      }
    }
    return { planned: planned.length, added, removed };
  }

  const worker = new Worker(
    spec.name,
    async (job: Job, token?: string) => {
      const payload = payloadOf(job.name);
      if (!payload) throw new UnrecoverableError(`unknown job ${job.name}`);
      const parsed = payload.safeParse(job.data);
      if (!parsed.success) throw new UnrecoverableError(`bad ${job.name} payload: ${parsed.error.issues[0]?.message}`);
      const result = await spec.run(env, job.name, parsed.data);
      await env.enqueue(result.queued);
      if (result.retryAt !== undefined) {
        await job.moveToDelayed(result.retryAt, token);
        throw new DelayedError();
      }
      for (const subject of spec.after?.(job.name, parsed.data) ?? []) await serial(() => replan(subject));
      env.logger.debug('job done', { queue: spec.name, job: job.id, name: job.name, result: result.note });
      return result.note;
    },
    { connection: env.connection, prefix: env.prefix, concurrency: spec.concurrency ?? 2, autorun: false },
  );
  worker.on('failed', (job, err) => {
    if (err.name !== 'DelayedError') env.logger.warn(`${spec.name} job failed`, { job: job?.id, name: job?.name, attemptsMade: job?.attemptsMade, error: err.message });
  });
  worker.on('error', (err) => env.logger.error(`${spec.name} worker error`, { error: err }));

  return {
    queue,
    worker,
    reconcile: () => serial(() => replan()),
    replan: (subject) => serial(() => replan(subject)),
    async onEvent(event) {
      for (const subject of await spec.changed(event)) await serial(() => replan(subject));
    },
    async close() {
      await worker.close();
      await queue.close();
    },
  };
}
