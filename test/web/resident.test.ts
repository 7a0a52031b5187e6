/**
 * The resident pages in-process on a real database: personal links and sessions, every action through
 * the chat command's use case (exactly once, one ballot per person whichever way in), and every refusal:
 * a clear message on the page and nothing changed.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { revokeSessionsCommand } from '../../src/admin/web-cli.js';
import { freshDatabase } from '../support/services.js';
import { makeWorld, say, type World } from '../core/helpers.js';
import { Browser, webApp } from './support.js';
import { enter, fingerprint, formOf, personalLink } from './resident-support.js';

let database: Database;
beforeAll(async () => {
  database = await freshDatabase();
});
afterAll(async () => {
  await database?.close();
});

const app = (w: World) => webApp(w, { core: w.core });

async function resident(w: World, who: string): Promise<Browser> {
  const b = new Browser(app(w));
  const res = await enter(b, await personalLink(w, who));
  expect(res.status).toBe(303);
  return b;
}

/** An item with its vote open (ann raised it, staff opened the vote). */
async function voting(w: World): Promise<void> {
  await say(w, 'ann', '/suggest 东门路灯坏了，晚上很黑');
  await say(w, 'staff', '/poll 1');
}

const ballots = async () => (await database.db.execute(sql`select person_id, choice from ballots order by person_id`)) as unknown as { person_id: number; choice: number }[];

