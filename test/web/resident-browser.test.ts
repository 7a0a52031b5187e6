/**
 * The resident page in a real browser at phone width with WeChat's user agent (Debian's chromium through
 * playwright-core): WeChat's web authorisation through the fake platform, a vote with one large button, a
 * changed choice, the close, the result on the page and in the Telegram group the vote was opened in.
 * The item page's screenshot (test/artifacts/resident-page.png) is the README's docs/resident-page.png.
 */
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { addCommunity } from '../../src/org/communities.js';
import { grantRole } from '../../src/people/roles.js';
import { createCore } from '../../src/core/index.js';
import { loadConfig } from '../../src/lib/config.js';
import type { Database } from '../../src/db/client.js';
import { startWeb, type RunningWeb } from '../../src/web/server.js';
import type { TelegramBot } from '../../bots/telegram/index.js';
import { fixtures, startFakeBotApi, type FakeBotApi, type FakeChat, type FakeUser } from '../support/fake-bot-api.js';
import { FakeWechatMp, MP_APP_ID, MP_SECRET, MP_TOKEN } from '../support/fake-wechat-mp.js';
import { freshDatabase } from '../support/services.js';
import { startBot, testDeps } from '../telegram/support/harness.js';

const CHROMIUM = process.env.YISHI_CHROMIUM ?? '/usr/bin/chromium';
const WECHAT_UA = 'Mozilla/5.0 (Linux; Android 14; V2244A Build/UP1A.231005.007; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160065 MMWEBSDK/20231202 MicroMessenger/8.0.47.2560(0x28002F30) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN ABI/arm64';
/** Copied by hand to docs/resident-page.png for the README when the page's look changes. */
const SCREENSHOT = path.resolve('test/artifacts/resident-page.png');
const group = fixtures.group(-1002000000088, '幸福里3栋群');
const staff = fixtures.user(960, '社工小王');
const [zhang, li, wang] = [fixtures.user(961, '张阿姨'), fixtures.user(962, '李师傅'), fixtures.user(963, '王老师')];

let database: Database;
let fake: FakeBotApi;
let mp: FakeWechatMp;
let bot: TelegramBot;
let web: RunningWeb;
let chromiumBrowser: Browser;
let phone: BrowserContext;

const say = async (chat: FakeChat, user: FakeUser, text: string): Promise<string> => (await fake.say(chat, user, text)).text;

