import { beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import type { Database } from '../../src/db/client.js';
import * as s from '../../src/db/schema.js';
import { startJobs } from '../../jobs/index.js';
import { redisUrl, uniqueName } from '../support/services.js';
import { deps, eventCore, jobsHarness, RecordingSender, seedCommunity, seedPerson, waitFor } from './support.js';

const noLimits = { telegram: { perChat: [], global: [] }, wechat: { perChat: [], global: [] } };

describe("the jobs speak the community's language", () => {
  const harness = jobsHarness();
  let database: Database;
  beforeAll(() => { database = harness.database; });

  it('an English community gets the chair announcement and meeting reminders in English; a Chinese contact is told in Chinese', async () => {
    const { community, chat } = await seedCommunity(database, { name: 'Riverside' });
    const contact = await seedPerson(database, community.id, { name: '联络员', lang: 'zh' });
    await database.db.update(s.communities).set({ lang: 'en', rotationStart: '2027Q1' }).where(eq(s.communities.id, community.id));
    await database.db.insert(s.councilUnits).values({ communityId: community.id, name: 'Police station', position: 1, contactPlatform: 'telegram', contactUserId: contact.identities[0]!.platformUserId });
    const fakeNow = new Date('2027-01-01T09:00:00+08:00');
    const startsAt = new Date(fakeNow.getTime() + 30 * 60e3);
    const [meeting] = await database.db.insert(s.meetings).values({ communityId: community.id, quarter: '2027Q1', startsAt, place: 'Hall', chatId: chat.id }).returning();

    const telegram = new RecordingSender('telegram');
    const jobs = await startJobs(deps(database, eventCore(), redisUrl(), [telegram]), { prefix: uniqueName('jobs'), limits: noLimits, now: () => fakeNow });
    harness.started.push(jobs);
    await jobs.timers.add('chair-announce', { communityId: community.id }, { jobId: 'announce' });
    await jobs.timers.add('meeting-reminder', { meetingId: meeting!.id, before: '1h', startsAt: startsAt.getTime() }, { jobId: 'remind' });

    const inGroup = await waitFor(() => (telegram.to(chat.platformChatId).length >= 2 ? telegram.to(chat.platformChatId) : undefined), 10_000, 'group messages');
    const announcement = inGroup.find((d) => d.text.includes('chair unit'));
    expect(announcement?.text).toBe(
      'Riverside: the chair unit for Q1 2027 is Police station. At least one consultation meeting is held each quarter; the chair schedules it with /meeting <YYYY-MM-DD HH:mm> <place>.',
    );
    expect(inGroup.find((d) => d.text.includes('in about 1 hour'))?.text).toContain('Hall');
    expect(inGroup.some((d) => /[\u4e00-\u9fff]/.test(d.text))).toBe(false);

    // Private messages keep the person's own language.
    const [privately] = await waitFor(() => (telegram.to(contact.identities[0]!.privateChatId!).length ? telegram.to(contact.identities[0]!.privateChatId!) : undefined), 10_000, 'the contact');
    expect(privately!.text).toContain('2027年第1季度');
  });

  it('a community is Chinese unless told otherwise', async () => {
    const { community } = await seedCommunity(database);
    expect(community.lang).toBe('zh');
    await expect(database.db.update(s.communities).set({ lang: 'fr' as 'en' }).where(eq(s.communities.id, community.id))).rejects.toThrow();
  });
});