describe('resident sessions', () => {
  it('opens a session from a personal link sent privately on /page (议事厅), once; the link is not a staff sign-in', async () => {
    const w = await makeWorld(database);
    const token = await personalLink(w, 'ann');
    const b = new Browser(app(w));
    expect(await (await b.request(`/page/${token}`)).text()).toContain('进入议事厅');
    const res = await enter(b, token);
    expect(res.status).toBe(303);
    expect([...b.cookies.keys()]).toEqual(['yishi_resident']);
    expect((await b.request(`/v/${w.slug}`)).status).toBe(200);
    // Not a staff session: the staff page still asks to sign in.
    expect((await b.request(`/c/${w.slug}`)).status).toBe(401);
    // Used once: a second browser gets the clear "used" page.
    const again = await new Browser(app(w)).request(`/page/${token}`);
    expect(again.status).toBe(410);
    expect(await again.text()).toContain('已经用过');
    // The Chinese alias works privately too, and in a group it is refused (privately only).
    const alias = await w.core.handle({ platform: w.platform, chat: { platformChatId: 'p-x', kind: 'private' }, sender: { platformUserId: 'x', displayName: 'x' }, text: '议事厅' });
    expect(alias.replies[0]?.text).toMatch(/\/page\//);
    expect((await say(w, 'ann', '/page')).errorCode).toBe('PRIVATE_ONLY');
  });

  it('refuses an expired or unknown personal link, and `sessions revoke` ends resident sessions', async () => {
    const w = await makeWorld(database);
    const token = await personalLink(w, 'bo');
    w.clock.advance(25 * 3600e3);
    const late = await new Browser(app(w)).request(`/page/${token}`);
    expect(late.status).toBe(410);
    expect(await late.text()).toContain('过期');
    expect((await new Browser(app(w)).request('/page/not-a-link')).status).toBe(410);
    w.clock.advance(-25 * 3600e3);
    const b = await resident(w, 'cy');
    const lines: string[] = [];
    await revokeSessionsCommand(database, undefined, w.clock.now(), (l) => lines.push(l));
    expect(lines[0]).toMatch(/resident session/);
    expect((await b.request('/v')).status).toBe(401);
  });

  it('lists open items only: an item merged into another (/merge) is not listed, the one it went into is', async () => {
    const w = await makeWorld(database);
    await say(w, 'ann', '/suggest 东门路灯坏了，晚上很黑');
    await say(w, 'bo', '/suggest 东门的路灯不亮了');
    expect((await say(w, 'staff', '/merge 2 1')).errorCode).toBeUndefined();
    const html = await (await new Browser(app(w)).request(`/v/${w.slug}`)).text();
    expect(html).toContain(`/v/${w.slug}/1"`);
    expect(html).not.toContain(`/v/${w.slug}/2"`);
    // The merged item itself still opens, saying so.
    expect(await (await new Browser(app(w)).request(`/v/${w.slug}/2`)).text()).toContain('已合并');
  });

  it('without a session explains how to get one and shows no form', async () => {
    const w = await makeWorld(database);
    await voting(w);
    const b = new Browser(app(w));
    for (const p of ['/v', `/v/${w.slug}`, `/v/${w.slug}/new`, `/v/${w.slug}/1`]) {
      const html = await (await b.request(p)).text();
      expect(html, p).toContain('议事厅');
      expect(html, p).not.toContain('<form');
    }
    const posted = await b.request(`/v/${w.slug}/1/vote`, { form: { kind: 'vote', choice: '1', _csrf: 'x', _once: 'y'.repeat(20) } });
    expect(posted.status).toBe(401);
  });
});

describe('resident actions', () => {
  it('votes and changes the one ballot of a person who pressed in the group, across linked identities', async () => {
    const w = await makeWorld(database);
    await voting(w);
    await say(w, 'bo', '/vote 1 2');
    // bo links a WeChat Official Account identity to their Telegram one, then votes on the page from it.
    const code = /([A-Z0-9]{6,})/.exec((await say(w, 'bo', '/link')).replies[0]!.text)![1]!;
    await w.core.handle({ platform: 'wechat-mp', chat: { platformChatId: 'oBo', kind: 'private' }, sender: { platformUserId: 'oBo', displayName: '微信用户oBo' }, text: `/link ${code}` });
    const b = new Browser(app(w));
    const out = await w.core.handle({ platform: 'wechat-mp', chat: { platformChatId: 'oBo', kind: 'private' }, sender: { platformUserId: 'oBo', displayName: '微信用户oBo' }, text: '/page' });
    await enter(b, /\/page\/([A-Za-z0-9_-]+)/.exec(out.replies[0]!.text)![1]!);
    const page = `/v/${w.slug}/1`;
    expect(await (await b.request(page)).text()).toContain('你的选择：反对');
    const form = await formOf(b, page, `${page}/vote`);
    const res = await b.request(`${page}/vote`, { form: { ...form, kind: 'vote', choice: '1' } });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`${page}?ok=vote`);
    const html = await (await b.request(page)).text();
    expect(html).toContain('你的选择：同意');
    expect(html).toContain('同意 1 · 反对 0 · 弃权 0');
    expect((await ballots()).filter((r) => r.choice === 1)).toHaveLength(1);
    const audit = (await database.db.execute(sql`select action from audit_log where action like 'ballot.%' order by id`)) as unknown as { action: string }[];
    expect(audit.map((a) => a.action).slice(-2)).toEqual(['ballot.cast', 'ballot.changed']);
    // The same form sent again (a double tap): nothing more happens.
    const before = await fingerprint(database);
    const twice = await b.request(`${page}/vote`, { form: { ...form, kind: 'vote', choice: '3' } });
    expect(await twice.text()).toContain('已经办理过');
    expect(await fingerprint(database)).toBe(before);
  });

  it('supports, comments and raises a suggestion through the chat use cases, each with its audit row', async () => {
    const w = await makeWorld(database);
    await say(w, 'ann', '/suggest 小区门口积水');
    const b = await resident(w, 'dee');
    const page = `/v/${w.slug}/1`;
    expect((await b.request(`${page}/support`, { form: await formOf(b, page, `${page}/support`) })).status).toBe(303);
    expect(await (await b.request(page)).text()).toContain('你已附议');
    expect((await b.request(`${page}/comment`, { form: { ...(await formOf(b, page, `${page}/comment`)), text: '同意，下雨天很难走' } })).status).toBe(303);
    expect(await (await b.request(page)).text()).toContain('下雨天很难走');
    const made = await b.request(`/v/${w.slug}/new`, { form: { ...(await formOf(b, `/v/${w.slug}/new`, `/v/${w.slug}/new`)), text: '增加垃圾分类指导' } });
    expect(made.headers.get('location')).toBe(`/v/${w.slug}/2?ok=suggest`);
    const actions = (await database.db.execute(sql`select action from audit_log where community_id = ${w.communityId} order by id`)) as unknown as { action: string }[];
    expect(actions.map((a) => a.action)).toEqual(expect.arrayContaining(['suggestion.supported', 'comment.added', 'suggestion.raised']));
  });

  it('refuses bad input with one clear message and changes nothing', async () => {
    const w = await makeWorld(database);
    await voting(w);
    const b = await resident(w, 'eve');
    const page = `/v/${w.slug}/1`;
    const vote = await formOf(b, page, `${page}/vote`);
    const comment = await formOf(b, page, `${page}/comment`);
    const fresh = async (action: string, path = page) => formOf(b, path, action);
    const cases: [string, string, Record<string, string>, number, RegExp][] = [
      ['no CSRF token', `${page}/vote`, { ...vote, _csrf: 'forged', kind: 'vote', choice: '1' }, 403, /过期/],
      ['no one-time token', `${page}/vote`, { ...vote, _once: '', kind: 'vote', choice: '1' }, 403, /过期/],
      ['a choice not on the ballot', `${page}/vote`, { ...(await fresh(`${page}/vote`)), kind: 'vote', choice: '9' }, 400, /选项/],
      ['an empty comment', `${page}/comment`, { ...comment, text: '   ' }, 400, /请写上内容/],
      ['a comment too long', `${page}/comment`, { ...(await fresh(`${page}/comment`)), text: '长'.repeat(501) }, 400, /太长/],
      ['a suggestion of spaces', `/v/${w.slug}/new`, { ...(await fresh(`/v/${w.slug}/new`, `/v/${w.slug}/new`)), text: ' \u3000 ' }, 400, /请写上内容/],
      ['a support of an item being voted on', `${page}/support`, { ...(await fresh(`${page}/comment`)) }, 400, /表决中|阶段/],
    ];
    for (const [what, path, form, status, message] of cases) {
      const before = await fingerprint(database);
      const res = await b.request(path, { form });
      expect(res.status, what).toBe(status);
      expect(await res.text(), what).toMatch(message);
      expect(await fingerprint(database), what).toBe(before);
    }
    // A vote after the close.
    const late = await fresh(`${page}/vote`);
    await say(w, 'staff', '/close 1');
    const before = await fingerprint(database);
    const res = await b.request(`${page}/vote`, { form: { ...late, kind: 'vote', choice: '1' } });
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/已结束|已经结束|关闭/);
    expect(await fingerprint(database)).toBe(before);
    // Unknown items and communities, and numbers out of range: 404.
    for (const p of [`/v/${w.slug}/99`, '/v/no-such-place', `/v/${w.slug}/99999999999`, `/v/${w.slug}/abc`, '/v/x/1/2/3']) expect((await b.request(p)).status, p).toBe(404);
  });

  it("shows another community's item by slug guessing only as a resident sees it: counts, no voter names, no staff data", async () => {
    const w = await makeWorld(database);
    await voting(w);
    await say(w, 'zhangsan', '/vote 1 1');
    await say(w, 'lisi', '/vote 1 2');
    await say(w, 'staff', '/close 1');
    const other = await makeWorld(database);
    const b = await resident(other, 'stranger');
    const html = await (await b.request(`/v/${w.slug}/1`)).text();
    expect(html).toContain('同意 1 · 反对 1');
    expect(html).toContain('<svg');
    for (const secret of ['zhangsan', 'lisi', 'ballot.cast', 'poll.opened', '社工']) expect(html, secret).not.toContain(secret);
  });
});

describe('signed file links', () => {
  it('serves the result picture to a valid link, 404 to a tampered one and 410 once expired', async () => {
    const w = await makeWorld(database);
    await voting(w);
    await say(w, 'ann', '/vote 1 1');
    await say(w, 'staff', '/close 1');
    const b = new Browser(app(w));
    const html = await (await (await resident(w, 'ann')).request(`/v/${w.slug}/1`)).text();
    const link = /href="(\/f\/chart\/[^"]+)"/.exec(html)![1]!;
    const ok = await b.request(link);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toBe('image/png');
    expect((await b.request(link.replace(/\/([A-Za-z0-9_-])([A-Za-z0-9_-]{31})\.png$/, (_, c, rest) => `/${c === 'A' ? 'B' : 'A'}${rest}.png`))).status).toBe(404);
    expect((await b.request(link.replace('/chart/', '/notice/'))).status).toBe(404);
    w.clock.advance(31 * 24 * 3600e3);
    expect((await b.request(link)).status).toBe(410);
  });
});
