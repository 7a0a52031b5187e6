import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { and, eq } from 'drizzle-orm';
import type { Database } from '../../src/db/client.js';
import * as s from '../../src/db/schema.js';
import { startJobs, type JobsOptions } from '../../jobs/index.js';
import { freshDatabase, redisUrl, uniqueName } from '../support/services.js';
import { deps, eventCore, RecordingSender, seedCommunity, seedPerson, seedPoll, sleep, waitFor, jobsHarness } from './support.js';

const noLimits = { telegram: { perChat: [], global: [] }, wechat: { perChat: [], global: [] } };

describe('reminders', () => {
  const harness = jobsHarness();
  const started = harness.started;
  let database: Database;
  beforeAll(() => { database = harness.database; });

  async function start(core: ReturnType<typeof eventCore>, senders: RecordingSender[], opts: JobsOptions = {}) {
    const jobs = await startJobs(deps(database, core, redisUrl(), senders), { prefix: uniqueName('jobs'), limits: noLimits, ...opts });
    started.push(jobs);
    return jobs;
  }

  it('nudges in private only the residents who have not voted, once each, on one of their identities', async () => {
    const { community, chat } = await seedCommunity(database);
    const voter = await seedPerson(database, community.id, { name: '已投票' });
    const waiting = await seedPerson(database, community.id, { name: '未投票' });
    const english = await seedPerson(database, community.id, { name: 'Alice', lang: 'en' });
    const silent = await seedPerson(database, community.id, { name: '没私聊', identities: [{ platform: 'telegram', private: false }] });
    const twoPlatforms = await seedPerson(database, community.id, {
      name: '两个平台',
      identities: [
        { platform: 'telegram', private: false },
        { platform: 'wechat', private: true },
      ],
    });
    const outsider = await seedCommunity(database);
    const stranger = await seedPerson(database, outsider.community.id, { name: '别的社区' });

    const now = Date.now();
    // A short poll (4 s): the nudge goes halfway, 2 s in.
    const { poll } = await seedPoll(database, community.id, chat.id, voter.person.id, { openedAt: new Date(now), deadline: new Date(now + 4000) });
    await database.db.insert(s.ballots).values({ pollId: poll.id, personId: voter.person.id, choice: 1 });

    const telegram = new RecordingSender('telegram');
    const wechat = new RecordingSender('wechat');
    const core = eventCore();
    const jobs = await start(core, [telegram, wechat]);
    core.emit({ type: 'poll.opened', pollId: poll.id, kind: 'vote', deadline: poll.deadline });
    await jobs.settled();
    const nudge = await jobs.timers.getJob(`poll-nudge-${poll.id}`);
    expect(nudge).toBeTruthy();

    await waitFor(() => telegram.delivered.length + wechat.delivered.length >= 3, 10_000, 'nudges');
    await sleep(500);
    const dm = (p: { identities: Array<{ privateChatId: string | null }> }) => p.identities.find((i) => i.privateChatId)?.privateChatId;
    expect(telegram.delivered.map((d) => d.platformChatId).sort()).toEqual([dm(waiting), dm(english)].sort());
    expect(wechat.delivered.map((d) => d.platformChatId)).toEqual([dm(twoPlatforms)]);
    expect(telegram.to(dm(waiting)!)[0]!.text).toContain('#1');
    expect(telegram.to(dm(waiting)!)[0]!.text).toContain('还没有投票');
    expect(telegram.to(dm(english)!)[0]!.text).toContain('not voted');
    expect([...telegram.delivered, ...wechat.delivered].some((d) => d.platformChatId === dm(voter) || d.platformChatId === dm(stranger))).toBe(false);
    void silent;

    // Running the reminder again (a retry, or a restart) nudges nobody twice.
    await jobs.timers.add('poll-nudge', { pollId: poll.id }, { jobId: 'poll-nudge-again' });
    await sleep(800);
    expect(telegram.delivered).toHaveLength(2);
    expect(wechat.delivered).toHaveLength(1);
  });

  it('schedules meeting reminders 24 h and 1 h before, moves them with the meeting and removes them when it is cancelled', async () => {
    const { community, chat } = await seedCommunity(database);
    const telegram = new RecordingSender('telegram');
    const core = eventCore();
    const jobs = await start(core, [telegram]);
    const startsAt = new Date(Date.now() + 3 * 86400e3);
    const [meeting] = await database.db.insert(s.meetings).values({ communityId: community.id, quarter: '2026Q4', startsAt, place: '社区活动室', chatId: chat.id }).returning();
    core.emit({ type: 'meeting.scheduled', meetingId: meeting!.id });
    await jobs.settled();
    const due = async (id: string) => {
      const job = await jobs.timers.getJob(id);
      return job ? job.timestamp + job.delay : undefined;
    };
    expect(Math.abs((await due(`meeting-${meeting!.id}-24h`))! - (startsAt.getTime() - 86400e3))).toBeLessThan(1000);
    expect(Math.abs((await due(`meeting-${meeting!.id}-1h`))! - (startsAt.getTime() - 3600e3))).toBeLessThan(1000);

    const moved = new Date(startsAt.getTime() + 2 * 86400e3);
    await database.db.update(s.meetings).set({ startsAt: moved }).where(eq(s.meetings.id, meeting!.id));
    core.emit({ type: 'meeting.moved', meetingId: meeting!.id });
    await jobs.settled();
    expect(Math.abs((await due(`meeting-${meeting!.id}-24h`))! - (moved.getTime() - 86400e3))).toBeLessThan(1000);
    expect(Math.abs((await due(`meeting-${meeting!.id}-1h`))! - (moved.getTime() - 3600e3))).toBeLessThan(1000);

    await database.db.update(s.meetings).set({ status: 'cancelled' }).where(eq(s.meetings.id, meeting!.id));
    core.emit({ type: 'meeting.cancelled', meetingId: meeting!.id });
    await jobs.settled();
    expect(await jobs.timers.getJob(`meeting-${meeting!.id}-24h`)).toBeUndefined();
    expect(await jobs.timers.getJob(`meeting-${meeting!.id}-1h`)).toBeUndefined();
    expect(telegram.delivered).toHaveLength(0);
  });

  it('reminds the chat an hour before a meeting, and not with a reminder of its old time after a move', async () => {
    const { community, chat } = await seedCommunity(database);
    const telegram = new RecordingSender('telegram');
    const core = eventCore();
    const jobs = await start(core, [telegram]);
    const startsAt = new Date(Date.now() + 3600e3 + 1500);
    const [meeting] = await database.db.insert(s.meetings).values({ communityId: community.id, quarter: '2026Q4', startsAt, place: '社区活动室', chatId: chat.id }).returning();
    core.emit({ type: 'meeting.scheduled', meetingId: meeting!.id });
    await jobs.settled();
    const [reminder] = await waitFor(() => (telegram.to(chat.platformChatId).length ? telegram.to(chat.platformChatId) : undefined), 10_000, 'reminder');
    expect(reminder!.text).toContain('社区活动室');
    expect(reminder!.text).toContain('1 小时');
    // The 24-hour reminder was already past when the meeting was scheduled: not sent.
    await sleep(500);
    expect(telegram.delivered).toHaveLength(1);

    // A stale job for an earlier time of a moved meeting sends nothing.
    await jobs.timers.add('meeting-reminder', { meetingId: meeting!.id, before: '1h', startsAt: startsAt.getTime() - 60_000 }, { jobId: 'stale-reminder' });
    await sleep(800);
    expect(telegram.delivered).toHaveLength(1);
  });

  it("announces the quarter's chair once in every bound chat and privately to the unit's contact", async () => {
    const { community, chat } = await seedCommunity(database, { name: '和平社区' });
    const [secondChat] = await database.db.insert(s.chats).values({ platform: 'wechat', platformChatId: 'room-2@chatroom', kind: 'group', communityId: community.id, boundAt: new Date() }).returning();
    const contact = await seedPerson(database, community.id, { name: '派出所联络员' });
    await database.db.update(s.communities).set({ rotationStart: '2026Q4' }).where(eq(s.communities.id, community.id));
    await database.db.insert(s.councilUnits).values([
      { communityId: community.id, name: '街道办', position: 1 },
      { communityId: community.id, name: '派出所', position: 2, contactPlatform: 'telegram', contactUserId: contact.identities[0]!.platformUserId },
    ]);
    const telegram = new RecordingSender('telegram');
    const wechat = new RecordingSender('wechat');
    const core = eventCore();
    // 09:00 on the first day of 2027Q1: the second unit's turn.
    const jobs = await start(core, [telegram, wechat], { now: () => new Date('2027-01-01T09:00:00+08:00') });
    const scheduler = await jobs.timers.getJobScheduler(`chair-${community.id}`);
    expect(scheduler?.pattern).toBe('0 9 1 1,4,7,10 *');
    expect(scheduler?.tz).toBe('Asia/Shanghai');

    await jobs.timers.add('chair-announce', { communityId: community.id }, { jobId: 'announce-1' });
    await waitFor(() => telegram.delivered.length === 2 && wechat.delivered.length === 1, 10_000, 'announcements');
    expect(telegram.to(chat.platformChatId)[0]!.text).toContain('派出所');
    expect(telegram.to(chat.platformChatId)[0]!.text).toContain('2027年第1季度');
    expect(wechat.to(secondChat!.platformChatId)[0]!.text).toContain('派出所');
    expect(telegram.to(contact.identities[0]!.privateChatId!)[0]!.text).toContain('派出所');

    await jobs.timers.add('chair-announce', { communityId: community.id }, { jobId: 'announce-2' });
    await sleep(800);
    expect(telegram.delivered).toHaveLength(2);
    expect(wechat.delivered).toHaveLength(1);
    const [row] = await database.db.select().from(s.quarterlyChairs).where(and(eq(s.quarterlyChairs.communityId, community.id), eq(s.quarterlyChairs.quarter, '2027Q1')));
    expect(row!.announcedAt).toBeInstanceOf(Date);
    const audit = await database.db.select().from(s.auditLog).where(and(eq(s.auditLog.communityId, community.id), eq(s.auditLog.action, 'chair.announced')));
    expect(audit).toHaveLength(1);
  });

  it('reminds the chair and the staff when no meeting is scheduled by the 45th day, once, and not when one is', async () => {
    // Its own database: the fake clock of this test must not meet the other tests' real-time data.
    const own = await freshDatabase();
    const database = own;
    onTestFinished(() => own.close());
    const longAgo = new Date('2026-09-01T00:00:00Z');
    const now = () => new Date('2026-11-20T10:00:00+08:00'); // after 2026-11-14 09:00, day 45 of 2026Q4
    const setup = async (withMeeting: boolean) => {
      const { community } = await seedCommunity(database);
      const staff = await seedPerson(database, community.id, { role: 'staff', name: '工作人员' });
      const resident = await seedPerson(database, community.id, { name: '居民' });
      const contact = await seedPerson(database, community.id, { name: '物业联络员' });
      await database.db.update(s.communities).set({ rotationStart: '2026Q4' }).where(eq(s.communities.id, community.id));
      await database.db.insert(s.councilUnits).values({ communityId: community.id, name: '物业公司', position: 1, contactPlatform: 'telegram', contactUserId: contact.identities[0]!.platformUserId, createdAt: longAgo });
      if (withMeeting) await database.db.insert(s.meetings).values({ communityId: community.id, quarter: '2026Q4', startsAt: new Date('2026-12-10T19:00:00+08:00'), place: '会议室' });
      return { community, staff, resident, contact };
    };
    const lazy = await setup(false);
    const diligent = await setup(true);
    const telegram = new RecordingSender('telegram');
    const jobs = await startJobs(deps(database, eventCore(), redisUrl(), [telegram]), { prefix: uniqueName('jobs'), limits: noLimits, now });
    started.push(jobs);
    await waitFor(() => telegram.delivered.length >= 2, 10_000, 'reminders');
    await sleep(500);
    const to = (p: { identities: Array<{ privateChatId: string | null }> }) => telegram.to(p.identities[0]!.privateChatId!);
    expect(to(lazy.staff)).toHaveLength(1);
    expect(to(lazy.contact)).toHaveLength(1);
    expect(to(lazy.staff)[0]!.text).toContain('45 天');
    expect(to(lazy.resident)).toHaveLength(0);
    expect(to(diligent.staff)).toHaveLength(0);
    expect(to(diligent.contact)).toHaveLength(0);
    const [row] = await database.db.select().from(s.quarterlyChairs).where(and(eq(s.quarterlyChairs.communityId, lazy.community.id), eq(s.quarterlyChairs.quarter, '2026Q4')));
    expect(row!.meetingReminderAt).toBeInstanceOf(Date);

    // A second start does not remind again.
    await jobs.reconcile();
    expect(await jobs.timers.getJob(`meeting-due-${lazy.community.id}-2026Q4`)).toBeUndefined();
    await sleep(500);
    expect(telegram.delivered).toHaveLength(2);
    await jobs.stop();
  });
});
