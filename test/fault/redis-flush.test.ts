/**
 * Redis restarted with its data flushed while the app runs: Redis holds only jobs, so the next start
 * reconciles every scheduler and delayed job from Postgres, and the poll still closes at its deadline,
 * its result posted once.
 */
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer } from '../../src/services/redis-server.js';
import { GROUP, STAFF, startStack, type Stack } from './stack.js';

describe('Redis restarted and flushed', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  /** The app's timer jobs and schedulers as Redis holds them now (default prefix `yishi`). */
  async function jobsInRedis(): Promise<{ jobs: string[]; schedulers: string[] }> {
    const connection = new Redis(stack.redis.url, { maxRetriesPerRequest: null });
    const timers = new Queue('timers', { connection, prefix: 'yishi' });
    try {
      const jobs = (await timers.getJobs(['delayed', 'waiting', 'prioritized'])).map((j) => j?.id ?? '').filter(Boolean).sort();
      const schedulers = (await timers.getJobSchedulers(0, -1)).map((s) => s.id ?? s.key).sort();
      return { jobs, schedulers };
    } finally {
      await timers.close();
      await connection.quit();
    }
  }

  it('restores schedulers and delayed jobs from Postgres, and the deadline still closes the poll once', { timeout: 150_000 }, async () => {
    const { fake, sql } = stack;
    // A council (so a quarterly chair scheduler), a meeting in three days (two reminders), and an
    // open vote whose deadline falls in the middle of the test.
    const [community] = await sql`select id from communities where slug = 'fault'`;
    await sql`insert into council_units (community_id, name, position) values (${community!.id}, '物业公司', 1)`;
    await sql`insert into meetings (community_id, quarter, starts_at, place) values (${community!.id}, '2099Q1', now() + interval '3 days', '社区活动室')`;
    const [s] = await sql`update suggestions set stage = 'voting' where number = 1 returning id, chat_id`;
    const [poll] = await sql`insert into polls (suggestion_id, kind, chat_id, deadline) values (${s!.id}, 'vote', ${s!.chat_id}, now() + interval '25 seconds') returning id`;
    await sql`insert into poll_choices (poll_id, position, label) values (${poll!.id}, 1, '同意'), (${poll!.id}, 2, '反对'), (${poll!.id}, 3, '弃权')`;

    fake.sendText(GROUP, STAFF, '大家好'); // the group exists for the fake once someone wrote in it
    const t0 = Date.now();
    const mark = (what: string) => process.env.YISHI_TEST_LOG && console.log(`${what} +${Date.now() - t0} ms`);
    await stack.start();
    mark('started');
    const expected = await jobsInRedis();
    expect(expected.jobs, JSON.stringify(expected)).toContain(`poll-close-${poll!.id}`);
    expect(expected.jobs.filter((j) => j.startsWith('meeting-'))).toHaveLength(2);
    expect(expected.schedulers).toContain(`chair-${community!.id}`);

    // Flush and restart Redis under the running app (same port, so the app's clients reconnect).
    const flush = new Redis(stack.redis.url);
    await flush.flushall();
    await flush.quit();
    await stack.redis.stop();
    stack.redis = await startRedisServer(stack.redisDir, { port: stack.redis.port });
    expect(await jobsInRedis()).toEqual({ jobs: [], schedulers: [] });
    mark('flushed');

    // The next start heals Redis from Postgres.
    const stopped = await stack.app!.kill('SIGTERM');
    mark(`stopped ${JSON.stringify(stopped)}`);
    if (process.env.YISHI_TEST_LOG) console.log(stack.app!.output().slice(-3000));
    await stack.start();
    mark('restarted');
    const restored = await jobsInRedis();
    for (const id of expected.jobs.filter((j) => j.startsWith('meeting-'))) expect(restored.jobs).toContain(id);
    // The poll's deadline job is restored while the poll is open; on a slow machine the deadline may pass
    // while the app is down, and then the start-up reconcile closes it at once (the same result, once).
    const [{ due }] = await sql`select status <> 'open' or deadline < now() + interval '2 seconds' as due from polls where id = ${poll!.id}`;
    if (!due) expect(restored.jobs).toContain(`poll-close-${poll!.id}`);
    expect(restored.schedulers).toEqual(expected.schedulers);

    const results = () => fake.botMessages(GROUP.id).filter((m) => m.text.includes('同意 0 · 反对 0 · 弃权 0'));
    await fake.waitFor(() => results().length > 0, 60000, 'the result at the deadline').catch((e) => {
      throw new Error(`${e.message}; the chat shows ${JSON.stringify(fake.botMessages(GROUP.id).map((m) => m.text))}\n${stack.app!.output().slice(-2000)}`);
    });
    await new Promise((r) => setTimeout(r, 1500));
    expect(results()).toHaveLength(1);
    const [closed] = await sql`select status from polls where id = ${poll!.id}`;
    expect(closed!.status).toBe('closed');
  });
});
