/**
 * End to end: the real Telegram adapter and the real core on real Postgres, driven through a local
 * fake Bot API exactly as a Telegram group would see it.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { addCommunity } from '../../src/org/communities.js';
import { grantRole } from '../../src/people/roles.js';
import { createCore } from '../../src/core/index.js';
import type { Core } from '../../src/kernel/types.js';
import { loadConfig } from '../../src/lib/config.js';
import { openDatabase, type Database } from '../../src/db/client.js';
import * as s from '../../src/db/schema.js';
import type { TelegramBot } from '../../bots/telegram/index.js';
import { fixtures, startFakeBotApi, type FakeBotApi, type FakeChat, type FakeUser, type StoredMessage } from '../support/fake-bot-api.js';
import { freshDatabase, freshDatabaseUrl, tempDir } from '../support/services.js';
import { snapshot } from '../core/helpers.js';
import { startBot, testDeps, testLogger } from './support/harness.js';
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy.js';

const config = loadConfig({ YISHI_TZ: 'Asia/Shanghai' } as NodeJS.ProcessEnv);
const group = fixtures.group(-1002000000001, '幸福里议事群');
const staff = fixtures.user(900, '社工小周');
const zhang = fixtures.user(901, '张三');
const li = fixtures.user(902, '李四');
const wang = fixtures.user(903, '王五');
const zhao = fixtures.user(904, '赵六', { language_code: 'en' });

/** One user action and the bot's answer as the group sees it. */
class Group {
  readonly updates: any[] = [];
  constructor(readonly fake: FakeBotApi, readonly chat: FakeChat) {}

  async say(user: FakeUser, text: string): Promise<StoredMessage> {
    const before = this.fake.botMessages(this.chat.id).length;
    this.updates.push(this.fake.sendText(this.chat, user, text));
    const [reply] = await this.fake.waitForBotMessages(this.chat.id, before, 1, 15000);
    return reply;
  }

  /** Presses a button and returns the answerCallbackQuery text. */
  async press(user: FakeUser, message: StoredMessage, label: string): Promise<string | undefined> {
    const button = message.reply_markup.inline_keyboard.flat().find((b: any) => b.text === label);
    if (!button) throw new Error(`no button ${label} on message ${message.message_id}`);
    const before = this.fake.callsOf('answerCallbackQuery').length;
    const u = this.fake.press(this.chat, user, message.message_id, button.callback_data);
    this.updates.push(u);
    const call = await this.fake.waitFor(() => this.fake.callsOf('answerCallbackQuery').slice(before).find((c) => c.payload.callback_query_id === u.callback_query.id), 10000, 'the press answered');
    return call.payload.text;
  }
}

