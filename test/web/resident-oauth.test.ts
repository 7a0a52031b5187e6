/**
 * WeChat's web authorisation in-process, against the fake platform: a page opened inside WeChat without a
 * session goes to the authorize page (snsapi_base, state bound to the browser); the return opens a session
 * for `wechat-mp:<openid>`; a tampered, foreign or replayed state and a replayed or refused code are refused
 * with a clear page and open nothing.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { loadConfig } from '../../src/lib/config.js';
import { freshDatabase } from '../support/services.js';
import { FakeWechatMp, MP_APP_ID, MP_SECRET, MP_TOKEN } from '../support/fake-wechat-mp.js';
import { makeWorld, say, type World } from '../core/helpers.js';
import { Browser, webApp } from './support.js';

const WECHAT = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 MicroMessenger/8.0.50(0x1800322f) NetType/WIFI Language/zh_CN';
const BASE = 'https://yishi.example.org';

let database: Database;
let fake: FakeWechatMp;
beforeAll(async () => {
  database = await freshDatabase();
  fake = await FakeWechatMp.start();
});
afterAll(async () => {
  await fake?.close();
  await database?.close();
});

function app(w: World) {
  const config = loadConfig({
    YISHI_TZ: 'Asia/Shanghai',
    YISHI_WEB_URL: BASE,
    WECHAT_MP_APP_ID: MP_APP_ID,
    WECHAT_MP_APP_SECRET: MP_SECRET,
    WECHAT_MP_TOKEN: MP_TOKEN,
    WECHAT_MP_API_ROOT: fake.url,
    WECHAT_MP_OAUTH_ROOT: fake.url,
  } as NodeJS.ProcessEnv);
  return webApp(w, { config, core: w.core });
}

/** Opens `path` inside WeChat: the redirect to the authorize page, its state and the state cookie. */
async function authorize(b: Browser, path: string): Promise<{ state: string; location: URL }> {
  const res = await b.request(path, { headers: { 'user-agent': WECHAT } });
  expect(res.status).toBe(302);
  const location = new URL(res.headers.get('location')!);
  return { state: location.searchParams.get('state')!, location };
}

const sessions = async () => ((await database.db.execute(sql`select count(*)::int as n from resident_sessions`)) as unknown as { n: number }[])[0]!.n;

describe('WeChat web authorisation', () => {
  it('sends a page opened inside WeChat to the authorize page and back with a session for wechat-mp:<openid>', async () => {
    const w = await makeWorld(database);
    await say(w, 'ann', '/suggest 东门路灯坏了');
    const b = new Browser(app(w));
    const { state, location } = await authorize(b, `/v/${w.slug}/1`);
    expect(`${location.origin}${location.pathname}`).toBe(`${fake.url}/connect/oauth2/authorize`);
    expect(Object.fromEntries(location.searchParams)).toEqual({ appid: MP_APP_ID, redirect_uri: `${BASE}/wechat-mp/oauth`, response_type: 'code', scope: 'snsapi_base', state });
    expect(location.hash).toBe('#wechat_redirect');
    expect(state).toMatch(/^[A-Za-z0-9]{1,128}$/);
    const code = fake.issueCode('oZhang');
    const back = await b.request(`/wechat-mp/oauth?code=${code}&state=${state}`, { headers: { 'user-agent': WECHAT } });
    expect(back.status).toBe(303);
    expect(back.headers.get('location')).toBe(`/v/${w.slug}/1`);
    const page = await b.request(`/v/${w.slug}/1`, { headers: { 'user-agent': WECHAT } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('我也支持');
    const who = (await database.db.execute(sql`select i.platform, i.platform_user_id from resident_sessions s join identities i on i.id = s.identity_id order by s.created_at desc limit 1`)) as unknown as { platform: string; platform_user_id: string }[];
    expect(who[0]).toEqual({ platform: 'wechat-mp', platform_user_id: 'oZhang' });
    // Outside WeChat nobody is redirected: the page explains how to get in.
    expect((await new Browser(app(w)).request(`/v/${w.slug}/1`)).status).toBe(200);
  });

  it('refuses a tampered, foreign, malformed or replayed state and a replayed or refused code, opening no session', async () => {
    const w = await makeWorld(database);
    const before = await sessions();
    const cases: [string, (b: Browser) => Promise<string>][] = [
      ['a tampered state', async (b) => `state=${(await authorize(b, '/v')).state.replace(/^./, (c) => (c === 'a' ? 'b' : 'a'))}&code=${fake.issueCode('oA')}`],
      ['a state from another browser', async () => `state=${(await authorize(new Browser(app(w)), '/v')).state}&code=${fake.issueCode('oA')}`],
      ['a state that is not letters and digits', async (b) => (await authorize(b, '/v'), `state=${encodeURIComponent('abc<script>')}&code=${fake.issueCode('oA')}`)],
      ['a state over 128 characters', async (b) => (await authorize(b, '/v'), `state=${'a'.repeat(129)}&code=${fake.issueCode('oA')}`)],
      ['no state', async (b) => (await authorize(b, '/v'), `code=${fake.issueCode('oA')}`)],
      ['a code WeChat refuses', async (b) => `state=${(await authorize(b, '/v')).state}&code=forgedcode123`],
    ];
    for (const [what, query] of cases) {
      const b = new Browser(app(w));
      const res = await b.request(`/wechat-mp/oauth?${await query(b)}`, { headers: { 'user-agent': WECHAT } });
      expect(res.status, what).toBe(400);
      expect(await res.text(), what).toMatch(/授权/);
      expect(b.cookies.has('yishi_resident'), what).toBe(false);
    }
    expect(await sessions()).toBe(before);
    // A replayed return (the same state and code again): the state was used up, and so was the code.
    const b = new Browser(app(w));
    const { state } = await authorize(b, '/v');
    const code = fake.issueCode('oReplay');
    expect((await b.request(`/wechat-mp/oauth?state=${state}&code=${code}`)).status).toBe(303);
    const replay = await b.request(`/wechat-mp/oauth?state=${state}&code=${code}`);
    expect(replay.status).toBe(400);
    // The same code with a fresh state, in another browser: still refused (claimed once, never sent to WeChat again).
    const other = new Browser(app(w));
    const fresh = await authorize(other, '/v');
    expect((await other.request(`/wechat-mp/oauth?state=${fresh.state}&code=${code}`)).status).toBe(400);
    expect(other.cookies.has('yishi_resident')).toBe(false);
    expect(await sessions()).toBe(before + 1);
  });
});
