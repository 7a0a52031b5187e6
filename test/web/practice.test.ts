/** Street and district views side by side, and the supervision committee: read-only pages, objections, results privately. */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { freshDatabase } from '../support/services.js';
import type { Database } from '../../src/db/client.js';
import * as s from '../../src/db/schema.js';
import { importData, importFileSchema } from '../../src/admin/import.js';
import { areaOverview } from '../../src/consultation/area-stats.js';
import { nodeBySlug } from '../../src/org/tree.js';
import { grantRole } from '../../src/people/roles.js';
import { Clock, makeWorld, replyText, say, snapshot, uid } from '../core/helpers.js';
import { dm, outboxTo, sayPrivately, seedTree, start } from '../whistle/support.js';
import { Browser, linkFor, webApp } from './support.js';

const DAY = 86400e3;

describe('street views and supervisors', () => {
  let database: Database;
  beforeAll(async () => {
    database = await freshDatabase();
  });
  afterAll(async () => {
    await database.close();
  });

  it('shows a street its two communities side by side, privately with /stats and read-only on the page', async () => {
    const clock = new Clock(new Date('2026-11-10T02:00:00Z'));
    const a = await makeWorld(database, { clock });
    const b = await makeWorld(database, { clock });
    const { street } = await seedTree(a);
    const [cb] = await database.db.select().from(s.communities).where(eq(s.communities.id, b.communityId));
    await importData(database.db, importFileSchema.parse({ communities: [{ slug: cb!.slug, name: cb!.name, parent: street }] }), clock.now(), 'Asia/Shanghai');
    await database.db.update(s.communities).set({ name: '乙社区' }).where(eq(s.communities.id, b.communityId));
    await database.db.update(s.communities).set({ name: '甲社区' }).where(eq(s.communities.id, a.communityId));

    await say(a, '张三', '/suggest 东门路灯不亮');
    await say(a, '李四', '/suggest 垃圾站太臭');
    await say(a, 'staff', '/agenda 2');
    await say(b, '王五', '/suggest 健身器材坏了');
    const [m] = await database.db
      .insert(s.meetings)
      .values({ communityId: a.communityId, quarter: '2026Q4', startsAt: new Date('2026-11-01T11:00:00Z'), place: '活动室', status: 'held', minutes: '开了' })
      .returning();
    expect(m).toBeDefined();
    clock.advance(8 * DAY); // past the default answer time of 7 days

    const rows = await areaOverview(database.db, (await nodeBySlug(database.db, street))!, clock.now(), 'Asia/Shanghai');
    const by = (name: string) => rows.find((r) => r.community.name === name)!;
    expect(rows.map((r) => r.community.name)).toEqual(['乙社区', '甲社区']);
    expect(by('甲社区').stats.stages).toEqual({ raised: 1, on_agenda: 1 });
    expect(by('甲社区').stats.unanswered).toEqual([1]);
    expect(by('甲社区').stats.quarters).toEqual([{ quarter: '2026Q4', met: true, running: true }]);
    expect(by('乙社区').stats.stages).toEqual({ raised: 1 });
    expect(by('乙社区').stats.unanswered).toEqual([1]);
    expect(by('乙社区').stats.quarters.map((q) => q.met)).toEqual([false]);
    expect(by('甲社区').whistles.received).toBe(0);

    const text = replyText(await sayPrivately(a, 'jd', '/stats'));
    expect(text).toContain('甲社区：');
    expect(text).toContain('乙社区：');
    expect(text).toContain('协商议事会已召开季度 1/1');
    expect(text).toContain('协商议事会已召开季度 0/1');
    await start(a, '张三');
    expect((await sayPrivately(a, '张三', '/stats')).errorCode).toBe('NOT_AREA_STAFF');

    const jd = new Browser(webApp(a));
    await jd.signIn(await linkFor(a, 'jd'));
    const page = await jd.request(`/o/${street}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(`href="/c/${a.slug}"`);
    expect(html).toContain(`href="/c/${b.slug}"`);
    expect(html).toContain('甲社区');
    const board = await jd.request(`/c/${b.slug}`);
    expect(board.status).toBe(200);
    expect(await board.text()).toContain('未召开协商议事会的季度');
    const item = await (await jd.request(`/c/${a.slug}/items/2`)).text();
    expect(item).not.toContain('<form method="post"');
    const before = await snapshot(database);
    const post = await jd.request(`/c/${a.slug}/items/1/progress`, { form: { percent: '10', text: 'x', _csrf: 'x' } });
    expect([403]).toContain(post.status);
    expect(await snapshot(database)).toBe(before);
    const xlsx = await jd.request(`/o/${street}/export.xlsx`);
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers.get('content-type')).toContain('spreadsheetml');

    // Staff of a community, not of the street: no street view.
    const staff = new Browser(webApp(a));
    await staff.signIn(await linkFor(a, 'staff'));
    expect((await staff.request(`/o/${street}`)).status).toBe(403);
    expect((await staff.request(`/c/${b.slug}`)).status).toBe(403);
  });

  it("gives a supervisor read-only pages with each item's history, records an objection for staff and the notice, and sends every result privately", async () => {
    const w = await makeWorld(database);
    const [c] = await database.db.select().from(s.communities).where(eq(s.communities.id, w.communityId));
    await start(w, 'staff');
    await start(w, 'jian');
    await say(w, 'jian', '/help');
    await grantRole(database.db, c!, { platform: 'telegram', platformUserId: uid(w, 'jian') }, 'supervisor');
    await say(w, '张三', '/suggest 更换小区大门');
    await say(w, 'staff', '/poll 1');

    const before = await snapshot(database);
    const refused = await say(w, '张三', '/objection 1 不同意');
    expect(refused.errorCode).toBe('NOT_SUPERVISOR');
    expect((await say(w, 'jian', '异议 99 无此事')).errorCode).toBe('UNKNOWN_SUGGESTION');
    expect(await snapshot(database)).toBe(before);

    expect(replyText(await say(w, 'jian', '异议 1 表决前未公示大门的报价'))).toContain('异议已记录');
    const [o] = await database.db.select().from(s.objections).where(eq(s.objections.communityId, w.communityId));
    expect(o!.text).toBe('表决前未公示大门的报价');
    expect((await outboxTo(database, dm(w, 'staff'))).some((m) => m.text.includes('表决前未公示大门的报价'))).toBe(true);

    await say(w, '张三', '/vote 1 1');
    await say(w, 'staff', '/close 1');
    expect((await outboxTo(database, dm(w, 'jian'))).some((m) => m.text.includes('#1') && m.text.includes('同意 1'))).toBe(true);

    const jian = new Browser(webApp(w));
    await jian.signIn(await linkFor(w, 'jian'));
    expect((await jian.request(`/c/${w.slug}`)).status).toBe(200);
    const item = await (await jian.request(`/c/${w.slug}/items/1`)).text();
    expect(item).toContain('表决前未公示大门的报价');
    expect(item).toContain('id="history"');
    expect(item).not.toContain('<form method="post"');
    const csrf = await jian.csrf(`/c/${w.slug}/items/1`).catch(() => 'none');
    const post = await jian.request(`/c/${w.slug}/items/1/close`, { form: { _csrf: csrf } });
    expect(post.status).toBe(403);
    const notice = await jian.request(`/c/${w.slug}/items/1/notice.pdf`);
    expect(notice.status).toBe(200);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'yishi-notice-')), 'notice.pdf');
    fs.writeFileSync(file, new Uint8Array(await notice.arrayBuffer()));
    expect(execFileSync('pdftotext', [file, '-']).toString('utf8').replace(/\s+/g, '')).toContain('表决前未公示大门的报价');
  });
});
