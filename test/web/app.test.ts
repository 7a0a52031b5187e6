import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { grantOperator } from '../../src/sessions/operators.js';
import { revokeSessions } from '../../src/sessions/sessions.js';
import { freshDatabase, tempDir } from '../support/services.js';
import { makeWorld, say, grantStaff, type World } from '../core/helpers.js';
import { auditActions, Browser, linkFor, webApp } from './support.js';

let database: Database;
beforeAll(async () => {
  database = await freshDatabase();
});
afterAll(async () => {
  await database?.close();
});

/** An item carried through a closed vote: approved, ready for progress. */
async function approvedItem(w: World): Promise<void> {
  await say(w, 'ann', '/suggest 东门路灯坏了');
  await say(w, 'staff', '/poll 1');
  for (const who of ['ann', 'bo', 'cy']) await say(w, who, '/vote 1 1');
  await say(w, 'dee', '/vote 1 2');
  await say(w, 'staff', '/close 1');
}

const pngSize = (b: Buffer) => ({ width: b.readUInt32BE(16), height: b.readUInt32BE(20), signature: b.subarray(1, 4).toString('latin1') });

describe('the staff web page', () => {
  it('shows nothing without a session: every page answers with the sign-in page', async () => {
    const w = await makeWorld(database);
    const b = new Browser(webApp(w));
    for (const p of ['/', `/c/${w.slug}`, `/c/${w.slug}/items/1`, `/c/${w.slug}/export.xlsx`, `/c/${w.slug}/calendar`, `/c/${w.slug}/whistles`, `/c/${w.slug}/points`, '/admin/queues']) {
      const res = await b.request(p);
      expect(res.status, p).toBe(401);
      expect(await res.text()).toContain('/web');
    }
    const post = await b.request(`/c/${w.slug}/items/1/progress`, { form: { percent: '10', text: 'x' } });
    expect(post.status).toBe(401);
  });

  it('signs a staff member in with a one-time link and sets a HttpOnly SameSite=Lax cookie', async () => {
    const w = await makeWorld(database);
    const token = await linkFor(w, 'staff');
    const b = new Browser(webApp(w));
    const res = await b.signIn(token);
    expect(res.status).toBe(303);
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('yishi_session='))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).not.toMatch(/Secure/);
    const board = await b.request(`/c/${w.slug}`);
    expect(board.status).toBe(200);
    expect(await board.text()).toContain('测试社区');
    expect(await auditActions(w)).toEqual(expect.arrayContaining(['web.link_sent', 'web.signed_in']));
  });

  it('marks the cookie Secure when the page is served over https', async () => {
    const w = await makeWorld(database);
    const { config } = await import('../core/helpers.js');
    const b = new Browser(webApp(w, { config: { ...config, YISHI_WEB_URL: 'https://yishi.example.org' } }));
    const res = await b.signIn(await linkFor(w, 'staff'));
    expect(res.headers.getSetCookie().find((c) => c.startsWith('yishi_session='))).toMatch(/Secure/);
  });

  it('refuses /web to a resident', async () => {
    const w = await makeWorld(database);
    await say(w, 'ann', '/help');
    await expect(linkFor(w, 'ann')).rejects.toMatchObject({ code: 'NOT_STAFF' });
  });

  it('says clearly when a link was used already, has expired or is unknown', async () => {
    const w = await makeWorld(database);
    const token = await linkFor(w, 'staff');
    expect((await new Browser(webApp(w)).signIn(token)).status).toBe(303);
    const again = await new Browser(webApp(w)).request(`/signin/${token}`);
    expect(again.status).toBe(410);
    expect(await again.text()).toContain('已经用过');

    const late = await linkFor(w, 'staff');
    w.clock.advance(11 * 60e3);
    const expired = await new Browser(webApp(w)).request(`/signin/${late}`);
    expect(expired.status).toBe(410);
    expect(await expired.text()).toContain('过期');
    const unknown = await new Browser(webApp(w)).request('/signin/not-a-real-token');
    expect(unknown.status).toBe(410);
    expect(await unknown.text()).toContain('无效');
  });

  it('refuses a sign-in without the form token and limits sign-in attempts', async () => {
    const w = await makeWorld(database);
    const token = await linkFor(w, 'staff');
    const b = new Browser(webApp(w, { signInAttempts: 3 }));
    const forged = await b.request('/signin', { form: { token } });
    expect(forged.status).toBe(403);
    await b.request('/signin/x1');
    await b.request('/signin/x2');
    const limited = await b.request('/signin/x3');
    expect(limited.status).toBe(429);
  });

  it('shows a community only to its staff (403 to staff of another)', async () => {
    const w = await makeWorld(database);
    const other = await makeWorld(database);
    const b = new Browser(webApp(w));
    await b.signIn(await linkFor(w, 'staff'));
    expect((await b.request(`/c/${other.slug}`)).status).toBe(403);
    expect((await b.request(`/c/${other.slug}/export.xlsx`)).status).toBe(403);
    expect((await b.request(`/c/${other.slug}/items/1`)).status).toBe(403);
    // A session whose person lost the staff role sees nothing any more.
    await database.db.execute(sql`update roles set role = 'resident' where community_id = ${w.communityId}`);
    expect((await b.request(`/c/${w.slug}`)).status).toBe(403);
  });

  it('reads the board: items by stage with age and supports, open polls with turnout, waiting items, satisfaction chart', async () => {
    const w = await makeWorld(database);
    await approvedItem(w);
    await say(w, 'ann', '/suggest 修健身器材');
    await say(w, 'bo', '/support 2');
    await say(w, 'ann', '/suggest 加装电梯');
    await say(w, 'staff', '/poll 3');
    await say(w, 'bo', '/vote 3 1');
    const b = new Browser(webApp(w));
    await b.signIn(await linkFor(w, 'staff'));
    w.clock.advance(3 * 24 * 3600e3);
    const html = await (await b.request(`/c/${w.slug}`)).text();
    expect(html).toContain('附议 1/2');
    expect(html).toContain('3 天');
    expect(html).toMatch(/参与 1\/\d+/);
    expect(html).toContain('还没有进度');
    expect(html).toContain('<svg');
    const item = await (await b.request(`/c/${w.slug}/items/1`)).text();
    expect(item).toContain('poll.closed');
    expect(item).toContain('suggestion.raised');
    const cal = await b.request(`/c/${w.slug}/calendar`);
    expect(cal.status).toBe(200);
  });

  it('posts progress, done and close through the chat use cases, each with its audit row and a message to the group (in the topic the item was raised in)', async () => {
    const w = await makeWorld(database);
    await approvedItem(w);
    await database.db.execute(sql`update suggestions set thread_id = '77' where community_id = ${w.communityId} and number = 1`);
    const closedBefore = (await auditActions(w)).filter((a) => a === 'poll.closed').length;
    const events: string[] = [];
    const b = new Browser(webApp(w, { notify: (es) => events.push(...es.map((e) => e.type)) }));
    await b.signIn(await linkFor(w, 'staff'));
    const noToken = await b.request(`/c/${w.slug}/items/1/progress`, { form: { percent: '40', text: '已招标' } });
    expect(noToken.status).toBe(403);
    const csrf = await b.csrf(`/c/${w.slug}/items/1`);
    const ok = await b.request(`/c/${w.slug}/items/1/progress`, { form: { percent: '40', text: '已招标', _csrf: csrf } });
    expect(ok.status).toBe(303);
    const bad = await b.request(`/c/${w.slug}/items/1/progress`, { form: { percent: '400', text: 'x', _csrf: csrf } });
    expect(bad.status).toBe(400);
    expect((await b.request(`/c/${w.slug}/items/1/done`, { form: { _csrf: csrf } })).status).toBe(303);
    await say(w, 'ann', '/rate 1 1');
    expect((await b.request(`/c/${w.slug}/items/1/close`, { form: { _csrf: csrf } })).status).toBe(303);
    const actions = await auditActions(w);
    expect(actions.filter((a) => a === 'progress.reported')).toHaveLength(1);
    expect(actions.filter((a) => a === 'poll.closed')).toHaveLength(closedBefore + 1);
    expect(events).toEqual(expect.arrayContaining(['poll.opened', 'poll.closed', 'outbox.queued']));
    const outbox = (await database.db.execute(sql`select dedupe_key, payload from outbound_messages where platform_chat_id = ${w.chatId} order by id`)) as unknown as { dedupe_key: string; payload: any }[];
    expect(outbox.map((o) => o.payload.text).join('\n')).toContain('40%');
    expect(outbox.find((o) => o.payload.text.includes('40%'))!.payload.threadId).toBe('77');
    const result = outbox.find((o) => o.dedupe_key.startsWith('poll-result-'))!;
    expect(result.payload.threadId).toBe('77');
    expect(result.payload.text).toContain('满意 1');
    expect(result.payload.attachment).toMatchObject({ kind: 'poll-chart' });
    const [{ stage }] = (await database.db.execute(sql`select stage from suggestions where community_id = ${w.communityId} and number = 1`)) as unknown as { stage: string }[];
    expect(stage).toBe('evaluated');
  });

  it('downloads the xlsx, the CSV for people, the result PNG and the 公示 PDF with the counts', async () => {
    const w = await makeWorld(database);
    await approvedItem(w);
    const b = new Browser(webApp(w));
    await b.signIn(await linkFor(w, 'staff'));
    const x = await b.request(`/c/${w.slug}/export.xlsx`);
    expect(x.headers.get('content-type')).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await x.arrayBuffer()) as any);
    expect(wb.worksheets.map((s) => s.name)).toEqual(['事项', '表决', '满意度评价', '业主表决', '吹哨', '积分（个人）', '积分（单位）', '协商议事会（季度）']);
    expect(wb.getWorksheet('事项')!.getRow(1).getCell(1).value).toBe('编号');
    expect(String(wb.getWorksheet('表决')!.getRow(2).values)).toContain('同意 3');

    const csv = Buffer.from(await (await b.request(`/c/${w.slug}/export.csv`)).arrayBuffer());
    expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(csv.toString('utf8')).toContain('编号,阶段,内容');

    const html = await (await b.request(`/c/${w.slug}/items/1`)).text();
    const chart = /href="([^"]+chart\.png)"/.exec(html)![1]!;
    const png = Buffer.from(await (await b.request(chart)).arrayBuffer());
    expect(pngSize(png)).toEqual({ width: 640, height: 360, signature: 'PNG' });

    const pdf = Buffer.from(await (await b.request(`/c/${w.slug}/items/1/notice.pdf`)).arrayBuffer());
    const file = path.join(tempDir(), 'n.pdf');
    fs.writeFileSync(file, pdf);
    const text = execFileSync('pdftotext', [file, '-']).toString('utf8');
    expect(text).toContain('公 示');
    expect(text.replace(/\s+/g, ' ')).toMatch(/同意 3 反对 1 弃权 0/);
    expect(text).toContain('参与：4');
    expect(execFileSync('pdfinfo', [file]).toString()).toMatch(/Pages:\s+1/);
  });

  it('signs out and revokes sessions (yishi sessions revoke)', async () => {
    const w = await makeWorld(database);
    const b = new Browser(webApp(w));
    await b.signIn(await linkFor(w, 'staff'));
    const csrf = await b.csrf(`/c/${w.slug}`);
    expect((await b.request('/signout', { form: { _csrf: csrf } })).status).toBe(303);
    expect((await b.request(`/c/${w.slug}`)).status).toBe(401);
    const c = new Browser(webApp(w));
    await c.signIn(await linkFor(w, 'staff'));
    expect(await revokeSessions(database.db, {}, w.clock.now())).toBeGreaterThanOrEqual(1);
    expect((await c.request(`/c/${w.slug}`)).status).toBe(401);
  });

  it('lets an operator see the queue view and refuses its API from another origin', async () => {
    const w = await makeWorld(database);
    // The board is for operators only (test/web/security/queue-board.test.ts); staff are not enough.
    await grantOperator(database.db, { platform: 'telegram', platformUserId: `staff-${w.slug}` }, 'write', w.clock.now());
    const { Queue } = await import('bullmq');
    const { redisUrl, uniqueName } = await import('../support/services.js');
    const u = new URL(redisUrl());
    const q = new Queue(uniqueName('web'), { connection: { host: u.hostname, port: Number(u.port) } });
    try {
      const b = new Browser(webApp(w, { queues: [q] }));
      await b.signIn(await linkFor(w, 'staff'));
      const page = await b.request('/admin/queues');
      expect(page.status).toBe(200);
      const api = await b.request('/admin/queues/api/queues');
      expect(api.status).toBe(200);
      const forged = await b.request(`/admin/queues/api/queues/${q.name}/pause`, { method: 'PUT', headers: { origin: 'https://evil.example' } });
      expect(forged.status).toBe(403);
      await grantStaff(w, 'ann');
    } finally {
      await q.obliterate({ force: true }).catch(() => {});
      await q.close();
    }
  });
});