beforeAll(async () => {
  database = await freshDatabase();
  fake = await startFakeBotApi();
  fake.addChat(group);
  mp = await FakeWechatMp.start();
  mp.browserUser = 'oZhangAyi';
  const env = {
    TELEGRAM_BOT_TOKEN: fake.token,
    TELEGRAM_API_ROOT: fake.apiRoot,
    YISHI_WEB_PORT: '0',
    YISHI_TZ: 'Asia/Shanghai',
    WECHAT_MP_APP_ID: MP_APP_ID,
    WECHAT_MP_APP_SECRET: MP_SECRET,
    WECHAT_MP_TOKEN: MP_TOKEN,
    WECHAT_MP_API_ROOT: mp.url,
    WECHAT_MP_OAUTH_ROOT: mp.url,
  };
  const config = loadConfig(env as NodeJS.ProcessEnv);
  const core = createCore({ database, config });
  web = await startWeb({ config, database, core });
  bot = await startBot({ ...testDeps(fake, database, core), config }, fake);
  const c = await addCommunity(database.db, { slug: 'xfl', name: '幸福里社区', supportThreshold: 2 });
  await grantRole(database.db, c, { platform: 'telegram', platformUserId: String(staff.id) }, 'staff');
  expect(await say(group, staff, '/bind xfl')).toContain('幸福里社区');
  await say(group, li, '/suggest 3栋楼道灯坏了一个月，晚上老人下楼不安全，建议尽快更换为声控灯');
  await say(group, wang, '/support 1');
  await say(group, staff, '/poll 1 3d');
  await say(group, li, '/vote 1 1');
  await say(group, wang, '/vote 1 2');
  chromiumBrowser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  phone = await chromiumBrowser.newContext({ userAgent: WECHAT_UA, viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN' });
}, 120000);

afterAll(async () => {
  await phone?.close();
  await chromiumBrowser?.close();
  await bot?.stop();
  await web?.stop();
  await mp?.close();
  await fake?.close();
  await database?.close();
});

const ballotMessage = () => fake.botMessages(group.id).find((m) => m.reply_markup?.inline_keyboard?.length);

describe('the resident page inside WeChat, at phone width', () => {
  it('goes through WeChat web authorisation on the fake platform and lands on the item it was opened at', async () => {
    const page = await phone.newPage();
    await page.goto(`${web.url}/v/xfl/1`);
    // The authorize URL's #wechat_redirect stays on through the redirects back, as browsers keep fragments.
    await page.waitForURL(/\/v\/xfl\/1(#wechat_redirect)?$/);
    expect(mp.authorizations).toHaveLength(1);
    expect(mp.authorizations[0]).toMatchObject({ appid: MP_APP_ID, scope: 'snsapi_base', redirect_uri: `${web.url}/wechat-mp/oauth` });
    expect(await page.locator('h1').textContent()).toContain('#1 3栋楼道灯坏了');
    expect(await page.locator('#poll').textContent()).toContain('你还没有投票');
    const who = (await database.db.execute(sql`select i.platform_user_id from resident_sessions s join identities i on i.id = s.identity_id`)) as unknown as { platform_user_id: string }[];
    expect(who.map((r) => r.platform_user_id)).toEqual(['oZhangAyi']);
    // A reload needs no second authorisation: the session is kept (30 days).
    await page.reload();
    expect(mp.authorizations).toHaveLength(1);
    await page.close();
  }, 60000);

  it('votes with one large button, changes the choice, and the group ballot shows the live counts', async () => {
    const page = await phone.newPage();
    await page.goto(`${web.url}/v/xfl/1`);
    const button = page.locator('#poll button', { hasText: '反对' });
    const box = await button.boundingBox();
    expect(box!.height).toBeGreaterThanOrEqual(56);
    expect(box!.width).toBeGreaterThan(300);
    await button.click();
    await page.waitForURL(/ok=vote/);
    expect(await page.locator('.flash.ok').textContent()).toContain('已记录');
    expect(await page.locator('#poll').textContent()).toContain('你的选择：反对');
    await page.locator('#poll button', { hasText: '同意' }).click();
    await page.waitForURL(/ok=vote/);
    expect(await page.locator('#poll').textContent()).toContain('你的选择：同意');
    expect(await page.locator('#poll').textContent()).toContain('同意 2 · 反对 1 · 弃权 0');
    const ballots = (await database.db.execute(sql`select count(*)::int as n from ballots`)) as unknown as { n: number }[];
    expect(ballots[0]!.n).toBe(3);
    await fake.waitFor(() => ballotMessage()?.text.includes('同意 2 · 反对 1'), 15000, 'the live counts in the group');
    fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: false });
    await page.close();
  }, 60000);

  it('after the close shows the result and its picture on the page, and the group has the result', async () => {
    const result = await say(group, staff, '/close 1');
    expect(result).toContain('同意 2 · 反对 1 · 弃权 0');
    const page = await phone.newPage();
    await page.goto(`${web.url}/v/xfl/1`);
    expect(await page.locator('#poll').count()).toBe(0);
    const section = page.locator('section.result');
    expect(await section.textContent()).toContain('同意 2 · 反对 1 · 弃权 0');
    expect(await section.locator('svg').count()).toBe(1);
    const chart = await section.locator('a', { hasText: '结果图' }).getAttribute('href');
    const png = await page.request.get(`${web.url}${chart}`);
    expect(png.headers()['content-type']).toBe('image/png');
    // A vote after the close: a clear message, nothing changed.
    const res = await page.request.post(`${web.url}/v/xfl/1/vote`, { form: { kind: 'vote', choice: '2', _csrf: 'stale', _once: 'x'.repeat(24) } });
    expect(res.status()).toBe(403);
    await page.screenshot({ path: path.resolve('test/artifacts/resident-result.png'), fullPage: true });
    await page.close();
  }, 60000);
});
