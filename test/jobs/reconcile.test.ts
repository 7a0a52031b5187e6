import { beforeAll, describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { eq } from 'drizzle-orm';
import { Redis } from 'ioredis';
import type { Database } from '../../src/db/client.js';
import * as s from '../../src/db/schema.js';
import type { EmbeddedRedis } from '../../src/services/redis-server.js';
import { startJobs, type Jobs } from '../../jobs/index.js';
import { printSchedules } from '../../jobs/cli.js';
import { uniqueName } from '../support/services.js';
import { deps, eventCore, ownRedisHarness, RecordingSender, seedCommunity, seedPerson, seedPoll, sleep, testConfig, waitFor } from './support.js';
import { addQuarters, quarterOf } from '../../src/domain/time.js';

/** What Redis holds for the app: schedulers and delayed jobs with their due times (rounded to seconds). */
async function snapshot(jobs: Jobs) {
  const all = await jobs.timers.getJobSchedulers(0, -1);
  expect(all.some((x) => (x.id ?? x.key) === 'sync')).toBe(true);
  const schedulers = all.filter((x) => (x.id ?? x.key) !== 'sync').map((x) => `${x.id ?? x.key} ${x.pattern} ${x.tz} ${x.next}`).sort();
  const delayed = (await jobs.timers.getJobs(['delayed', 'waiting']))
    .filter((j) => j && !j.id!.startsWith('repeat:'))
    .map((j) => `${j.id} ${Math.round((j.timestamp + j.delay) / 1000)}`)
    .sort();
  return { schedulers, delayed };
}

async function schedulesText(database: Database, redisUrl: string, prefix: string, now?: Date) {
  const out = new PassThrough();
  let text = '';
  out.on('data', (d) => (text += String(d)));
  await printSchedules({ config: testConfig(), database, redisUrl, prefix, now }, out);
  return text;
}

describe('reconcile from Postgres', () => {
  // A Redis of its own: this file wipes it with FLUSHALL.
  const own = ownRedisHarness();
  let redis: EmbeddedRedis;
  let database: Database;
  beforeAll(() => {
    ({ redis, database } = own);
  });

  it('restores every scheduler and delayed job after FLUSHALL and a restart, and drops stale ones', async () => {
    const prefix = uniqueName('jobs');
    const { community, chat } = await seedCommunity(database);
    const resident = await seedPerson(database, community.id);
    await database.db.update(s.communities).set({ rotationStart: '2026Q4' }).where(eq(s.communities.id, community.id));
    await database.db.insert(s.councilUnits).values({ communityId: community.id, name: '居委会', position: 1 });
    const { poll } = await seedPoll(database, community.id, chat.id, resident.person.id, { deadline: new Date(Date.now() + 3 * 86400e3) });
    const [meeting] = await database.db
      .insert(s.meetings)
      .values({ communityId: community.id, quarter: '2026Q4', startsAt: new Date(Date.now() + 2 * 86400e3), place: '活动室', chatId: chat.id })
      .returning();
    const expected = [`meeting-${meeting!.id}-1h`, `meeting-${meeting!.id}-24h`, `poll-close-${poll.id}`, `poll-nudge-${poll.id}`];

    const sender = new RecordingSender('telegram');
    let jobs = await startJobs(deps(database, eventCore(), redis.url, [sender]), { prefix });
    const before = await snapshot(jobs);
    // The quarter's chair announcement and the daily prune of what is not kept (jobs/retention.ts).
    expect(before.schedulers).toEqual([
      expect.stringMatching(new RegExp(`^chair-${community.id} 0 9 1 1,4,7,10 \\* Asia/Shanghai \\d+$`)),
      expect.stringMatching(/^retention-daily 20 4 \* \* \* Asia\/Shanghai \d+$/),
    ]);
    expect(before.delayed.map((d) => d.split(' ')[0])).toEqual(expect.arrayContaining(expected));
    // A stale job (its poll is long gone) and a stale scheduler (a community without a council).
    await jobs.timers.add('poll-close', { pollId: 999999 }, { jobId: 'poll-close-999999', delay: 3600e3 });
    await jobs.timers.upsertJobScheduler('chair-999999', { pattern: '0 9 1 1,4,7,10 *', tz: 'Asia/Shanghai' }, { name: 'chair-announce', data: { communityId: 999999 } });
    await jobs.stop();

    const admin = new Redis(redis.url);
    await admin.flushall();
    expect(await admin.dbsize()).toBe(0);
    await admin.quit();
    // Even on an empty Redis, `yishi schedules` shows the next quarterly run (from Postgres).
    const fresh = await schedulesText(database, redis.url, prefix, new Date('2026-11-25T12:00:00+08:00'));
    expect(fresh).toContain(`chair-${community.id}`);
    expect(fresh).toContain('next 2027-01-01 09:00');
    expect(fresh).toContain(`poll-close-${poll.id}`);

    jobs = await startJobs(deps(database, eventCore(), redis.url, [sender]), { prefix });
    const after = await snapshot(jobs);
    expect(after.schedulers).toEqual(before.schedulers);
    expect(after.delayed.filter((d) => !d.startsWith('poll-close-999999'))).toEqual(before.delayed.filter((d) => !d.startsWith('poll-close-999999')));

    // Stale ones go away at the next start.
    await jobs.timers.add('poll-close', { pollId: 999999 }, { jobId: 'poll-close-999999', delay: 3600e3 });
    await jobs.timers.upsertJobScheduler('chair-999999', { pattern: '0 9 1 1,4,7,10 *', tz: 'Asia/Shanghai' }, { name: 'chair-announce', data: { communityId: 999999 } });
    // (The periodic sync may get to the stale scheduler first; either way both are gone.)
    await jobs.reconcile();
    expect(await jobs.timers.getJob('poll-close-999999')).toBeUndefined();
    expect(await jobs.timers.getJobScheduler('chair-999999')).toBeUndefined();

    const listed = await schedulesText(database, redis.url, prefix);
    expect(listed).toMatch(new RegExp(`chair-${community.id} .* next \\d{4}-\\d{2}-01 09:00`));
    expect(listed).not.toContain('not in Redis');
    for (const id of expected) expect(listed).toContain(id);
    await jobs.stop();
    expect(sender.delivered).toHaveLength(0);
  });

  it('announces at start a quarter whose chair announcement was missed while the app was down', async () => {
    const tz = 'Asia/Shanghai';
    const quarter = quarterOf(new Date(), tz);
    const { community, chat } = await seedCommunity(database);
    await database.db.update(s.communities).set({ rotationStart: addQuarters(quarter, -1) }).where(eq(s.communities.id, community.id));
    const [first, second] = await database.db
      .insert(s.councilUnits)
      .values([
        { communityId: community.id, name: '街道办', position: 1 },
        { communityId: community.id, name: '物业公司', position: 2 },
      ])
      .returning();
    // Last quarter was announced (the rotation was running); this one was not.
    await database.db.insert(s.quarterlyChairs).values({ communityId: community.id, quarter: addQuarters(quarter, -1), unitId: first!.id, announcedAt: new Date(Date.now() - 90 * 86400e3) });
    const sender = new RecordingSender('telegram');
    const jobs = await startJobs(deps(database, eventCore(), redis.url, [sender]), { prefix: uniqueName('jobs') });
    try {
      const [announcement] = await waitFor(() => (sender.to(chat.platformChatId).length ? sender.to(chat.platformChatId) : undefined), 10_000, 'announcement');
      expect(announcement!.text).toContain(second!.name);
      // A restart does not announce it again.
      await jobs.reconcile();
      await sleep(500);
      expect(sender.to(chat.platformChatId)).toHaveLength(1);
    } finally {
      await jobs.stop();
    }
  });

  it('picks up a council added through the admin CLI while the app runs', async () => {
    const { community } = await seedCommunity(database);
    const jobs = await startJobs(deps(database, eventCore(), redis.url, []), { prefix: uniqueName('jobs'), syncEveryMs: 500 });
    try {
      expect(await jobs.timers.getJobScheduler(`chair-${community.id}`)).toBeUndefined();
      // Another process (yishi council add) writes Postgres; no core event reaches this one.
      await database.db.update(s.communities).set({ rotationStart: '2026Q4' }).where(eq(s.communities.id, community.id));
      const [unit] = await database.db.insert(s.councilUnits).values({ communityId: community.id, name: '业委会', position: 1 }).returning();
      const scheduler = await waitFor(() => jobs.timers.getJobScheduler(`chair-${community.id}`), 10_000, 'scheduler');
      expect(scheduler.pattern).toBe('0 9 1 1,4,7,10 *');
      await database.db.update(s.councilUnits).set({ active: false }).where(eq(s.councilUnits.id, unit!.id));
      await waitFor(async () => !(await jobs.timers.getJobScheduler(`chair-${community.id}`)), 10_000, 'scheduler removed');
    } finally {
      await jobs.stop();
    }
  });

  it('warns at start when Redis may evict jobs', async () => {
    const admin = new Redis(redis.url);
    await admin.config('SET', 'maxmemory-policy', 'allkeys-lru');
    const warnings: string[] = [];
    const d = deps(database, eventCore(), redis.url, []);
    const logger = { ...d.logger, warn: (msg: string) => void warnings.push(msg), child: () => logger };
    try {
      const jobs = await startJobs({ ...d, logger }, { prefix: uniqueName('jobs') });
      await jobs.stop();
    } finally {
      await admin.config('SET', 'maxmemory-policy', 'noeviction');
      await admin.quit();
    }
    expect(warnings.some((w) => w.includes('maxmemory-policy is allkeys-lru'))).toBe(true);
  });
});
