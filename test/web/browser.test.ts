/**
 * The staff page in a real browser: Debian's chromium driven by playwright-core (no browser download),
 * signing in with the link the bot sent through the fake Bot API, reading the board, posting progress
 * and downloading the xlsx. Screenshots are kept in test/artifacts/.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type BrowserContext } from 'playwright-core';
import { addCommunity } from '../../src/org/communities.js';
import { grantRole } from '../../src/people/roles.js';
import { createCore } from '../../src/core/index.js';
import { loadConfig } from '../../src/lib/config.js';
import type { Database } from '../../src/db/client.js';
import { startWeb, type RunningWeb } from '../../src/web/server.js';
import { pollChartPng, pollStanding } from '../../src/reports/results.js';
import type { TelegramBot } from '../../bots/telegram/index.js';
import { fixtures, startFakeBotApi, type FakeBotApi, type FakeChat, type FakeUser } from '../support/fake-bot-api.js';
import { freshDatabase, tempDir } from '../support/services.js';
import { startBot, testDeps } from '../telegram/support/harness.js';

const CHROMIUM = process.env.YISHI_CHROMIUM ?? '/usr/bin/chromium';
export const ARTIFACTS = path.resolve('test/artifacts');
const group = fixtures.group(-1002000000077, '幸福里议事群');
const staff = fixtures.user(950, '社工小周');
const residents = [fixtures.user(951, '张三'), fixtures.user(952, '李四'), fixtures.user(953, '王五')];

let database: Database;
let fake: FakeBotApi;
let bot: TelegramBot;
let web: RunningWeb;
let browser: BrowserContext;

const say = async (chat: FakeChat, user: FakeUser, text: string): Promise<string> => (await fake.say(chat, user, text)).text;

beforeAll(async () => {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  database = await freshDatabase();
  fake = await startFakeBotApi();
  fake.addChat(group);
  const config = loadConfig({ TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.apiRoot, YISHI_WEB_PORT: '0', YISHI_TZ: 'Asia/Shanghai' } as NodeJS.ProcessEnv);
  const core = createCore({ database, config });
  web = await startWeb({ config, database });
  bot = await startBot({ ...testDeps(fake, database, core), config }, fake);
  const c = await addCommunity(database.db, { slug: 'xfl', name: '幸福里社区', supportThreshold: 2 });
  await grantRole(database.db, c, { platform: 'telegram', platformUserId: String(staff.id) }, 'staff');
  browser = await chromium.launchPersistentContext(tempDir('yishi-chromium-'), {
    executablePath: CHROMIUM,
    headless: true,
    acceptDownloads: true,
    viewport: { width: 1000, height: 1200 },
    locale: 'zh-CN',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}, 120000);

afterAll(async () => {
  await browser?.close();
  await bot?.stop();
  await web?.stop();
  await fake?.close();
  await database?.close();
});

describe('the staff page in chromium', () => {
  it('signs in with the link the bot sent, reads the board, posts progress and downloads the xlsx', async () => {
    expect(await say(group, staff, '/bind xfl')).toContain('幸福里社区');
    await say(group, residents[0]!, '/suggest 东门路灯坏了，晚上很黑');
    await say(group, residents[1]!, '/support 1');
    await say(group, staff, '/poll 1');
    for (const r of residents) await say(group, r, '/vote 1 1');
    const result = await say(group, staff, '/close 1');
    expect(result).toContain('同意 3');
    // The result picture follows the result text in the group.
    const photo = await fake.waitFor(() => fake.files.find((f) => f.method === 'sendPhoto' && f.chat_id === group.id), 15000, 'the result picture');
    expect(photo.bytes.readUInt32BE(16)).toBe(640);
    await say(group, residents[2]!, '/suggest 小区健身器材需要维修');
    await say(group, residents[0]!, '/suggest 增设快递柜');
    await say(group, residents[1]!, '/support 3');

    const dm = fixtures.privateChat(staff);
    const text = await say(dm, staff, '/web');
    const link = /(http:\/\/\S+\/signin\/\S+)/.exec(text)?.[1];
    expect(link, text).toBeTruthy();
    expect(link!.startsWith(web.url)).toBe(true);

    const page = await browser.newPage();
    // The Content Security Policy lets the page work (no inline script or style to block) and blocks nothing.
    const blocked: string[] = [];
    page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) blocked.push(m.text()); });
    await page.goto(link!);
    await page.getByRole('button', { name: '登录' }).click();
    await page.waitForURL(/\/c\/xfl$/);
    await expect(page.locator('h1').first().textContent()).resolves.toContain('幸福里社区');
    expect(await page.locator('[data-stage="approved"]').textContent()).toContain('#1');
    expect(await page.locator('[data-stage="raised"]').textContent()).toContain('附议 1/2');
    await page.screenshot({ path: path.join(ARTIFACTS, 'board.png'), fullPage: true });
    // The served stylesheet applies: the header has its colour.
    expect(await page.locator('header').evaluate((e) => getComputedStyle(e).backgroundColor)).toBe('rgb(36, 73, 110)');

    await page.click('a[href="/c/xfl/items/1"]');
    await page.fill('input[name="percent"]', '40');
    await page.fill('textarea[name="text"]', '已完成招标，下周施工');
    await page.getByRole('button', { name: '提交' }).click();
    await page.waitForURL(/ok=/);
    // What the page says after an action comes from a fixed key (?ok=progress); the figures from the history.
    expect(await page.locator('.ok').textContent()).toBe('已记录进度。');
    expect(await page.locator('#history').textContent()).toContain('percent: 40');
    expect(await page.locator('#history').textContent()).toContain('progress.reported');
    await page.screenshot({ path: path.join(ARTIFACTS, 'item.png'), fullPage: true });
    expect(blocked).toEqual([]);

    await page.goto(`${web.url}/c/xfl`);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('a[href="/c/xfl/export.xlsx"]')]);
    const file = path.join(ARTIFACTS, 'xfl.xlsx');
    await download.saveAs(file);
    expect(fs.readFileSync(file).subarray(0, 2).toString('latin1')).toBe('PK');

    // /notice privately: the 公示 PDF as a document after the text.
    expect(await say(dm, staff, '/notice 1')).toContain('#1');
    const pdf = await fake.waitFor(() => fake.files.find((f) => f.method === 'sendDocument' && f.chat_id === staff.id), 15000, 'the notice PDF');
    expect(pdf.bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');

    // The result picture the group gets with the result message.
    const standing = await pollStanding(database.db, 1);
    fs.writeFileSync(path.join(ARTIFACTS, 'result.png'), pollChartPng(standing!, 'zh').png);
  }, 120000);
});
