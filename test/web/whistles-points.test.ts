/**
 * Whistles and points on the staff page and in the exports: open and overdue whistles with unit, level
 * and deadlines; the quarter's ranking per person and per unit; the xlsx sheets and the CSV tables for
 * people (BOM, headers in the reader's language, local times).
 */
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { freshDatabase, tempDir } from '../support/services.js';
import { Clock, makeWorld, say, type World } from '../core/helpers.js';
import { runInProcess } from '../admin/run.js';
import { sayPrivately } from '../whistle/support.js';
import { confirmedMember, seedMembers } from '../members/support.js';
import { Browser, linkFor, webApp } from './support.js';

let database: Database & { url: string };
beforeAll(async () => {
  database = await freshDatabase();
});
afterAll(async () => {
  await database?.close();
});

/**
 * 2026-11-10 10:00 in Shanghai: li reports in with 物业公司 (10 points); two whistles: #1 to 物业公司
 * (2 h to report), answered an hour later on time (5 points to the unit); #2 to 城管执法队 (1 h to
 * report), neither reported nor answered: overdue three hours on.
 */
async function world(): Promise<World> {
  const clock = new Clock(new Date('2026-11-10T02:00:00Z'));
  const w = await makeWorld(database, { clock });
  await seedMembers(w);
  await confirmedMember(w, 'li');
  await say(w, 'alice', '/suggest 路灯坏了');
  await say(w, 'alice', '/suggest 垃圾没清');
  expect((await say(w, 'staff', '/whistle 1 物业公司 2h')).errorCode).toBeUndefined();
  expect((await say(w, 'staff', '/whistle 2 城管执法队 1h')).errorCode).toBeUndefined();
  clock.advance(3600e3);
  expect((await sayPrivately(w, 'wy', '/answer 1 已修好')).errorCode).toBeUndefined();
  clock.advance(2 * 3600e3);
  return w;
}

