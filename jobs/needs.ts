/**
 * The needs' delayed jobs, on their own queue: the unclaimed reminder before a need's date, the late
 * reminder at it, the abandon step after the grace (src/members/plan.ts says which, src/members/deadlines.ts
 * does them). Job ids carry the need, the step and the date, so they are deterministic; the whole plan is
 * reconciled from Postgres at start and a need's part of it on each `need.changed`.
 */
import { DelayedError, Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { CoreEvent, Platform } from '../src/core/types.js';
import type { Db } from '../src/db/client.js';
import type { Logger } from '../src/logger.js';
import { needStep } from '../src/members/deadlines.js';
import { planNeedJobs, type PlannedNeedJob } from '../src/members/plan.js';

export const NEEDS_QUEUE = 'needs';

const payload = z.object({ needId: z.number().int().positive(), step: z.enum(['unclaimed', 'late', 'abandon']), due: z.number().int() });

export interface NeedJobsOptions {
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

export interface NeedJobs {
  queue: Queue;
  worker: Worker;
  /** Makes the queue hold exactly the planned jobs; returns how many are planned. */
  reconcile(): Promise<number>;
  onEvent(event: CoreEvent): Promise<void>;
  close(): Promise<void>;
}

export function createNeedJobs(o: NeedJobsOptions): NeedJobs {
  const queue = new Queue(NEEDS_QUEUE, {
    connection: o.connection,
    prefix: o.prefix,
    defaultJobOptions: { attempts: 6, backoff: { type: 'exponential', delay: 2000 }, removeOnComplete: true, removeOnFail: 1000 },
  });
  queue.on('error', (err) => o.logger.warn('needs queue error', { error: err }));

  async function put(j: PlannedNeedJob): Promise<void> {
    const existing = await queue.getJob(j.id);
    if (existing) {
      const state = await existing.getState();
      if (state !== 'failed' && state !== 'completed') return;
      await existing.remove().catch(() => undefined);
    }
    await queue.add(j.name, j.data, { jobId: j.id, delay: Math.max(0, j.at - Date.now()) });
  }

  async function replan(needId?: number): Promise<number> {
    const planned = await planNeedJobs(o.db, o.now(), needId);
    for (const j of planned) await put(j);
    const keep = new Set(planned.map((j) => j.id));
    for (const job of await queue.getJobs(['delayed', 'waiting', 'prioritized', 'failed'])) {
      if (!job?.id || keep.has(job.id)) continue;
      if (needId !== undefined && (job.data as { needId?: number }).needId !== needId) continue;
      await job.remove().catch(() => undefined);
    }
    return planned.length;
  }

  const worker = new Worker(
    NEEDS_QUEUE,
    async (job: Job, token?: string) => {
      const parsed = payload.safeParse(job.data);
      if (!parsed.success || job.name !== `need-${parsed.data.step}`) throw new UnrecoverableError(`bad ${job.name} job`);
      const { needId, step, due } = parsed.data;
      const result = await needStep({ db: o.db, now: o.now(), tz: o.tz, reachable: o.reachable }, needId, step, due);
      await o.enqueue(result.queued);
      if (result.note === 'not yet due') {
        // Fired before its time (the clock said so): try again a little later.
        await job.moveToDelayed(Date.now() + 60e3, token);
        throw new DelayedError();
      }
      return result.note;
    },
    { connection: o.connection, prefix: o.prefix, concurrency: 2, autorun: false },
  );
  worker.on('failed', (job, err) => {
    if (err.name !== 'DelayedError') o.logger.warn('need job failed', { job: job?.id, error: err.message });
  });
  worker.on('error', (err) => o.logger.error('needs worker error', { error: err }));

  return {
    queue,
    worker,
    reconcile: () => replan(),
    async onEvent(event) {
      if (event.type === 'need.changed') await replan(event.needId);
    },
    async close() {
      await worker.close();
      await queue.close();
    },
  };
}
