import { beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { Redis } from 'ioredis';
import type { Database } from '../../src/db/client.js';
import * as s from '../../src/db/schema.js';
import type { EmbeddedRedis } from '../../src/services/redis-server.js';
import { startJobs, type Jobs } from '../../jobs/index.js';
import { uniqueName } from '../support/services.js';
import { deps, eventCore, ownRedisHarness, RecordingSender, seedCommunity, seedPerson, seedPoll, sleep, waitFor } from './support.js';

const noLimits = { telegram: { perChat: [], global: [] }, wechat: { perChat: [], global: [] } };

describe('the non-voter nudge is state of its own', () => {
  // A Redis of its own: this file wipes it with FLUSHALL.
  const own = ownRedisHarness();
  let redis: EmbeddedRedis;
  let database: Database;
  beforeAll(() => {
    ({ redis, database } = own);
  });

  it('nudges a person with two identities once, and not again after Redis is flushed and the nudge runs again', async () => {
    const { community, chat } = await seedCommunity(database);
    const voter = await seedPerson(database, community.id, { name: '已投票' });
    const both = await seedPerson(database, community.id, {
      name: '两个平台都私聊过',
      identities: [
        { platform: 'telegram', private: true },
        { platform: 'wechat', private: true },
      ],
    });
    // Opened two days ago, closing in an hour: the nudge (24 h before the deadline) is overdue at start.
    const now = Date.now();
    const { poll } = await seedPoll(database, community.id, chat.id, voter.person.id, { openedAt: new Date(now - 2 * 86400e3), deadline: new Date(now + 3600e3) });
    await database.db.insert(s.ballots).values({ pollId: poll.id, personId: voter.person.id, choice: 1 });

    const telegram = new RecordingSender('telegram');
    const wechat = new RecordingSender('wechat');
    const toBoth = () => [...telegram.delivered, ...wechat.delivered].filter((d) => both.identities.some((i) => i.privateChatId === d.platformChatId));
    const prefix = uniqueName('jobs');
    const start = () => startJobs(deps(database, eventCore(), redis.url, [telegram, wechat]), { prefix, limits: noLimits });

    let jobs: Jobs = await start();
    try {
      await waitFor(() => toBoth().length, 10_000, 'the nudge');
      await sleep(500);
      expect(toBoth()).toHaveLength(1);
      // On the poll's platform (the chat is on Telegram).
      expect(toBoth()[0]!.platformChatId).toBe(both.identities[0]!.privateChatId);
    } finally {
      await jobs.stop();
    }

    const admin = new Redis(redis.url);
    await admin.flushall();
    await admin.quit();

    jobs = await start();
    try {
      // Postgres says the poll was nudged: the restart does not plan the nudge again ...
      expect(await jobs.timers.getJob(`poll-nudge-${poll.id}`)).toBeUndefined();
      expect(await jobs.timers.getJob(`poll-close-${poll.id}`)).toBeTruthy();
      // ... and a nudge job that runs anyway (a stale copy, a retry) nudges nobody twice.
      await jobs.timers.add('poll-nudge', { pollId: poll.id }, { jobId: 'poll-nudge-again' });
      await sleep(1000);
      expect(toBoth()).toHaveLength(1);
      expect(telegram.delivered.length + wechat.delivered.length).toBe(1);
    } finally {
      await jobs.stop();
    }

    const nudged = await database.db.select().from(s.pollNudges).where(eq(s.pollNudges.pollId, poll.id));
    expect(nudged.map((n) => n.personId)).toEqual([both.person.id]);
    const [row] = await database.db.select({ nudgedAt: s.polls.nudgedAt }).from(s.polls).where(eq(s.polls.id, poll.id));
    expect(row!.nudgedAt).toBeInstanceOf(Date);
    const audit = await database.db.select().from(s.auditLog).where(and(eq(s.auditLog.suggestionId, poll.suggestionId), eq(s.auditLog.action, 'poll.nudged')));
    expect(audit).toHaveLength(1);
  });
});