describe('whistles and points on the staff page and in the exports', () => {
  it('shows open and overdue whistles with unit, level and deadlines, and the whistle figures', async () => {
    const w = await world();
    const b = new Browser(webApp(w));
    await b.signIn(await linkFor(w, 'staff'));
    const board = await (await b.request(`/c/${w.slug}`)).text();
    expect(board).toContain(`href="/c/${w.slug}/whistles"`);
    const res = await b.request(`/c/${w.slug}/whistles`);
    expect(res.status).toBe(200);
    const html = await res.text();
    const open = /<section id="open-whistles">(.*?)<\/section>/s.exec(html)![1]!;
    expect(open).toContain('未答复的吹哨（1 件，其中超时 1 件）');
    expect(open).toContain('城管执法队');
    expect(open).toContain('报到截止 2026-11-10 11:00');
    expect(open).toContain('答复截止 2026-11-17 10:00');
    expect(open).toContain('超时');
    expect(open).not.toContain('物业公司');
    const all = /<section id="all-whistles">(.*?)<\/section>/s.exec(html)![1]!;
    expect(all).toContain('物业公司');
    expect(all).toContain('已答复 2026-11-10 11:00');
    expect(html).toContain('收到 2 件，按时报到 1 (50%)，按时答复 1 (50%)');
  });

  it('ranks the quarter per person and per unit on the page', async () => {
    const w = await world();
    const b = new Browser(webApp(w));
    await b.signIn(await linkFor(w, 'staff'));
    const html = await (await b.request(`/c/${w.slug}/points`)).text();
    expect(html).toContain('2026年第4季度 积分排名');
    const persons = /<section id="points-persons">(.*?)<\/section>/s.exec(html)![1]!;
    expect(persons).toMatch(/<td>1<\/td><td>li<\/td><td>\d+<\/td><td>一网格<\/td><td>物业公司<\/td><td>10<\/td>/);
    const units = /<section id="points-units">(.*?)<\/section>/s.exec(html)![1]!;
    // 物业公司: li's 10 and the whistle answered on time, 5.
    expect(units).toContain('<td>1</td><td>物业公司</td><td>15</td><td>10</td><td>1</td>');
    const other = await (await b.request(`/c/${w.slug}/points?quarter=2027Q1`)).text();
    expect(other).toContain('2027年第1季度 积分排名');
    expect(/<section id="points-units">(.*?)<\/section>/s.exec(other)![1]).toContain('暂无');
  });

  it('exports whistles with their local times and the quarter\'s points as xlsx sheets and CSV tables', async () => {
    const w = await world();
    const b = new Browser(webApp(w));
    await b.signIn(await linkFor(w, 'staff'));
    const x = await b.request(`/c/${w.slug}/export.xlsx`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await x.arrayBuffer()) as any);
    const rows = (name: string) => wb.getWorksheet(name)!.getSheetValues().slice(1).map((r) => (r as unknown[]).slice(1));
    const whistles = rows('吹哨');
    expect(whistles[0]).toEqual(['编号', '内容', '单位', '当前层级', '吹哨时间', '报到期限', '当前报到截止', '报到时间', '答复期限', '当前答复截止', '答复时间', '状态', '已超时', '答复内容']);
    expect(whistles[1]).toEqual([1, '路灯坏了', '物业公司', '社区', '2026-11-10 10:00', '2026-11-10 12:00', '2026-11-10 12:00', '2026-11-10 11:00', '2026-11-17 10:00',
      '2026-11-17 10:00', '2026-11-10 11:00', '已答复', '否', '已修好']);
    expect(whistles[2]).toEqual([2, '垃圾没清', '城管执法队', '社区', '2026-11-10 10:00', '2026-11-10 11:00', '2026-11-10 11:00', '', '2026-11-17 10:00',
      '2026-11-17 10:00', '', '进行中', '是', '']);
    const points = rows('积分（个人）');
    expect(points[0]![0]).toBe('排名');
    expect(points[1]).toEqual([1, 'li', expect.any(Number), '一网格', '物业公司', 10, 0, 0, 0, 0, 10, 0, 0, '2026Q4']);
    expect(rows('积分（单位）').slice(1)).toEqual([[1, '物业公司', 15, 10, 1, '2026Q4']]);

    const csv = Buffer.from(await (await b.request(`/c/${w.slug}/export.csv?table=whistles`)).arrayBuffer());
    expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = csv.toString('utf8');
    expect(text).toContain('编号,内容,单位,当前层级,吹哨时间');
    expect(text).toContain('\r\n2,垃圾没清,城管执法队,社区,2026-11-10 10:00,2026-11-10 11:00,2026-11-10 11:00,,2026-11-17 10:00,2026-11-17 10:00,,进行中,是,\r\n');
    expect(await (await b.request(`/c/${w.slug}/export.csv?table=units`)).text()).toContain('1,物业公司,15,10,1,2026Q4');
    expect((await b.request(`/c/${w.slug}/export.csv?table=ballots`)).status).toBe(404);

    // The CLI gives the same tables, headers in English with --lang en.
    const env = { DATABASE_URL: database.url, YISHI_DATA_DIR: tempDir(), YISHI_TZ: 'Asia/Shanghai' };
    const en = await runInProcess(['export', w.slug, '--format', 'csv', '--table', 'whistles', '--lang', 'en'], env);
    expect(en.code).toBe(0);
    expect(en.stdout.startsWith('\uFEFFnumber,text,unit,level now,whistled at,report due')).toBe(true);
    expect(en.stdout).toContain(',城管执法队,community,2026-11-10 10:00,');
    const pts = await runInProcess(['export', w.slug, '--format', 'csv', '--table', 'points', '--lang', 'en'], env);
    expect(pts.stdout.startsWith('\uFEFFrank,name,member number,grid')).toBe(true);
    expect((await runInProcess(['export', w.slug, '--format', 'xlsx', '--table', 'points'], env)).code).toBe(1);
  });
});
