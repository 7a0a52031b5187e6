/**
 * `npx yishi schedules`: each community's quarterly chair scheduler with its next run, and the pending
 * delayed jobs, in YISHI_TZ. What Postgres says should exist is shown even when Redis lost it (a fresh
 * Redis): those lines are marked and are restored at the next start.
 */
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { Config } from '../src/lib/config.js';
import type { Database } from '../src/db/client.js';
import { currentChair } from '../src/kernel/rotation.js';
import { countPendingOutbox } from '../src/messaging/outbox.js';
import { formatLocal } from '../src/domain/time.js';
import { nextQuarterlyRun, planSchedulers, planTimers } from './plan.js';
import { DEFAULT_PREFIX, TIMER_NAMES, TIMERS_QUEUE } from './queues.js';

export interface ScheduleOptions {
  config: Config;
  database: Database;
  redisUrl: string;
  /** BullMQ key prefix (default `yishi`, the one the app uses). */
  prefix?: string;
  now?: Date;
}

async function openRedis(url: string): Promise<Redis | undefined> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1, connectTimeout: 3000, lazyConnect: true, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
    return redis;
  } catch {
    redis.disconnect();
    return undefined;
  }
}

/** Prints schedulers and pending jobs with their next run in YISHI_TZ. */
export async function printSchedules(opts: ScheduleOptions, out: NodeJS.WritableStream): Promise<void> {
  const { db } = opts.database;
  const tz = opts.config.YISHI_TZ;
  const now = opts.now ?? new Date();
  const write = (line = '') => out.write(line + '\n');
  const fmt = (ms: number) => formatLocal(new Date(ms), tz);

  const redis = await openRedis(opts.redisUrl);
  const queue = redis ? new Queue(TIMERS_QUEUE, { connection: redis, prefix: opts.prefix ?? DEFAULT_PREFIX }) : undefined;
  try {
    const schedulers = await planSchedulers(db, tz);
    const inRedis = new Map<string, { next?: number }>();
    if (queue) for (const s of await queue.getJobSchedulers(0, -1)) inRedis.set(s.id ?? s.key, s);

    write(`Quarterly chair schedulers (cron "${schedulers[0]?.pattern ?? '0 9 1 1,4,7,10 *'}", time zone ${tz}):`);
    if (!redis) write('  (Redis is not reachable: times below are computed from Postgres)');
    if (!schedulers.length) write('  none: no community has council units yet (add them with `yishi council add <slug> <unit>`)');
    for (const s of schedulers) {
      const r = inRedis.get(s.id);
      const next = r?.next ?? nextQuarterlyRun(now, tz).getTime();
      const unit = (await currentChair(db, s.communityId, new Date(next), tz))?.unit;
      const note = r ? '' : '  (not in Redis: set up at next start)';
      write(`  ${s.id}  ${s.slug} ${s.name}  next ${fmt(next)}  chair ${unit?.name ?? '-'}${note}`);
    }
    for (const id of inRedis.keys()) {
      if (id.startsWith('chair-') && !schedulers.some((s) => s.id === id)) write(`  ${id}  (stale: removed at next start)`);
    }

    write();
    write(`Pending jobs (time zone ${tz}):`);
    const planned = await planTimers(db, tz, now);
    const present = new Map<string, { name: string; at: number; state: string }>();
    if (queue) {
      for (const state of ['delayed', 'waiting', 'active', 'prioritized', 'failed'] as const) {
        for (const job of await queue.getJobs([state])) {
          if (!job?.id || job.id.startsWith('repeat:')) continue;
          present.set(job.id, { name: job.name, at: job.timestamp + (job.delay ?? 0), state });
        }
      }
    }
    if (!planned.length && !present.size) write('  none');
    for (const j of [...planned].sort((a, b) => a.at - b.at)) {
      const r = present.get(j.id);
      const when = r ? fmt(Math.max(r.at, now.getTime())) : j.at <= now.getTime() ? 'at next start' : fmt(j.at);
      const note = !r ? '  (not in Redis: added at next start)' : r.state === 'failed' ? '  (failed: retried at next start)' : r.state === 'active' ? '  (running)' : '';
      write(`  ${when}  ${j.id}  ${j.what}${note}`);
    }
    for (const [id, r] of present) {
      if (planned.some((j) => j.id === id) || !(TIMER_NAMES as string[]).includes(r.name)) continue;
      write(`  ${fmt(r.at)}  ${id}  ${r.name} (stale: removed at next start)`);
    }

    write();
    write(`Outbox: ${await countPendingOutbox(db)} message(s) waiting to be sent`);
  } finally {
    await queue?.close().catch(() => undefined);
    await redis?.quit().catch(() => redis.disconnect());
  }
}
