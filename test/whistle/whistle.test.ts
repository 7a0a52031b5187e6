import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import type { Database } from '../../src/db/client.js';
import * as s from '../../src/db/schema.js';
import { freshDatabase } from '../support/services.js';
import { Clock, makeWorld, replyText, say, snapshot, uid, type World } from '../core/helpers.js';
import { whistleDue, whistleRemind } from '../../src/whistle/deadlines.js';
import { planWhistleJobs } from '../../src/whistle/plan.js';
import { areaFigures } from '../../src/whistle/figures.js';
import { nodeBySlug } from '../../src/org/tree.js';
import { dm, outboxTo, sayPrivately, seedTree } from './support.js';

const H = 3600e3;

describe('whistle and report', () => {
  let database: Database;
  beforeAll(async () => { database = await freshDatabase(); });
  afterAll(async () => { await database.close(); });

  async function whistleOf(w: World, n: number) {
    const [row] = await database.db
      .select({ w: s.whistles })
      .from(s.whistles)
      .innerJoin(s.suggestions, eq(s.suggestions.id, s.whistles.suggestionId))
      .where(eq(s.suggestions.communityId, w.communityId));
    void n;
    return row!.w;
  }

  it('hands an item to a unit, which reports and answers on time; the answer is posted to the group; figures are exact', async () => {
    const clock = new Clock(new Date('2026-11-10T02:00:00Z'));
    const w = await makeWorld(database, { clock });
    const tree = await seedTree(w);
    expect(replyText(await say(w, 'alice', '/suggest 3号楼门口路灯坏了'))).toContain('#1');

    const blown = await say(w, 'staff', '/whistle 1 物业公司 2h');
    expect(blown.errorCode).toBeUndefined();
    expect(replyText(blown)).toContain('物业公司');
    const wh = await whistleOf(w, 1);
    expect(wh.reportDeadline.getTime() - wh.createdAt.getTime()).toBe(2 * H);
    expect(wh.answerDeadline.getTime() - wh.createdAt.getTime()).toBe(7 * 24 * H);
    const told = await outboxTo(database, dm(w, 'wy'));
    expect(told).toHaveLength(1);
    expect(told[0]!.text).toContain(`${w.slug}#1`);

    // Somebody who is not the unit's contact is refused, and nothing changes.
    const before = await snapshot(database);
    const wrong = await say(w, 'cg', '/report 1');
    expect(wrong.errorCode).toBe('NOT_UNIT_CONTACT');
    expect(await snapshot(database)).toBe(before);

    clock.advance(30 * 60e3);
    const reported = await say(w, 'wy', '/报到 1');
    expect(reported.errorCode).toBeUndefined();
    expect(replyText(reported)).toContain('报到');
    expect((await say(w, 'wy', '/report 1')).errorCode).toBe('ALREADY_REPORTED');

    clock.advance(3 * H);
    const answered = await sayPrivately(w, 'wy', '/answer 1 已更换灯泡，今晚恢复照明');
    expect(answered.errorCode).toBeUndefined();
    const posted = await outboxTo(database, w.chatId);
    expect(posted.some((m) => m.text.includes('已更换灯泡') && m.text.includes('物业公司'))).toBe(true);
    expect((await sayPrivately(w, 'wy', '/answer 1 again')).errorCode).toBe('NO_OPEN_WHISTLE');

    const show = replyText(await say(w, 'alice', '/show 1'));
    expect(show).toContain('吹哨');
    expect(show).toContain('2026-11-10 10:30'); // reported at 02:30Z = 10:30 in Shanghai
    const audit = await database.db.select({ action: s.auditLog.action }).from(s.auditLog).where(eq(s.auditLog.communityId, w.communityId));
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['whistle.blown', 'whistle.reported', 'whistle.answered']));

    // A second item, whistled to the street's unit and left open past its report deadline.
    await say(w, 'alice', '/suggest 小区门口占道经营');
    expect((await say(w, 'jd', '/whistle 2 城管执法队 1h')).errorCode).toBeUndefined(); // street staff act on their communities' items
    clock.advance(2 * H);
    const figures = await areaFigures(database.db, (await nodeBySlug(database.db, tree.district))!, clock.now(), 'Asia/Shanghai');
    const total = figures.find((f) => f.scope === 'total')!;
    expect(total).toMatchObject({ received: 2, reportedOnTime: 1, answeredOnTime: 1, reportedOnTimeRate: 0.5, answeredOnTimeRate: 0.5, open: 1, overdue: 1 });
    expect(total.medianReportMs).toBe(30 * 60e3);
    expect(total.medianAnswerMs).toBe(3.5 * H);
    expect(figures.find((f) => f.scope === 'unit' && f.unit === '城管执法队')).toMatchObject({ level: 'street', received: 1, open: 1, overdue: 1, reportedOnTime: 0 });
    expect(figures.find((f) => f.scope === 'level' && f.level === 'community')).toMatchObject({ received: 1, reportedOnTime: 1, answeredOnTime: 1, open: 0 });
    expect(replyText(await say(w, 'staff', '/stats'))).toContain('吹哨 2 件');
  });

  it('refuses /whistle from a resident and a unit that is not on the path up, changing nothing', async () => {
    const w = await makeWorld(database);
    await seedTree(w);
    await say(w, 'alice', '/suggest 垃圾站太臭');
    const before = await snapshot(database);
    expect((await say(w, 'alice', '/whistle 1 物业公司')).errorCode).toBe('NOT_STAFF');
    expect((await say(w, 'staff', '/whistle 1 不存在的单位')).errorCode).toBe('UNKNOWN_UNIT');
    expect((await say(w, 'staff', '/whistle 1 物业公司 0m')).errorCode).toBe('BAD_DURATION');
    expect(await snapshot(database)).toBe(before);
  });

  it('an ignored whistle is reminded and escalates community → street → district at the right times, then is said overdue once', async () => {
    const clock = new Clock(new Date('2026-11-10T02:00:00Z'));
    const t0 = clock.now().getTime();
    const w = await makeWorld(database, { clock });
    await seedTree(w);
    await say(w, 'alice', '/suggest 楼道堆物');
    expect((await say(w, 'staff', '/whistle 1 物业公司')).errorCode).toBeUndefined();
    const id = (await whistleOf(w, 1)).id;
    const run = (at: number) => ({ db: database.db, now: new Date(at), tz: 'Asia/Shanghai', reachable: () => true });
    const plan = async (at: number) => (await planWhistleJobs(database.db, new Date(at), id)).map((j) => `${j.name} ${j.data.step} ${(j.at - t0) / H}h`).sort();

    expect(await plan(t0)).toEqual(['whistle-due answer 168h', 'whistle-due report 24h', 'whistle-remind answer 144h', 'whistle-remind report 12h'].sort());

    // 12 h: the contact is reminded privately, once.
    expect((await whistleRemind(run(t0 + 12 * H), id, 'report', t0 + 24 * H)).note).toBe('reminded 1');
    expect((await whistleRemind(run(t0 + 12 * H + 1000), id, 'report', t0 + 24 * H)).note).toBe('already reminded');
    expect((await outboxTo(database, dm(w, 'wy'))).filter((m) => m.key.includes('remind-report'))).toHaveLength(1);
    // A run before the deadline changes nothing.
    expect((await whistleDue(run(t0 + 23 * H), id, 'report', t0 + 24 * H)).note).toBe('not yet due');

    // 24 h: not reported -> the street.
    expect((await whistleDue(run(t0 + 24 * H), id, 'report', t0 + 24 * H)).note).toBe('escalated');
    expect((await whistleDue(run(t0 + 24 * H + 1000), id, 'report', t0 + 24 * H)).note).toBe('deadline moved');
    expect((await whistleOf(w, 1)).level).toBe('street');
    expect((await outboxTo(database, w.chatId)).some((m) => m.text.includes('安定门街道'))).toBe(true);
    expect((await outboxTo(database, dm(w, 'jd'))).some((m) => m.text.includes('上报'))).toBe(true);
    expect(await plan(t0 + 24 * H)).toEqual(['whistle-due answer 168h', 'whistle-due report 48h', 'whistle-remind answer 144h', 'whistle-remind report 36h'].sort());

    // 48 h: still not reported -> the district.
    expect((await whistleRemind(run(t0 + 36 * H), id, 'report', t0 + 48 * H)).note).toBe('reminded 1');
    expect((await whistleDue(run(t0 + 48 * H), id, 'report', t0 + 48 * H)).note).toBe('escalated');
    expect((await whistleOf(w, 1)).level).toBe('district');
    expect((await outboxTo(database, dm(w, 'qu'))).some((m) => m.text.includes('东城区'))).toBe(true);
    expect(await plan(t0 + 48 * H)).toEqual(['whistle-due answer 168h', 'whistle-due report 72h', 'whistle-remind answer 144h', 'whistle-remind report 60h'].sort());

    // 72 h: at the top: said overdue once, no further step planned for the report.
    expect((await whistleDue(run(t0 + 72 * H), id, 'report', t0 + 72 * H)).note).toBe('overdue at the top');
    expect((await whistleDue(run(t0 + 72 * H + 1000), id, 'report', t0 + 72 * H)).note).toBe('already handled');
    expect(await plan(t0 + 72 * H + 1000)).toEqual(['whistle-due answer 168h', 'whistle-remind answer 144h']);

    const escalations = await database.db.select().from(s.whistleEscalations).where(eq(s.whistleEscalations.whistleId, id));
    expect(escalations.map((e) => e.toLevel)).toEqual(['street', 'district']);
    clock.current = new Date(t0 + 73 * H);
    const story = replyText(await say(w, 'alice', '/show 1'));
    expect(story).toContain('安定门街道');
    expect(story).toContain('东城区');
  });
});

