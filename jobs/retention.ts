/**
 * The daily prune of what is not kept (src/sessions/retention.ts: processed updates a week after
 * delivery, used and expired sign-in links, ended sessions), on its own queue with one job scheduler at
 * 04:20 local time. Each instance upserts the same scheduler; BullMQ runs it once.
 */
import { UnrecoverableError, Worker, type Queue } from 'bullmq';
import { pruneAtRest } from '../src/sessions/retention.js';
import type { PlannedQueueEnv } from './planned-queue.js';
import { retryingQueue } from './queues.js';

export const RETENTION_QUEUE = 'retention';
export const RETENTION_SCHEDULER = 'retention-daily';
export const RETENTION_PATTERN = '20 4 * * *';

export interface RetentionJobs {
  queue: Queue;
  worker: Worker;
  /** Puts the daily scheduler in place (safe to run again). */
  reconcile(): Promise<void>;
  close(): Promise<void>;
}

export function createRetentionJobs(env: Pick<PlannedQueueEnv, 'db' | 'tz' | 'now' | 'logger' | 'connection' | 'prefix'>): RetentionJobs {
  const queue = retryingQueue(RETENTION_QUEUE, env, { attempts: 3, backoffMs: 60e3 });
  queue.on('error', (err) => env.logger.warn('retention queue error', { error: err }));
  const worker = new Worker(
    RETENTION_QUEUE,
    async (job) => {
      if (job.name !== 'prune') throw new UnrecoverableError(`unknown job ${job.name}`);
      const pruned = await pruneAtRest(env.db, env.now(), env.logger);
      env.logger.info('pruned what is not kept', { ...pruned });
      return `pruned ${pruned.processedUpdates} updates, ${pruned.signInLinks} links, ${pruned.sessions} sessions`;
    },
    { connection: env.connection, prefix: env.prefix, concurrency: 1, autorun: false },
  );
  worker.on('failed', (job, err) => env.logger.warn('retention job failed', { job: job?.id, error: err.message }));
  worker.on('error', (err) => env.logger.error('retention worker error', { error: err }));
  return {
    queue,
    worker,
    async reconcile() {
      await queue.upsertJobScheduler(RETENTION_SCHEDULER, { pattern: RETENTION_PATTERN, tz: env.tz }, { name: 'prune', data: {} });
    },
    async close() {
      await worker.close();
      await queue.close();
    },
  };
}
