import { afterAll, describe, expect, it } from 'vitest';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { meetingDueAt, nextQuarterlyRun, nudgeTime } from '../../jobs/plan.js';
import { CHAIR_PATTERN } from '../../jobs/queues.js';
import { SendLimiter } from '../../jobs/limiter.js';
import { redisUrl, uniqueName } from '../support/services.js';

const TZ = 'Asia/Shanghai';
const at = (iso: string) => new Date(iso);

describe('the quarterly chair schedule in Asia/Shanghai', () => {
  const boundaries: Array<[string, string]> = [
    ['2026-12-31T23:59:00+08:00', '2027-01-01T09:00:00+08:00'],
    ['2027-03-31T23:59:00+08:00', '2027-04-01T09:00:00+08:00'],
    ['2027-06-30T23:59:00+08:00', '2027-07-01T09:00:00+08:00'],
    ['2027-09-30T23:59:00+08:00', '2027-10-01T09:00:00+08:00'],
    // 09:00 on the first day itself: the run at that instant is taken, the next is a quarter later.
    ['2027-01-01T08:59:00+08:00', '2027-01-01T09:00:00+08:00'],
    ['2027-01-01T09:00:00+08:00', '2027-04-01T09:00:00+08:00'],
    // Midnight UTC on the first day is 08:00 in Shanghai: still before the run.
    ['2027-01-01T00:00:00Z', '2027-01-01T09:00:00+08:00'],
    ['2026-11-25T12:00:00+08:00', '2027-01-01T09:00:00+08:00'],
  ];

  it.each(boundaries)('after %s the next run is %s', (from, next) => {
    expect(nextQuarterlyRun(at(from), TZ).toISOString()).toBe(at(next).toISOString());
  });

  it('runs at 09:00 local time in another zone too', () => {
    expect(nextQuarterlyRun(at('2026-12-31T23:59:00Z'), 'Europe/Berlin').toISOString()).toBe('2027-01-01T08:00:00.000Z');
  });

  describe('BullMQ itself, given the scheduler as startJobs registers it', () => {
    const redis = new Redis(redisUrl(), { maxRetriesPerRequest: null });
    const prefix = uniqueName('sched');
    const queue = new Queue('timers', { connection: redis, prefix });
    afterAll(async () => {
      await queue.obliterate({ force: true });
      await queue.close();
      await redis.quit();
    });

    it.each(boundaries.slice(0, 4))('starting %s, the scheduler next runs at %s', async (from, next) => {
      const id = `chair-${from}`.replace(/:/g, '');
      await queue.upsertJobScheduler(id, { pattern: CHAIR_PATTERN, tz: TZ, startDate: at(from) }, { name: 'chair-announce', data: { communityId: 1 } });
      const scheduler = await queue.getJobScheduler(id);
      expect(new Date(scheduler!.next!).toISOString()).toBe(at(next).toISOString());
    });
  });
});

describe('reminder times', () => {
  it('flags a quarter without a meeting at 09:00 on its 45th day', () => {
    expect(meetingDueAt('2027Q1', TZ).toISOString()).toBe(at('2027-02-14T09:00:00+08:00').toISOString());
    expect(meetingDueAt('2026Q4', TZ).toISOString()).toBe(at('2026-11-14T09:00:00+08:00').toISOString());
    expect(meetingDueAt('2028Q1', TZ).toISOString()).toBe(at('2028-02-14T09:00:00+08:00').toISOString());
  });

  it('nudges 24 hours before a long poll closes and halfway through a short one', () => {
    const open = at('2027-01-01T00:00:00Z');
    expect(nudgeTime(open, at('2027-01-08T00:00:00Z'))).toBe(at('2027-01-07T00:00:00Z').getTime());
    expect(nudgeTime(open, at('2027-01-03T00:00:00Z'))).toBe(at('2027-01-02T00:00:00Z').getTime());
    expect(nudgeTime(open, at('2027-01-02T00:00:00Z'))).toBe(at('2027-01-01T12:00:00Z').getTime());
    expect(nudgeTime(open, at('2027-01-01T00:00:02Z'))).toBe(at('2027-01-01T00:00:01Z').getTime());
  });
});

describe('the send limiter', () => {
  it('spaces messages to one chat and lets another chat go at once', () => {
    const limiter = new SendLimiter({
      telegram: { perChat: [{ max: 2, durationMs: 1000 }], global: [] },
      wechat: { perChat: [], global: [] },
      console: { perChat: [], global: [] },
    });
    expect(limiter.slot('telegram', 'a', 1, 0)).toBe(0);
    limiter.sent('telegram', 1, 0);
    expect(limiter.slot('telegram', 'a', 2, 10)).toBe(10);
    limiter.sent('telegram', 2, 10);
    expect(limiter.slot('telegram', 'a', 3, 20)).toBe(1000);
    expect(limiter.slot('telegram', 'a', 4, 30)).toBe(1010);
    expect(limiter.slot('telegram', 'b', 5, 30)).toBe(30);
    // A delayed message keeps its reserved slot when it comes back.
    expect(limiter.slot('telegram', 'a', 3, 1000)).toBe(1000);
  });

  it('holds a chat back after the platform said retry later', () => {
    const limiter = new SendLimiter({
      telegram: { perChat: [], global: [] },
      wechat: { perChat: [], global: [] },
      console: { perChat: [], global: [] },
    });
    limiter.block('telegram', 'a', 1, 5000);
    expect(limiter.slot('telegram', 'a', 2, 100)).toBe(5000);
    expect(limiter.slot('telegram', 'b', 3, 100)).toBe(100);
  });

  it('keeps to a global limit across chats', () => {
    const limiter = new SendLimiter({
      telegram: { perChat: [], global: [{ max: 2, durationMs: 1000 }] },
      wechat: { perChat: [], global: [] },
      console: { perChat: [], global: [] },
    });
    for (const [id, chat] of [[1, 'a'], [2, 'b']] as const) {
      expect(limiter.slot('telegram', chat, id, 0)).toBe(0);
      limiter.sent('telegram', id, 0);
    }
    expect(limiter.slot('telegram', 'c', 3, 1)).toBe(1000);
  });
});
