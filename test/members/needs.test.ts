import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import type { Database } from '../../src/db/client.js';
import * as s from '../../src/db/schema.js';
import { needStep } from '../../src/members/deadlines.js';
import { planNeedJobs } from '../../src/members/plan.js';
import { freshDatabase } from '../support/services.js';
import { Clock, makeWorld, press, replyText, say } from '../core/helpers.js';
import { dm, outboxTo, sayPrivately, start } from '../whistle/support.js';
import { auditActions, balance, confirmedMember, fullSnapshot, needIdOf, seedMembers } from './support.js';

const H = 3600e3;

describe('party members and needs', () => {
  let database: Database;
  beforeAll(async () => { database = await freshDatabase(); });
  afterAll(async () => { await database.close(); });

  it('a member reports in, claims by button, serves, is confirmed, and the balance is right', async () => {
    const clock = new Clock(new Date('2026-11-10T02:00:00Z'));
    const w = await makeWorld(database, { clock });
    await seedMembers(w);
    await start(w, 'li');

    // Reporting in privately: the menu first, then the report with grid and a registered unit.
    const menu = await sayPrivately(w, 'li', `/register ${w.slug}`);
    expect(replyText(menu)).toContain('一网格');
    expect(replyText(menu)).toContain('物业公司');
    const reg = await sayPrivately(w, 'li', `/党员报到 ${w.slug} g1 物业公司`);
    expect(reg.errorCode).toBeUndefined();
    expect(replyText(reg)).toMatch(/报到 R\d+/);
    const [m] = await database.db.select().from(s.partyMembers).where(eq(s.partyMembers.communityId, w.communityId));
    expect(m).toMatchObject({ status: 'pending', unitName: '物业公司' });
    expect(m!.unitId).not.toBeNull();
    expect(m!.gridId).not.toBeNull();

    const posted = await say(w, 'staff', '/need 帮3号楼王奶奶买菜 15 by 2026-11-20 2');
    expect(posted.errorCode).toBeUndefined();
    expect(replyText(posted)).toContain('认领');
    const id = needIdOf(posted);
    const [need] = await database.db.select().from(s.needs).where(eq(s.needs.id, id));
    expect(need).toMatchObject({ points: 15, capacity: 2, dueDate: '2026-11-20' });
    expect(need!.dueAt!.toISOString()).toBe('2026-11-20T16:00:00.000Z'); // the end of 20 Nov in Shanghai

    // Not confirmed yet: the press is refused and nothing changes.
    const before = await fullSnapshot(database);
    const early = await press(w, 'li', `c:${id}`);
    expect(early.errorCode).toBe('MEMBER_NOT_CONFIRMED');
    expect(early.toast).toContain('确认');
    expect(await fullSnapshot(database)).toBe(before);

    const confirmed = await say(w, 'staff', '/confirm-member li');
    expect(confirmed.errorCode).toBeUndefined();
    expect(replyText(confirmed)).toContain('10');
    expect((await outboxTo(database, dm(w, 'li'))).some((x) => x.text.includes('已确认'))).toBe(true);
    expect(await balance(w, 'li')).toBe(10);

    const claimed = await press(w, 'li', `c:${id}`);
    expect(claimed.errorCode).toBeUndefined();
    expect(claimed.toast).toContain(String(id));
    expect((await press(w, 'li', `c:${id}`)).errorCode).toBe('ALREADY_CLAIMED');

    clock.advance(24 * H);
    const served = await sayPrivately(w, 'li', `/served ${id} 2 陪王奶奶去超市`);
    expect(served.errorCode).toBeUndefined();
    expect((await outboxTo(database, w.chatId)).some((x) => x.text.includes(`确认服务 N${id}`))).toBe(true);
    expect((await sayPrivately(w, 'li', `/served ${id}`)).errorCode).toBe('ALREADY_SERVED');

    const ok = await say(w, 'staff', `/confirm ${id}`);
    expect(ok.errorCode).toBeUndefined();
    expect(replyText(ok)).toContain('15');
    expect(await balance(w, 'li')).toBe(25);
    const [entry] = await database.db.select().from(s.pointsEntries).where(and(eq(s.pointsEntries.needId, id), eq(s.pointsEntries.kind, 'service')));
    expect(entry).toMatchObject({ points: 15, unitName: '物业公司', data: { hours: 2 } });

    const mine = replyText(await sayPrivately(w, 'li', '/points'));
    expect(mine).toContain('2026年第4季度 25 分');
    expect(mine).toContain('累计 25 分');
    expect(await auditActions(w)).toEqual(expect.arrayContaining(['member.registered', 'member.confirmed', 'need.posted', 'need.claimed', 'need.served', 'need.confirmed']));
  });

  it('returns a service with a reason, and the asker rates it once confirmed', async () => {
    const clock = new Clock(new Date('2026-11-10T02:00:00Z'));
    const w = await makeWorld(database, { clock });
    await seedMembers(w);
    await confirmedMember(w, 'zhao');
    await say(w, 'alice', '/suggest 帮独居老人换灯泡');
    const id = needIdOf(await say(w, 'wg', '/need 给5号楼独居老人换灯泡 #1')); // a grid worker posts, for item #1
    const [need] = await database.db.select().from(s.needs).where(eq(s.needs.id, id));
    expect(need!.points).toBe(10); // the rules' default
    expect(need!.gridId).not.toBeNull();
    expect((await say(w, 'zhao', `/认领 ${id}`)).errorCode).toBeUndefined();
    await say(w, 'zhao', `/served ${id}`);
    const back = await say(w, 'staff', `/return ${id} 请补充照片`);
    expect(replyText(back)).toContain('请补充照片');
    expect((await say(w, 'staff', `/confirm ${id}`)).errorCode).toBe('NOTHING_SERVED');
    expect((await say(w, 'alice', `/needrate ${id} 1`)).errorCode).toBe('NEED_NOT_DONE');
    await say(w, 'zhao', `/served ${id} 1.5`);
    const ok = await say(w, 'staff', `/confirm ${id}`);
    expect(ok.replies[0]!.buttons?.[0]?.map((b) => b.data)).toEqual([`nr:${id}:1`, `nr:${id}:2`, `nr:${id}:3`]);
    expect((await press(w, 'zhao', `nr:${id}:1`)).errorCode).toBe('NOT_ASKER');
    const rated = await press(w, 'alice', `nr:${id}:2`);
    expect(rated.toast).toContain('基本满意');
    const [after] = await database.db.select().from(s.needs).where(eq(s.needs.id, id));
    expect(after!.rating).toBe(2);
    expect(await balance(w, 'zhao')).toBe(20);
  });

  it('refuses non-members, full needs, past dates and the wrong people with one clear reply that changes nothing', async () => {
    const clock = new Clock(new Date('2026-11-10T02:00:00Z'));
    const w = await makeWorld(database, { clock });
    await seedMembers(w);
    await confirmedMember(w, 'a1');
    await confirmedMember(w, 'a2');
    await start(w, 'nobody');
    await say(w, 'nobody', '/help');
    const id = needIdOf(await say(w, 'staff', '/need 打扫楼道 5 by 2026-11-11 1'));
    await say(w, 'a1', `/claim ${id}`);

    const cases: Array<[string, () => ReturnType<typeof say>, string]> = [
      ['a non-member claims', () => press(w, 'nobody', `c:${id}`), 'NOT_PARTY_MEMBER'],
      ['a non-member claims by text', () => say(w, 'nobody', `/claim ${id}`), 'NOT_PARTY_MEMBER'],
      ['a member claims a full need', () => press(w, 'a2', `c:${id}`), 'NEED_FULL'],
      ['an unknown need', () => say(w, 'a2', '/claim 99999'), 'UNKNOWN_NEED'],
      ['a forged button', () => press(w, 'a2', 'c:abc'), 'BAD_BUTTON'],
      ['a resident posts a need', () => say(w, 'nobody', '/need 帮忙'), 'NOT_STAFF'],
      ['a need dated in the past', () => say(w, 'staff', '/need 帮忙 by 2026-11-09'), 'BAD_DATE'],
      ['a need without text', () => say(w, 'staff', '/need 5 by 2026-12-01'), 'EMPTY_TEXT'],
      ['a need with too many places', () => say(w, 'staff', '/need 帮忙 5 by 2026-12-01 500'), 'BAD_NUMBER'],
      ['served by somebody who did not claim', () => say(w, 'a2', `/served ${id}`), 'NOT_CLAIMER'],
      ['served with silly hours', () => say(w, 'a1', `/served ${id} 30`), 'BAD_NUMBER'],
      ['confirm by a resident', () => say(w, 'a1', `/confirm ${id}`), 'NOT_STAFF'],
      ['confirm with nothing served', () => say(w, 'staff', `/confirm ${id}`), 'NOTHING_SERVED'],
      ['confirm-member of nobody', () => say(w, 'staff', '/confirm-member 查无此人'), 'UNKNOWN_MEMBER'],
      ['confirm-member twice', () => say(w, 'staff', '/confirm-member a1'), 'ALREADY_CONFIRMED'],
      ['confirm-member by a resident', () => say(w, 'a1', '/confirm-member a2'), 'NOT_STAFF'],
      ['register in the group', () => say(w, 'nobody', `/register ${w.slug} 物业公司`), 'PRIVATE_ONLY'],
      ['register to an unknown community', () => sayPrivately(w, 'nobody', '/register nosuchplace 物业公司'), 'UNKNOWN_COMMUNITY'],
      ['register again once confirmed', () => sayPrivately(w, 'a1', `/register ${w.slug} 另一个单位`), 'ALREADY_MEMBER'],
      ['points in the group', () => say(w, 'a1', '/points'), 'PRIVATE_ONLY'],
      ['ranking by a resident', () => say(w, 'a1', '/ranking'), 'NOT_STAFF'],
      ['ranking in a group that keeps it private', () => say(w, 'staff', '/ranking'), 'RANKING_NOT_PUBLIC'],
      ['ranking privately by a resident', () => sayPrivately(w, 'a1', '/ranking'), 'NOT_STAFF'],
      ['rating by somebody who did not ask', () => say(w, 'a1', `/needrate ${id} 1`), 'NOT_ASKER'],
    ];
    for (const [what, run, code] of cases) {
      const before = await fullSnapshot(database);
      const out = await run();
      expect(out.errorCode, what).toBe(code);
      expect(replyText(out) || out.toast, what).toBeTruthy();
      expect(await fullSnapshot(database), what).toBe(before);
    }

    // After the date the need can no longer be claimed (a place freed or not).
    clock.advance(2 * 24 * H);
    const before = await fullSnapshot(database);
    expect((await press(w, 'a2', `c:${id}`)).errorCode).toBe('NEED_PAST_DUE');
    expect(await fullSnapshot(database)).toBe(before);
  });

  it('reminds the grid of an unclaimed need, the claimer after the date, and deducts an abandoned claim once', async () => {
    const clock = new Clock(new Date('2026-11-10T02:00:00Z'));
    const w = await makeWorld(database, { clock });
    await seedMembers(w);
    await confirmedMember(w, 'qian');
    await confirmedMember(w, 'sun');
    const id = needIdOf(await say(w, 'staff', '/need 陪老人复诊 8 by 2026-11-12 2'));
    const due = new Date('2026-11-12T16:00:00Z').getTime();
    await press(w, 'qian', `c:${id}`);
    const run = (now: Date) => ({ db: database.db, now, tz: 'Asia/Shanghai', reachable: () => true });

    const plan = await planNeedJobs(database.db, clock.now(), id);
    expect(plan.map((j) => [j.id, j.at])).toEqual([
      [`need-unclaimed-${id}-${due}`, due - 36 * H],
      [`need-late-${id}-${due}`, due],
      [`need-abandon-${id}-${due}`, due + 48 * H],
    ]);

    // Noon the day before: the grid's members who have not claimed hear of the free place.
    const unclaimed = await needStep(run(new Date(due - 36 * H)), id, 'unclaimed', due);
    expect(unclaimed.note).toBe('reminded 1');
    expect((await outboxTo(database, dm(w, 'sun'))).some((m) => m.text.includes(`需求 N${id}`))).toBe(true);
    expect((await needStep(run(new Date(due - 30 * H)), id, 'unclaimed', due)).note).toBe('already reminded');

    // After the date the claimer is reminded; before the grace is over nothing is deducted.
    expect((await needStep(run(new Date(due + H)), id, 'late', due)).note).toBe('reminded 1');
    expect((await outboxTo(database, dm(w, 'qian'))).some((m) => m.text.includes(`已服务 N${id}`))).toBe(true);
    expect((await needStep(run(new Date(due + 47 * H)), id, 'abandon', due)).note).toBe('not yet due');
    expect(await balance(w, 'qian')).toBe(10);

    const abandoned = await needStep(run(new Date(due + 48 * H)), id, 'abandon', due);
    expect(abandoned.note).toBe('abandoned 1');
    expect(await balance(w, 'qian')).toBe(5);
    expect((await needStep(run(new Date(due + 49 * H)), id, 'abandon', due)).note).toBe('nothing open');
    expect(await balance(w, 'qian')).toBe(5);
    const [claim] = await database.db.select().from(s.needClaims).where(eq(s.needClaims.needId, id));
    expect(claim!.status).toBe('abandoned');
    expect((await sayPrivately(w, 'qian', `/served ${id}`)).errorCode).toBe('CLAIM_ABANDONED');
    expect(await planNeedJobs(database.db, new Date(due + 49 * H), id)).toEqual([]);
  });
});