async function eventually<T>(get: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 5000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await get();
    if (ok(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function setUpCommunity(database: Database, slug: string, supportThreshold = 3) {
  const community = await addCommunity(database.db, { slug, name: '幸福里社区', supportThreshold });
  await grantRole(database.db, community, { platform: 'telegram', platformUserId: String(staff.id) }, 'staff');
  return community;
}

describe('the consultation cycle in a Telegram group (real core, real Postgres)', () => {
  let database: Database;
  let fake: FakeBotApi;
  let core: Core;
  let g: Group;
  const running: TelegramBot[] = [];
  const start = async () => {
    const tg = await startBot(testDeps(fake, database, core), fake);
    running.push(tg);
    return tg;
  };

  beforeAll(async () => {
    database = await freshDatabase();
    core = createCore({ database, config, logger: testLogger });
    fake = await startFakeBotApi();
    g = new Group(fake, group);
    await setUpCommunity(database, 'xingfuli');
  });
  afterAll(async () => {
    for (const tg of running) await tg.stop();
    await fake.close();
    await database.close();
  });

  it('runs bind, suggest, support to threshold, comment, agenda, poll, presses, close, progress, done, rate, close, show', async () => {
    await start();
    expect((await g.say(zhang, '/bind xingfuli')).text).toContain('工作人员'); // not staff: refused
    const unbound = await database.db.select().from(s.chats).where(eq(s.chats.platformChatId, String(group.id)));
    expect(unbound.every((c) => c.communityId === null)).toBe(true);
    const bound = await g.say(staff, '/bind@yishi_test_bot xingfuli');
    expect(bound.text).toContain('幸福里社区');

    expect((await g.say(zhang, '/suggest 东门路灯坏了，晚上很黑')).text).toContain('#1');
    expect((await g.say(li, '/support 1')).text).toContain('1/3');
    expect((await g.say(wang, '附议 1')).text).toContain('2/3');
    fake.failNext({ method: 'sendMessage', errorCode: 429, retryAfter: 1 }); // Telegram pushes back once
    expect((await g.say(zhao, '/support@yishi_test_bot 1')).text).toContain('3/3');
    expect((await g.say(zhang, '/support 1')).text).not.toContain('3/3'); // own suggestion: refused
    expect((await g.say(li, '议 1 赞成，最好加装感应灯')).text).toContain('#1');
    await g.say(staff, '/agenda 1');

    const ballot = await g.say(staff, '/poll 1 48h');
    expect(ballot.reply_markup.inline_keyboard.flat().map((b: any) => b.text)).toEqual(['同意', '反对', '弃权']);
    // The adapter remembers the ballot's message id right after sending it.
    const vote = await eventually(async () => (await database.db.select().from(s.polls).where(eq(s.polls.kind, 'vote')))[0], (p) => p?.messageId != null);
    expect(vote.messageId).toBe(String(ballot.message_id));

    expect(await g.press(zhang, ballot, '同意')).toBe('已投：同意');
    expect(await g.press(li, ballot, '反对')).toBe('已投：反对');
    await g.press(wang, ballot, '同意');
    await g.press(zhao, ballot, '弃权');
    await g.press(li, ballot, '同意'); // changed
    await g.press(zhang, ballot, '同意'); // pressed again
    const ballots = await database.db.select().from(s.ballots).where(eq(s.ballots.pollId, vote.id));
    expect(ballots).toHaveLength(4);

    // The ballot message catches up with the live counts (throttled, trailing edit).
    const live = (await core.ballotView(vote.id))!.text;
    await fake.waitFor(() => ballot.text === live, 10000, 'live counts on the ballot');
    expect(ballot.edits).toBeLessThan(6);

    const result = await g.say(staff, '/close 1');
    expect(result.text).toContain('同意 3 · 反对 0 · 弃权 1');
    expect(result.message_id).not.toBe(ballot.message_id);
    const choices = async () => (await database.db.select().from(s.ballots).where(eq(s.ballots.pollId, vote.id))).map((b) => `${b.personId}:${b.choice}`).sort();
    const frozen = await choices();
    expect(await g.press(wang, ballot, '反对')).toBeTruthy(); // a press on the closed ballot is answered...
    expect(await choices()).toEqual(frozen); // ...and changes nothing

    expect((await g.say(staff, '/progress 1 50 已完成招标')).text).toContain('50%');
    const rating = await g.say(staff, '/done 1');
    expect(rating.reply_markup.inline_keyboard.flat().map((b: any) => b.text)).toEqual(['满意', '基本满意', '不满意']);
    expect(await g.press(zhang, rating, '满意')).toContain('满意');
    await g.press(li, rating, '基本满意');
    await g.press(wang, rating, '满意');
    const rated = await g.say(staff, '/close 1');
    expect(rated.text).toContain('满意 2 · 基本满意 1 · 不满意 0');

    const shown = await g.say(li, '/show 1');
    expect(shown.text).toContain('东门路灯坏了');
    expect(shown.text).toContain('已评价');

    // One command, one reply: every bot message in the group answers one user message.
    const userMessages = (fake.messages.get(group.id) ?? []).filter((m) => !m.fromBot).length;
    expect(fake.botMessages(group.id)).toHaveLength(userMessages);
    expect(fake.callsOf('answerCallbackQuery').every((c) => c.ok)).toBe(true);
  });

  it('changes nothing and sends nothing when every update of the cycle is re-delivered after a restart', async () => {
    expect(g.updates.length).toBeGreaterThan(20);
    await fake.waitFor(() => fake.pendingUpdates().length === 0, 10000, 'all confirmed');
    while (running.length) await running.pop()!.stop();
    const before = await snapshot(database);
    const sends = fake.callsOf('sendMessage').length;

    fake.redeliver(g.updates);
    await start();
    const last = g.updates.at(-1).update_id;
    await fake.waitFor(() => fake.callsOf('getUpdates').some((c) => c.payload.offset > last) && fake.pendingUpdates().length === 0, 20000, 'the re-delivered batch confirmed');
    expect(await snapshot(database)).toBe(before);
    expect(fake.callsOf('sendMessage').length).toBe(sends);
  });

  it('answers forged and stale callback data with a refusal and changes nothing', async () => {
    const before = await snapshot(database);
    // Every poll of the cycle is closed by now, and a closed ballot loses its buttons: the stale data is
    // that of a ballot as it was sent, pressed on that (closed) ballot message.
    const sent = fake.callsOf('sendMessage').find((c) => Number(c.payload.chat_id) === group.id && c.payload.reply_markup)!;
    const markup = typeof sent.payload.reply_markup === 'string' ? JSON.parse(sent.payload.reply_markup) : sent.payload.reply_markup;
    const real = markup.inline_keyboard[0][0].callback_data as string;
    const ballot = fake.botMessages(group.id).find((m) => m.edits > 0)!;
    const forged = [real.replace(/\d+/, '999999'), real + 'x', 'x'.repeat(64), '🙂', real.slice(0, -1)];
    const answered = fake.callsOf('answerCallbackQuery').length;
    for (const data of forged) fake.press(group, zhao, ballot.message_id, data);
    await fake.waitFor(() => fake.callsOf('answerCallbackQuery').length === answered + forged.length, 10000, 'every forged press answered');
    const answers = fake.callsOf('answerCallbackQuery').slice(answered);
    expect(answers.every((c) => c.ok && typeof c.payload.text === 'string' && c.payload.text.length > 0)).toBe(true);
    // A refusal is remembered as processed (so a re-delivery stays silent); nothing else may change.
    const withoutProcessed = (snap: string) => {
      const o = JSON.parse(snap);
      delete o.counts.processed_updates;
      return o;
    };
    expect(withoutProcessed(await snapshot(database))).toEqual(withoutProcessed(before));
  });

  it('answers /start in private and delivers private replies there', async () => {
    const priv = fixtures.privateChat(wang);
    const before = fake.botMessages(priv.id).length;
    fake.sendText(priv, wang, '/start');
    const [hello] = await fake.waitForBotMessages(priv.id, before);
    expect(hello.text).toContain('王五');
    const [identity] = await database.db.select().from(s.identities).where(eq(s.identities.platformUserId, String(wang.id)));
    expect(identity.privateChatId).toBe(String(wang.id));
  });
});

describe('a database outage under the Telegram adapter (real core)', () => {
  let proxy: TcpProxy;
  let database: Database;
  let fake: FakeBotApi;
  let bot: TelegramBot | undefined;

  beforeAll(async () => {
    const url = new URL(await freshDatabaseUrl());
    proxy = await startTcpProxy(url.hostname, Number(url.port || 5432));
    url.hostname = '127.0.0.1';
    url.port = String(proxy.port);
    database = await openDatabase({ databaseUrl: url.toString(), dataDir: tempDir(), max: 4 });
    fake = await startFakeBotApi();
  });
  afterAll(async () => {
    await bot?.stop();
    await fake.close();
    await database.close();
    await proxy.close();
  });
  afterEach(() => proxy.restore());

  it('does not acknowledge an update it could not store, and stores it once when the database is back', async () => {
    await setUpCommunity(database, 'outage', 2);
    const core = createCore({ database, config, logger: testLogger });
    bot = await startBot(testDeps(fake, database, core), fake);
    const g = new Group(fake, group);
    await g.say(staff, '/bind outage');

    proxy.cut();
    const u = fake.sendText(group, zhang, '/suggest 停电了也不能丢');
    await new Promise((r) => setTimeout(r, 2500)); // several failed attempts
    expect(fake.pendingUpdates().map((x) => x.update_id)).toContain(u.update_id);
    expect(fake.callsOf('getUpdates').some((c) => c.payload.offset > u.update_id)).toBe(false);
    expect(fake.botMessages(group.id).slice(1)).toEqual([]); // no "出错了" either

    proxy.restore();
    const [reply] = await fake.waitForBotMessages(group.id, 1, 1, 20000);
    expect(reply.text).toContain('#1');
    await fake.waitFor(() => fake.pendingUpdates().length === 0, 10000, 'confirmed');
    const rows = await database.db.select().from(s.suggestions).where(sql`${s.suggestions.text} like '停电了%'`);
    expect(rows).toHaveLength(1);
  });
});
