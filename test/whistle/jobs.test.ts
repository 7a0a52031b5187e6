import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import * as s from '../../src/db/schema.js';
import { startJobs } from '../../jobs/index.js';
import { redisUrl, uniqueName } from '../support/services.js';
import { deps, jobsHarness, RecordingSender, waitFor } from '../jobs/support.js';
import { Clock, makeWorld, say } from '../core/helpers.js';
import { dm, seedTree } from './support.js';

const H = 3600e3;
const noLimits = { telegram: { perChat: [], global: [] }, wechat: { perChat: [], global: [] } };

describe('whistle jobs', () => {
  const harness = jobsHarness();

  it('schedules a whistle reminder and deadline check by deterministic ids, and sends what the command wrote', async () => {
    const database = harness.database;
    const clock = new Clock(new Date());
    const w = await makeWorld(database, { clock });
    const telegram = new RecordingSender('telegram');
    const jobs = await startJobs(deps(database, w.core, redisUrl(), [telegram]), { prefix: uniqueName('jobs'), limits: noLimits, now: clock.now });
    harness.started.push(jobs);
    await seedTree(w);
    await say(w, 'alice', '/suggest 路面塌陷');
    expect((await say(w, 'staff', '/whistle 1 物业公司 4h')).errorCode).toBeUndefined();
    await jobs.settled();
    const [wh] = await database.db.select().from(s.whistles).where(eq(s.whistles.communityId, w.communityId));
    const deadline = wh!.reportDeadline.getTime();
    const { Queue } = await import('bullmq');
    const { Redis } = await import('ioredis');
    const connection = new Redis(redisUrl(), { maxRetriesPerRequest: null });
    const queue = new Queue('whistles', { connection, prefix: jobs.prefix });
    try {
      const due = await queue.getJob(`whistle-due-${wh!.id}-report-${deadline}`);
      const remind = await queue.getJob(`whistle-remind-${wh!.id}-report-${deadline}`);
      expect(Math.abs(due!.timestamp + due!.delay - deadline)).toBeLessThan(2000);
      expect(Math.abs(remind!.timestamp + remind!.delay - (deadline - 2 * H))).toBeLessThan(2000);
      // The contact's private message, written by /whistle, is carried by the send queue.
      await waitFor(() => telegram.to(dm(w, 'wy')).length, 10_000, 'whistle sent to the contact');
      // Answered: its jobs are gone.
      await say(w, 'wy', '/answer 1 已派人处理');
      await jobs.settled();
      expect(await queue.getJob(`whistle-due-${wh!.id}-report-${deadline}`)).toBeUndefined();
    } finally {
      await queue.close();
      await connection.quit();
    }
  });
});
