/**
 * The whistles' delayed jobs, on their own queue: a reminder before each deadline and a check at it
 * (src/whistle/plan.ts says which, src/whistle/deadlines.ts does them). Job ids carry the whistle, the
 * step and the deadline, so they are deterministic and a renewed deadline is a new job. Also carries the
 * outbox rows that commands wrote (event `outbox.queued`) to the send queue.
 */
import { DelayedError, Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { CoreEvent, Platform } from '../src/core/types.js';
import type { Db } from '../src/db/client.js';
import type { Logger } from '../src/logger.js';
import { planWhistleJobs, type PlannedWhistleJob } from '../src/whistle/plan.js';
import { whistleDue, whistleRemind } from '../src/whistle/deadlines.js';

export const WHISTLES_QUEUE = 'whistles';

const payload = z.object({ whistleId: z.number().int().positive(), step: z.enum(['report', 'answer']), deadline: z.number().int() });

export interface WhistleJobsOptions {
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

export interface WhistleJobs {
  queue: Queue;
  worker: Worker;
  /** Makes the queue hold exactly the planned jobs; returns how many are planned. */
  reconcile(): Promise<number>;
  onEvent(event: CoreEvent): Promise<void>;
  close(): Promise<void>;
}

export function createWhistleJobs(o: WhistleJobsOptions): WhistleJobs {
  const queue = new Queue(WHISTLES_QUEUE, {
    connection: o.connection,
    prefix: o.prefix,
    defaultJobOptions: { attempts: 6, backoff: { type: 'exponential', delay: 2000 }, removeOnComplete: true, removeOnFail: 1000 },
  });
  queue.on('error', (err) => o.logger.warn('whistles queue error', { error: err }));

  async function put(j: PlannedWhistleJob): Promise<void> {
    const existing = await queue.getJob(j.id);
    if (existing) {
      const state = await existing.getState();
      if (state !== 'failed' && state !== 'completed') return;
      await existing.remove().catch(() => undefined);
    }
    await queue.add(j.name, j.data, { jobId: j.id, delay: Math.max(0, j.at - Date.now()) });
  }

  async function removeStale(keep: Set<string>, ofWhistle?: number): Promise<void> {
    for (const job of await queue.getJobs(['delayed', 'waiting', 'prioritized', 'failed'])) {
      if (!job?.id || keep.has(job.id)) continue;
      if (ofWhistle !== undefined && (job.data as { whistleId?: number }).whistleId !== ofWhistle) continue;
      await job.remove().catch(() => undefined);
    }
  }

  async function replan(whistleId?: number): Promise<number> {
    const planned = await planWhistleJobs(o.db, o.now(), whistleId);
    for (const j of planned) await put(j);
    await removeStale(new Set(planned.map((j) => j.id)), whistleId);
    return planned.length;
  }

  const worker = new Worker(
    WHISTLES_QUEUE,
    async (job: Job, token?: string) => {
      const parsed = payload.safeParse(job.data);
      if (!parsed.success || (job.name !== 'whistle-remind' && job.name !== 'whistle-due')) throw new UnrecoverableError(`bad ${job.name} job`);
      const { whistleId, step, deadline } = parsed.data;
      const run = { db: o.db, now: o.now(), tz: o.tz, reachable: o.reachable };
      const result = job.name === 'whistle-remind' ? await whistleRemind(run, whistleId, step, deadline) : await whistleDue(run, whistleId, step, deadline);
      await o.enqueue(result.queued);
      if (result.note === 'not yet due') {
        // Fired before its deadline (the clock said so): wait for the real one.
        await job.moveToDelayed(Math.max(deadline, Date.now() + 1000), token);
        throw new DelayedError();
      }
      if (job.name === 'whistle-due') await replan(whistleId);
      return result.note;
    },
    { connection: o.connection, prefix: o.prefix, concurrency: 2, autorun: false },
  );
  worker.on('failed', (job, err) => {
    if (err.name !== 'DelayedError') o.logger.warn('whistle job failed', { job: job?.id, error: err.message });
  });
  worker.on('error', (err) => o.logger.error('whistles worker error', { error: err }));

  return {
    queue,
    worker,
    reconcile: () => replan(),
    async onEvent(event) {
      if (event.type === 'whistle.changed') await replan(event.whistleId);
      else if (event.type === 'outbox.queued') await o.enqueue(event.dedupeKeys);
    },
    async close() {
      await worker.close();
      await queue.close();
    },
  };
}
