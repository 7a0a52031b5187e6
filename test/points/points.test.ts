import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import type { Database } from '../../src/db/client.js';
import * as s from '../../src/db/schema.js';
import { setRules } from '../../src/points/rules.js';
import { periodRange, personStandings, unitStandings } from '../../src/points/standings.js';
import { freshDatabase, tempDir } from '../support/services.js';
import { Clock, makeWorld, replyText, say } from '../core/helpers.js';
import { runInProcess } from '../admin/run.js';
import { sayPrivately } from '../whistle/support.js';
import { balance, confirmedMember, fullSnapshot, needIdOf, seedMembers } from '../members/support.js';

const TZ = 'Asia/Shanghai';

describe('the points ledger', () => {
  let database: Database & { url: string };
  beforeAll(async () => { database = await freshDatabase(); });
  afterAll(async () => { await database.close(); });

  it('refuses UPDATE and DELETE of entries and rules: a correction is a new entry', async () => {
    const w = await makeWorld(database);
    await seedMembers(w);
    await confirmedMember(w, 'li');
    await database.db.transaction((tx) => setRules(tx, w.communityId, { register: 12 }, w.clock.now(), 'test'));
    const before = await fullSnapshot(database);
    const refusal = async (q: ReturnType<typeof sql>) => {
      try {
        await database.db.execute(q);
        return 'changed';
      } catch (e) {
        return String((e as { cause?: Error }).cause?.message ?? (e as Error).message);
      }
    };
    expect(await refusal(sql`update points_entries set points = 100 where community_id = ${w.communityId}`)).toMatch(/points_entries is append-only/);
    expect(await refusal(sql`delete from points_entries where community_id = ${w.communityId}`)).toMatch(/points_entries is append-only/);
    expect(await refusal(sql`update points_rules set register = 100 where community_id = ${w.communityId}`)).toMatch(/points_rules is append-only/);
    expect(await refusal(sql`delete from points_rules where community_id = ${w.communityId}`)).toMatch(/points_rules is append-only/);
    expect(await fullSnapshot(database)).toBe(before);

    const env = { DATABASE_URL: database.url, YISHI_DATA_DIR: tempDir(), YISHI_TZ: TZ };
    const [m] = await database.db.select().from(s.partyMembers).where(eq(s.partyMembers.communityId, w.communityId));
    const fixed = await runInProcess(['points', 'correct', w.slug, String(m!.id), '--points=-3', '重复计分更正'], env);
    expect(fixed.stderr).toBe('');
    expect(fixed.code).toBe(0);
    expect(await balance(w, 'li')).toBe(7);
    const entries = await database.db.select().from(s.pointsEntries).where(eq(s.pointsEntries.communityId, w.communityId));
    expect(entries.map((e) => [e.kind, e.points])).toEqual([['register', 10], ['correction', -3]]);
    const bad = await runInProcess(['points', 'correct', w.slug, '999999', '--points=5', 'x'], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('no party member');
  });

  it('ranks exactly across a quarter boundary in Asia/Shanghai, per person and per unit, and exports CSV for evaluations', async () => {
    // 2026-12-31 23:59 in Shanghai is still Q4; one minute later is 2027Q1.
    const clock = new Clock(new Date('2026-12-31T15:59:00Z'));
    const w = await makeWorld(database, { clock });
    await seedMembers(w);
    await confirmedMember(w, 'early');
    await confirmedMember(w, 'twin', '城管执法队');
    clock.advance(60e3);
    await confirmedMember(w, 'late', '某某科技公司'); // a typed unit
    const id = needIdOf(await say(w, 'staff', '/need 帮老人贴春联 7 by 2027-01-05 2'));
    await say(w, 'late', `/claim ${id}`);
    await say(w, 'late', `/served ${id} 1`);
    await say(w, 'staff', `/confirm ${id}`);

    const q4 = await personStandings(database.db, w.communityId, periodRange({ kind: 'quarter', quarter: '2026Q4' }, TZ));
    expect(q4.map((r) => [r.rank, r.name, r.points])).toEqual([[1, 'early', 10], [1, 'twin', 10], [3, 'late', 0]]);
    const q1 = await personStandings(database.db, w.communityId, periodRange({ kind: 'quarter', quarter: '2027Q1' }, TZ));
    expect(q1.map((r) => [r.rank, r.name, r.points])).toEqual([[1, 'late', 17], [2, 'early', 0], [2, 'twin', 0]]);
    const y2026 = await personStandings(database.db, w.communityId, periodRange({ kind: 'year', year: 2026 }, TZ));
    expect(y2026.find((r) => r.name === 'late')!.points).toBe(0);
    const units = await unitStandings(database.db, w.communityId, periodRange({ kind: 'year', year: 2027 }, TZ));
    expect(units.map((u) => [u.rank, u.name, u.points])).toEqual([[1, '某某科技公司', 17]]);

    const env = { DATABASE_URL: database.url, YISHI_DATA_DIR: tempDir(), YISHI_TZ: TZ };
    const csv = await runInProcess(['points', 'export', w.slug, '--quarter', '2026Q4'], env);
    expect(csv.code).toBe(0);
    expect(csv.stdout.startsWith('\uFEFF排名,姓名,报到编号,网格,工作单位/党组织')).toBe(true);
    const lines = csv.stdout.trim().split('\r\n');
    expect(lines).toHaveLength(4);
    expect(lines[1]).toMatch(/^1,early,\d+,一网格,物业公司,10,0,0,0,0,10,0,0,2026Q4$/);
    expect(lines[3]).toMatch(/^3,late,/);
    const q1csv = await runInProcess(['points', 'export', w.slug, '--quarter', '2027Q1'], env);
    expect(q1csv.stdout).toMatch(/\r\n1,late,\d+,一网格,某某科技公司,10,7,0,0,0,17,1,1,2027Q1\r\n/);
    const byUnit = await runInProcess(['points', 'export', w.slug, '--year', '2026', '--units'], env);
    expect(byUnit.stdout).toContain('\uFEFF排名,单位,合计积分');
    expect(byUnit.stdout).toContain('1,城管执法队,10,10,1,2026');
    expect((await runInProcess(['points', 'export', w.slug, '--quarter', '2026Q5'], env)).code).toBe(1);

    const list = await runInProcess(['members', w.slug], env);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain('3 confirmed party member(s)');
    expect(list.stdout).toContain('unit: 某某科技公司 (typed, not a registered unit)');
  });

  it('gives a unit points for a whistle answered on time, none when late; rankings show in the group only where allowed', async () => {
    const clock = new Clock(new Date('2026-11-10T02:00:00Z'));
    const w = await makeWorld(database, { clock });
    await seedMembers(w);
    await say(w, 'alice', '/suggest 路灯坏了');
    await say(w, 'alice', '/suggest 垃圾没清');
    await say(w, 'staff', '/whistle 1 物业公司 2h');
    await say(w, 'staff', '/whistle 2 城管执法队 1h');
    clock.advance(3600e3);
    expect((await sayPrivately(w, 'wy', '/answer 1 已修好')).errorCode).toBeUndefined();
    clock.advance(8 * 24 * 3600e3); // past the 7-day answer deadline
    expect((await sayPrivately(w, 'cg', '/answer 2 已清理')).errorCode).toBeUndefined();
    const entries = await database.db.select().from(s.pointsEntries).where(eq(s.pointsEntries.communityId, w.communityId));
    expect(entries.map((e) => [e.kind, e.unitName, e.points, e.personId])).toEqual([['whistle', '物业公司', 5, null]]);

    const env = { DATABASE_URL: database.url, YISHI_DATA_DIR: tempDir(), YISHI_TZ: TZ };
    expect((await say(w, 'staff', '/ranking 2026Q4 units')).errorCode).toBe('RANKING_NOT_PUBLIC');
    const private1 = await sayPrivately(w, 'staff', '/ranking 2026Q4 units');
    expect(replyText(private1)).toContain('1. 物业公司 5 分');
    const rules = await runInProcess(['points', 'rules', w.slug, '--ranking-in-group', 'yes', '--ranking-top', '3'], env);
    expect(rules.code).toBe(0);
    expect(rules.stdout).toContain('ranking in the group yes (top 3)');
    // The CLI's row counts from the real now; the world's clock is earlier, so the same rule from then too.
    await database.db.transaction((tx) => setRules(tx, w.communityId, { rankingInGroup: true, rankingTop: 3 }, clock.now(), 'test'));
    const shown = await say(w, 'staff', '/排名 2026Q4 units');
    expect(shown.errorCode).toBeUndefined();
    expect(replyText(shown)).toContain('1. 物业公司 5 分');
    expect((await runInProcess(['points', 'rules', w.slug, '--ranking-in-group', 'maybe'], env)).code).toBe(1);
  });
});
