import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import * as s from '../../src/db/schema.js';
import { startJobs } from '../../jobs/index.js';
import { formatLocal } from '../../src/domain/time.js';
import { redisUrl, uniqueName } from '../support/services.js';
import { deps, jobsHarness, RecordingSender, waitFor } from '../jobs/support.js';
import { Clock, makeWorld, say } from '../core/helpers.js';
import { dm } from '../whistle/support.js';
import { confirmedMember, needIdOf, seedMembers } from './support.js';

const H = 3600e3;
const noLimits = { telegram: { perChat: [], global: [] }, wechat: { perChat: [], global: [] } };

describe('need jobs', () => {
  const harness = jobsHarness();

  it('holds a need’s reminders and abandon step by deterministic ids, drops them when served, and rebuilds them at start', async () => {
    const database = harness.database;
    const clock = new Clock(new Date());
    const w = await makeWorld(database, { clock });
    const telegram = new RecordingSender('telegram');
    const prefix = uniqueName('jobs');
    let jobs = await startJobs(deps(database, w.core, redisUrl(), [telegram]), { prefix, limits: noLimits, now: clock.now });
    harness.started.push(jobs);
    await seedMembers(w);
    await confirmedMember(w, 'li');
    // The confirmation written to li's private chat is carried by the send queue.
    await waitFor(() => telegram.to(dm(w, 'li')).length, 10_000, 'confirmation sent to the member');

    const day = formatLocal(new Date(clock.now().getTime() + 4 * 24 * H), 'Asia/Shanghai').slice(0, 10);
    const id = needIdOf(await say(w, 'staff', `/need 帮忙搬家 6 by ${day} 2`));
    expect((await say(w, 'li', `/claim ${id}`)).errorCode).toBeUndefined();
    await jobs.settled();
    const [need] = await database.db.select().from(s.needs).where(eq(s.needs.id, id));
    const due = need!.dueAt!.getTime();

    const { Queue } = await import('bullmq');
    const { Redis } = await import('ioredis');
    const connection = new Redis(redisUrl(), { maxRetriesPerRequest: null });
    const queue = new Queue('needs', { connection, prefix });
    const at = async (jobId: string) => {
      const j = await queue.getJob(jobId);
      return j ? j.timestamp + (j.delay ?? 0) : undefined;
    };
    try {
      expect(Math.abs((await at(`need-unclaimed-${id}-${due}`))! - (due - 36 * H))).toBeLessThan(2000);
      expect(Math.abs((await at(`need-late-${id}-${due}`))! - due)).toBeLessThan(2000);
      expect(Math.abs((await at(`need-abandon-${id}-${due}`))! - (due + 48 * H))).toBeLessThan(2000);

      // Served: nothing is left to remind the claimer of or to deduct.
      await say(w, 'li', `/served ${id}`);
      await jobs.settled();
      expect(await queue.getJob(`need-late-${id}-${due}`)).toBeUndefined();
      expect(await queue.getJob(`need-abandon-${id}-${due}`)).toBeUndefined();
      expect(await queue.getJob(`need-unclaimed-${id}-${due}`)).toBeDefined();

      // Redis loses everything; the next start puts the plan back from Postgres.
      await jobs.stop();
      await queue.obliterate({ force: true });
      expect(await queue.getJob(`need-unclaimed-${id}-${due}`)).toBeUndefined();
      jobs = await startJobs(deps(database, w.core, redisUrl(), [telegram]), { prefix, limits: noLimits, now: clock.now });
      harness.started.push(jobs);
      expect(Math.abs((await at(`need-unclaimed-${id}-${due}`))! - (due - 36 * H))).toBeLessThan(2000);
    } finally {
      await queue.close();
      await connection.quit();
    }
  });
});