describe('a private /report or /answer for a unit serving two communities', () => {
  let database: Database;
  beforeAll(async () => { database = await freshDatabase(); });
  afterAll(async () => { await database.close(); });

  it('is refused as ambiguous with a bare number, and takes <community>#<n> from the whistle message it replies to', async () => {
    const w1 = await makeWorld(database);
    const w2 = await makeWorld(database);
    await seedTree(w1);
    await seedTree(w2);
    // The same person is the contact of both communities' property companies.
    const { addUnitTx } = await import('../../src/admin/org.js');
    await database.db.transaction((tx) => addUnitTx(tx, { at: w2.slug, name: '物业公司', kind: 'property', contacts: [{ platform: 'telegram', platformUserId: uid(w1, 'wy') }] }, 'test'));
    for (const w of [w1, w2]) {
      await say(w, 'alice', '/suggest 路灯坏了');
      expect((await say(w, 'staff', '/whistle 1 物业公司')).errorCode).toBeUndefined();
    }
    const whistleMessage = (await outboxTo(database, dm(w1, 'wy'))).find((m) => m.text.includes(`${w2.slug}#1`))!;
    expect(whistleMessage, 'the whistle of the second community reached the shared contact').toBeDefined();

    const before = await snapshot(database);
    expect((await sayPrivately(w1, 'wy', '/report 1')).errorCode).toBe('AMBIGUOUS_WHISTLE');
    expect(await snapshot(database)).toBe(before);

    const replying = (text: string) =>
      w1.core.handle({ platform: 'telegram', chat: { platformChatId: dm(w1, 'wy'), kind: 'private' }, sender: { platformUserId: uid(w1, 'wy'), displayName: 'wy' }, text, replyToText: whistleMessage.text });
    expect((await replying('/report 1')).errorCode).toBeUndefined();
    expect((await replying('/answer 已安排维修')).errorCode).toBeUndefined();
    const [c2] = await database.db.select().from(s.whistles).where(eq(s.whistles.communityId, w2.communityId));
    expect(c2!.reportedAt).not.toBeNull();
    expect(c2!.answeredAt).not.toBeNull();
    const [c1] = await database.db.select().from(s.whistles).where(eq(s.whistles.communityId, w1.communityId));
    expect(c1!.reportedAt).toBeNull();
  });
});
