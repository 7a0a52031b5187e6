/**
 * An owners' vote in the exports (xlsx sheet, CSV table, JSON) and in the 公示 notice (/notice and the
 * item page): the four art. 278 figures with numerator/denominator, the outcome and the failed
 * thresholds; never an owner key or a ballot per unit.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import * as s from '../../src/db/schema.js';
import { checkRegisterCsv, importProperty, linkOwner } from '../../src/admin/property.js';
import { freshDatabase, tempDir } from '../support/services.js';
import { makeWorld, press, say, uid, type World } from '../core/helpers.js';
import { runInProcess } from '../admin/run.js';
import { Browser, linkFor, webApp } from '../web/support.js';

// 3 owners × 100 m² (owner A holds two units of 50 m²): A agrees, B is against, C stays away.
// Participation 200.00/300.00 m² and 2/3 owners (exactly two thirds: met); approval 100.00/200.00 and
// 1/2 (exactly half is not more than half): both approval thresholds fail.
const KEY_A = '110101199001011234';
const REGISTER = ['building,unit,area,owner', `1,101,50,${KEY_A}`, `1,102,50.00,${KEY_A}`, '1,103,100,13800000002', '1,104,100,13800000003'];

const pdfText = (bytes: Uint8Array) => {
  const file = path.join(tempDir(), 'notice.pdf');
  fs.writeFileSync(file, bytes);
  return { text: execFileSync('pdftotext', [file, '-']).toString('utf8'), pages: execFileSync('pdfinfo', [file]).toString() };
};

describe("an owners' vote in the exports and the 公示 notice", () => {
  let database: Database & { url: string };
  beforeAll(async () => {
    database = await freshDatabase();
  });
  afterAll(async () => {
    await database?.close();
  });

  async function decided(): Promise<World> {
    const w = await makeWorld(database);
    const [community] = await database.db.select().from(s.communities).where(eq(s.communities.id, w.communityId));
    const { rows, problems } = checkRegisterCsv(REGISTER.join('\n'));
    expect(problems).toEqual([]);
    await importProperty(database.db, community!, rows, 'test.csv', w.clock.now());
    const links: [string, string][] = [['a', KEY_A], ['b', '13800000002'], ['c', '13800000003']];
    for (const [who, key] of links) await linkOwner(database.db, community!, key, { platform: 'telegram', platformUserId: uid(w, who) }, w.clock.now());
    await say(w, 'resident', '/suggest 使用维修资金更换电梯');
    const opened = await say(w, 'staff', '/ownersvote 1 5');
    const voteId = Number(/^o:(\d+):1$/.exec(opened.replies[0]!.buttons![0]![0]!.data)![1]);
    expect((await press(w, 'a', `o:${voteId}:1`)).errorCode).toBeUndefined();
    expect((await press(w, 'b', `o:${voteId}:2`)).errorCode).toBeUndefined();
    expect((await say(w, 'staff', '/close 1')).errorCode).toBeUndefined();
    return w;
  }

  it('writes a sheet of owners\' votes with the four figures, the head counts, the outcome and what failed', async () => {
    const w = await decided();
    const env = { DATABASE_URL: database.url, YISHI_DATA_DIR: tempDir(), YISHI_TZ: 'Asia/Shanghai' };
    const out = path.join(tempDir(), 'x.xlsx');
    const r = await runInProcess(['export', w.slug, '--format', 'xlsx', '--out', out], env);
    expect(r.stderr).toContain('exported 1 suggestion(s)');
    expect(r.code).toBe(0);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(out);
    const ws = wb.getWorksheet('业主表决')!;
    const values = (n: number) => (ws.getRow(n).values as unknown[]).slice(1);
    expect(values(1)).toEqual(['编号', '内容', '表决事项', '状态', '开始时间', '截止时间', '结束时间', '参与表决面积（㎡）', '参与表决人数', '同意面积（㎡）', '同意人数',
      '同意（人）', '反对（人）', '弃权（人）', '结论', '未达到']);
    const row = values(2);
    expect(row.slice(0, 4)).toEqual([1, '使用维修资金更换电梯', '5. 使用建筑物及其附属设施的维修资金', '已结束']);
    expect(String(row[4])).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
    expect(row.slice(7)).toEqual(['200.00/300.00', '2/3', '100.00/200.00', '1/2', 1, 1, 0, '未通过', '同意面积、同意人数']);
    expect(ws.rowCount).toBe(2);
    // No owner key and no per-unit ballot anywhere in the workbook.
    const everything = wb.worksheets.flatMap((sh) => sh.getSheetValues().flat().map(String)).join('|');
    expect(everything).not.toContain(KEY_A);
    expect(everything).not.toContain('13800000002');

    // The same table as CSV for people, in English on request; and the JSON for machines.
    const csv = await runInProcess(['export', w.slug, '--format', 'csv', '--table', 'owners', '--lang', 'en'], env);
    expect(csv.code).toBe(0);
    expect(csv.stdout.startsWith('\uFEFFnumber,text,matter,status,opened at')).toBe(true);
    expect(csv.stdout).toContain('200.00/300.00,2/3,100.00/200.00,1/2,1,1,0,not passed,"agreeing area, agreeing owners"\r\n');
    const zh = await runInProcess(['export', w.slug, '--format', 'csv', '--table', 'owners'], env);
    expect(zh.stdout.startsWith('\uFEFF编号,内容,表决事项')).toBe(true);
    const bad = await runInProcess(['export', w.slug, '--format', 'csv', '--table', 'ballots'], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--table is items, owners, whistles, points, units');

    const json = JSON.parse((await runInProcess(['export', w.slug], env)).stdout);
    expect(json.ownersVotes).toEqual([
      expect.objectContaining({
        number: 1,
        matter: 5,
        status: 'closed',
        outcome: 'failed',
        heads: { agree: 1, against: 1, abstain: 0 },
        participationAreaHundredths: { num: 20000, den: 30000 },
        participationHeads: { num: 2, den: 3 },
        approvalAreaHundredths: { num: 10000, den: 20000 },
        approvalHeads: { num: 1, den: 2 },
        failed: ['approval.area', 'approval.heads'],
        passed: false,
      }),
    ]);
    expect(JSON.stringify(json)).not.toContain(KEY_A);
  });

  it('/notice and the item page give the 公示 of the owners\' decision with the art. 278 figures', async () => {
    const w = await decided();
    const out = await w.core.handle({
      platform: 'telegram',
      chat: { platformChatId: `p-${uid(w, 'staff')}`, kind: 'private' },
      sender: { platformUserId: uid(w, 'staff'), displayName: 'staff' },
      text: '/notice 1',
    });
    const reply = out.replies[0]!;
    expect(reply.attachment).toMatchObject({ kind: 'owners-notice' });
    const file = await w.core.renderAttachment!(reply.attachment!);
    expect(file).toMatchObject({ mime: 'application/pdf', filename: `${w.slug}-1-notice.pdf` });
    const { text, pages } = pdfText(file!.bytes);
    const flat = text.replace(/\s+/g, ' ');
    expect(flat).toContain('公 示');
    expect(flat).toContain('业主共同决定');
    expect(flat).toContain('第5项 使用建筑物及其附属设施的维修资金');
    expect(flat).toContain('参与表决面积：200.00/300.00 ㎡（要求 ≥ 2/3）（达到）');
    expect(flat).toContain('参与表决人数：2/3（要求 ≥ 2/3）（达到）');
    expect(flat).toContain('同意面积：100.00/200.00 ㎡（要求 > 1/2）（未达到）');
    expect(flat).toContain('同意人数：1/2（要求 > 1/2）（未达到）');
    expect(flat).toContain('未达到：同意面积、同意人数');
    expect(flat).toMatch(/同意 1 反对 1 弃权 0/);
    expect(flat).toContain('结果：未通过');
    expect(flat).not.toContain(KEY_A);
    expect(flat).not.toContain('101');
    expect(pages).toMatch(/Pages:\s+1/);

    const b = new Browser(webApp(w));
    await b.signIn(await linkFor(w, 'staff'));
    const html = await (await b.request(`/c/${w.slug}/items/1`)).text();
    expect(html).toContain('参与表决面积：200.00/300.00 ㎡');
    expect(html).toContain('同意 1 · 反对 1 · 弃权 0');
    expect(html).toContain(`/c/${w.slug}/items/1/notice.pdf`);
    const web = await b.request(`/c/${w.slug}/items/1/notice.pdf`);
    expect(web.headers.get('content-type')).toBe('application/pdf');
    expect(pdfText(new Uint8Array(await web.arrayBuffer())).text.replace(/\s+/g, ' ')).toContain('同意面积：100.00/200.00 ㎡');
    const sheet = await b.request(`/c/${w.slug}/export.csv?table=owners`);
    expect(await sheet.text()).toContain('200.00/300.00');
  });
});
