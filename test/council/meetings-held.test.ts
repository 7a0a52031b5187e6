/** Meetings that happen: check-in window, minutes make a meeting held, only a held meeting makes its quarter met; the quarter checks. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { freshDatabase } from '../support/services.js';
import type { Database } from '../../src/db/client.js';
import * as s from '../../src/db/schema.js';
import { remindMeetingDue } from '../../src/council/quarter-check.js';
import { quartersMet } from '../../src/council/quarters-met.js';
import { meetingDueAt, meetingLateAt, planMeetingDue } from '../../jobs/plan.js';
import { Clock, config, makeWorld, replyText, say, snapshot } from '../core/helpers.js';
import { start } from '../whistle/support.js';

const TZ = config.YISHI_TZ;
const HOUR = 3600e3;

describe('meetings held', () => {
  let database: Database;
  beforeAll(async () => {
    database = await freshDatabase();
  });
  afterAll(async () => {
    await database.close();
  });

  it('goes from an unmet quarter to a held meeting and a met quarter, refusing check-ins outside the window and minutes too early or by a resident', async () => {
    // 2026-11-10 10:00 in Shanghai.
    const clock = new Clock(new Date('2026-11-10T02:00:00Z'));
    const w = await makeWorld(database, { clock });
    await database.db.update(s.communities).set({ rotationStart: '2026Q4' }).where(eq(s.communities.id, w.communityId));
    await say(w, '张三', '/suggest 修东门路灯');
    await say(w, 'staff', '/meeting 2026-11-12 19:00 社区活动室');
    await say(w, 'staff', '/agenda 1');
    const [m] = await database.db.select().from(s.meetings).where(eq(s.meetings.communityId, w.communityId));

    let stats = replyText(await say(w, 'staff', '/stats'));
    expect(stats).toContain('未召开协商议事会的季度：1');
    expect(stats).toContain('2026年第4季度（本季度，尚未召开）');
    expect(stats).not.toContain('2026Q4');

    // Too early to check in, or to record minutes: one reply each, nothing changed.
    let before = await snapshot(database);
    expect((await say(w, '李四', `签到 ${m!.id}`)).errorCode).toBe('CHECKIN_CLOSED');
    expect((await say(w, 'staff', `/minutes ${m!.id} 开过了`)).errorCode).toBe('MEETING_NOT_STARTED');
    expect(await snapshot(database)).toBe(before);

    clock.current = new Date('2026-11-12T10:35:00Z'); // 18:35, 25 minutes before the start
    // The meeting's number as typed: `M2` or `2`; the reply names it 会议 M<n>.
    const first = replyText(await say(w, '李四', `签到 M${m!.id}`));
    expect(first).toContain('已签到 1 人');
    expect(first).toContain(`会议 M${m!.id}`);
    expect(replyText(await say(w, '张三', `/checkin ${m!.id}`))).toContain('已签到 2 人');
    before = await snapshot(database);
    expect((await say(w, '李四', `/checkin ${m!.id}`)).errorCode).toBe('ALREADY_CHECKED_IN');
    expect((await say(w, '李四', '/checkin 99999')).errorCode).toBe('UNKNOWN_MEETING');
    expect(await snapshot(database)).toBe(before);

    clock.current = new Date('2026-11-12T12:30:00Z'); // 20:30, after the start
    before = await snapshot(database);
    expect((await say(w, '李四', `纪要 ${m!.id} 我来记`)).errorCode).toBe('NOT_CHAIR');
    expect(await snapshot(database)).toBe(before);
    const held = replyText(await say(w, 'staff', `纪要 M${m!.id} 议定由物业月底前修复东门路灯`));
    expect(held).toContain(`协商议事会 M${m!.id}`);
    expect(held).toContain('签到 2 人');
    expect(held).toContain('议定由物业月底前修复东门路灯');
    expect(held).toContain('#1 修东门路灯');
    const [row] = await database.db.select().from(s.meetings).where(eq(s.meetings.id, m!.id));
    expect(row!.status).toBe('held');
    expect((await say(w, 'staff', `纪要 ${m!.id} 再记一次`)).errorCode).toBe('MEETING_HELD');

    stats = replyText(await say(w, 'staff', '/stats'));
    expect(stats).toContain('未召开协商议事会的季度：0');
    expect((await quartersMet(database.db, { id: w.communityId, rotationStart: '2026Q4', createdAt: new Date() }, clock.current, TZ))).toEqual([{ quarter: '2026Q4', met: true, running: true }]);

    // Three hours after the start the window is closed.
    clock.current = new Date('2026-11-12T14:01:00Z');
    expect((await say(w, '王五', `签到 ${m!.id}`)).errorCode).toBe('CHECKIN_CLOSED');

    // A new quarter is unmet again until a meeting in it is held; the held one stays met.
    clock.current = new Date('2027-01-05T02:00:00Z');
    stats = replyText(await say(w, 'staff', '/stats'));
    expect(stats).toContain('未召开协商议事会的季度：1（2027年第1季度（本季度，尚未召开））');
  });

  it('a merely scheduled meeting does not make a past quarter met', async () => {
    const clock = new Clock(new Date('2026-11-10T02:00:00Z'));
    const w = await makeWorld(database, { clock });
    await database.db.update(s.communities).set({ rotationStart: '2026Q3' }).where(eq(s.communities.id, w.communityId));
    await database.db.insert(s.meetings).values({ communityId: w.communityId, quarter: '2026Q3', startsAt: new Date('2026-08-01T11:00:00Z'), place: '活动室' });
    const stats = replyText(await say(w, 'staff', '/stats'));
    expect(stats).toContain('未召开协商议事会的季度：2（2026年第3季度、2026年第4季度（本季度，尚未召开））');
  });

  it('reminds the chair unit at the midpoint and two weeks before the end while nothing is held, once each', async () => {
    const clock = new Clock(new Date('2026-10-02T02:00:00Z'));
    const w = await makeWorld(database, { clock });
    await start(w, 'wy');
    await database.db.update(s.communities).set({ rotationStart: '2026Q4' }).where(eq(s.communities.id, w.communityId));
    await database.db.insert(s.councilUnits).values({ communityId: w.communityId, name: '物业公司', position: 1, contactPlatform: 'telegram', contactUserId: `wy-${w.slug}`, createdAt: new Date('2026-10-01T00:00:00Z') });
    expect(meetingDueAt('2026Q4', TZ).toISOString()).toBe('2026-11-14T01:00:00.000Z');
    expect(meetingLateAt('2026Q4', TZ).toISOString()).toBe('2026-12-18T01:00:00.000Z');
    const c = { id: w.communityId, slug: w.slug, firstUnitAt: new Date('2026-10-01T00:00:00Z') };
    expect((await planMeetingDue(database.db, c, clock.current, TZ)).map((j) => j.id)).toEqual([`meeting-due-${w.communityId}-2026Q4`, `meeting-due-late-${w.communityId}-2026Q4`]);

    const run = (at: Date) => ({ db: database.db, now: at, tz: TZ, reachable: () => true });
    const mid = await remindMeetingDue(run(meetingDueAt('2026Q4', TZ)), w.communityId, '2026Q4', 'mid');
    expect(mid.queued).toHaveLength(1);
    expect((await remindMeetingDue(run(meetingDueAt('2026Q4', TZ)), w.communityId, '2026Q4', 'mid')).note).toBe('already reminded');
    // A meeting that started but has no minutes: the late check names it.
    await database.db.insert(s.meetings).values({ communityId: w.communityId, quarter: '2026Q4', startsAt: new Date('2026-12-01T11:00:00Z'), place: '活动室' });
    const late = await remindMeetingDue(run(meetingLateAt('2026Q4', TZ)), w.communityId, '2026Q4', 'late');
    expect(late.queued).toEqual([`meeting-due-late-${w.communityId}-2026Q4-person-${(await contactPerson(database, w.slug))}`]);
    const [msg] = await database.db.select().from(s.outboundMessages).where(eq(s.outboundMessages.dedupeKey, late.queued[0]!));
    expect((msg!.payload as { text: string }).text).toContain('还没有纪要');
    const [qc] = await database.db.select().from(s.quarterlyChairs).where(and(eq(s.quarterlyChairs.communityId, w.communityId), eq(s.quarterlyChairs.quarter, '2026Q4')));
    expect(qc!.meetingReminderAt).toBeInstanceOf(Date);
    expect(qc!.meetingLateReminderAt).toBeInstanceOf(Date);
    expect(await planMeetingDue(database.db, c, clock.current, TZ)).toEqual([]);
  });

  it('does not remind when a meeting of the quarter was held', async () => {
    const clock = new Clock(new Date('2026-10-02T02:00:00Z'));
    const w = await makeWorld(database, { clock });
    await database.db.update(s.communities).set({ rotationStart: '2026Q4' }).where(eq(s.communities.id, w.communityId));
    await database.db.insert(s.councilUnits).values({ communityId: w.communityId, name: '物业公司', position: 1, createdAt: new Date('2026-10-01T00:00:00Z') });
    await database.db.insert(s.meetings).values({ communityId: w.communityId, quarter: '2026Q4', startsAt: new Date('2026-10-20T11:00:00Z'), place: '活动室', status: 'held', minutes: '开了' });
    const r = await remindMeetingDue({ db: database.db, now: meetingDueAt('2026Q4', TZ), tz: TZ, reachable: () => true }, w.communityId, '2026Q4', 'mid');
    expect(r.note).toBe('meeting held or ahead');
    expect(await planMeetingDue(database.db, { id: w.communityId, slug: w.slug, firstUnitAt: new Date('2026-10-01T00:00:00Z') }, clock.current, TZ)).toEqual([]);
  });
});

async function contactPerson(database: Database, slug: string): Promise<number> {
  const [i] = await database.db.select().from(s.identities).where(eq(s.identities.platformUserId, `wy-${slug}`));
  return i!.personId;
}
