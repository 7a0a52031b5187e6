/**
 * The daily prune (jobs/retention.ts, src/sessions/retention.ts) under a test clock: processed updates
 * go 7 days after delivery, sign-in links a day after use or expiry, sessions once ended; what is still
 * needed stays; one audit row says how many went.
 */
import { sql } from 'drizzle-orm';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planRetention, RETENTION_PATTERN, RETENTION_SCHEDULER } from '../../jobs/retention.js';
import { createTimerJobs } from '../../jobs/timers.js';
import type { Core } from '../../src/kernel/types.js';
import type { Database } from '../../src/db/client.js';
import * as s from '../../src/db/schema.js';
import { silentLogger } from '../../src/lib/logger.js';
import { Clock, makeWorld } from '../core/helpers.js';
import { freshDatabase, redisUrl, uniqueName } from '../support/services.js';

let database: Database;
let redis: Redis;
beforeAll(async () => {
  database = await freshDatabase();
  redis = new Redis(redisUrl(), { maxRetriesPerRequest: null });
});
afterAll(async () => {
  redis?.disconnect();
  await database?.close();
});

const DAY = 24 * 3600e3;

describe('the daily prune', () => {
  it('deletes what is past its retention at the clock\'s time and keeps the rest', async () => {
    const clock = new Clock(new Date('2026-11-20T04:20:00+08:00'));
    await makeWorld(database, { clock });
    const db = database.db;
    const ago = (days: number) => new Date(clock.now().getTime() - days * DAY);
    const [{ personId }] = await db.select({ personId: s.identities.personId }).from(s.identities).limit(1);

    await db.insert(s.processedUpdates).values([
      { platform: 'telegram', updateKey: 'delivered-8d', replies: [], processedAt: ago(8), delivery: {}, deliveredAt: ago(8) },
      { platform: 'telegram', updateKey: 'processed-9d-delivered-6d', replies: [], processedAt: ago(9), delivery: {}, deliveredAt: ago(6) },
      { platform: 'telegram', updateKey: 'answered-at-once-8d', replies: [], processedAt: ago(8) },
      { platform: 'telegram', updateKey: 'answered-at-once-1d', replies: [], processedAt: ago(1) },
    ]);
    await db.insert(s.webSignInLinks).values([
      { tokenHash: 'expired-2d', personId, createdAt: ago(2), expiresAt: ago(2) },
      { tokenHash: 'used-2d', personId, createdAt: ago(2), expiresAt: new Date(ago(2).getTime() + 600e3), usedAt: ago(2) },
      { tokenHash: 'used-1h', personId, createdAt: ago(0.05), expiresAt: new Date(ago(0.05).getTime() + 600e3), usedAt: ago(0.04) },
      { tokenHash: 'fresh', personId, createdAt: clock.now(), expiresAt: new Date(clock.now().getTime() + 600e3) },
    ]);
    await db.insert(s.webSessions).values([
      { idHash: 'expired', personId, csrfToken: 'c1', createdAt: ago(8), expiresAt: ago(1) },
      { idHash: 'revoked', personId, csrfToken: 'c2', createdAt: ago(1), expiresAt: new Date(clock.now().getTime() + 6 * DAY), revokedAt: ago(0.5) },
      { idHash: 'live', personId, csrfToken: 'c3', createdAt: ago(1), expiresAt: new Date(clock.now().getTime() + 6 * DAY) },
    ]);

    const jobs = createTimerJobs(
      { db, tz: 'Asia/Shanghai', now: clock.now, logger: silentLogger, connection: redis, prefix: uniqueName('retention'), reachable: () => false, enqueue: async () => undefined },
      // The prune needs neither the core nor the sync: a timer job of its own.
      { core: undefined as unknown as Core, sync: async () => '', retry: { attempts: 1, backoffMs: 1000 } },
    );
    try {
      await planRetention(jobs.queue, 'Asia/Shanghai');
      await planRetention(jobs.queue, 'Asia/Shanghai');
      const schedulers = await jobs.queue.getJobSchedulers(0, -1);
      expect(schedulers.map((x) => [x.id ?? x.key, x.pattern, x.tz])).toEqual([[RETENTION_SCHEDULER, RETENTION_PATTERN, 'Asia/Shanghai']]);

      // Run once now, as the scheduler would at 04:20 (finished jobs are removed: wait for the worker's word).
      const finished = new Promise<string>((resolve, reject) => {
        jobs.worker.once('completed', (_job, result) => resolve(String(result)));
        jobs.worker.once('failed', (_job, err) => reject(err));
      });
      void jobs.worker.run();
      await jobs.queue.add('prune', {});
      expect(await finished).toContain('pruned 2 updates, 2 links, 2 sessions');
    } finally {
      await jobs.queue.obliterate({ force: true }).catch(() => {});
      await jobs.close();
    }

    const keys = async (q: ReturnType<typeof sql>) => ((await db.execute(q)) as unknown as { k: string }[]).map((r) => r.k).sort();
    expect(await keys(sql`select update_key as k from processed_updates`)).toEqual(['answered-at-once-1d', 'processed-9d-delivered-6d']);
    expect(await keys(sql`select token_hash as k from web_sign_in_links`)).toEqual(['fresh', 'used-1h']);
    expect(await keys(sql`select id_hash as k from web_sessions`)).toEqual(['live']);
    const audit = (await db.execute(sql`select data from audit_log where action = 'retention.pruned'`)) as unknown as { data: unknown }[];
    expect(audit.map((a) => a.data)).toEqual([{ processedUpdates: 2, signInLinks: 2, sessions: 2 }]);
  });
});
