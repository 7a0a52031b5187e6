/**
 * The daily prune of what is not kept (src/sessions/retention.ts: processed updates a week after
 * delivery, used and expired sign-in links, ended sessions): a `prune` job on the timers' queue
 * (jobs/timers.ts), from one job scheduler at 04:20 local time that every instance upserts the same.
 */
import type { Queue } from 'bullmq';

export const RETENTION_SCHEDULER = 'retention-daily';
export const RETENTION_PATTERN = '20 4 * * *';

/** Puts the daily prune's scheduler on the timers' queue (safe to run again, from every instance). */
export async function planRetention(timers: Queue, tz: string): Promise<void> {
  await timers.upsertJobScheduler(RETENTION_SCHEDULER, { pattern: RETENTION_PATTERN, tz }, { name: 'prune', data: {} });
}
