/**
 * Adapter mechanics against the fake Bot API and real Postgres, with the test-only StandInCore
 * where the core must fail on cue or answer with odd replies. The whole consultation cycle with
 * the real core is in cycle.test.ts.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { PermanentSendError, RateLimitedError } from '../../src/messaging/port.js';
import { fixtures, startFakeBotApi, type FakeBotApi } from '../support/fake-bot-api.js';
import { freshDatabase } from '../support/services.js';
import { startBot, testDeps } from './support/harness.js';
import { StandInCore } from './support/stand-in-core.js';
import type { TelegramBot } from '../../bots/telegram/index.js';

const group = fixtures.group(-1001000000001);
const zhang = fixtures.user(101, '张', { last_name: '三' });
const li = fixtures.user(102, '李四');
const wang = fixtures.user(103, 'Wang', { language_code: 'en' });

describe('telegram adapter mechanics', () => {
  let database: Database;
  let fake: FakeBotApi;
  let core: StandInCore;
  const running: TelegramBot[] = [];

  const start = async (extra = {}) => {
    const tg = await startBot(testDeps(fake, database, core), fake, extra);
    running.push(tg);
    return tg;
  };
  const stopAll = async () => {
    while (running.length) await running.pop()!.stop();
  };

  beforeAll(async () => {
    database = await freshDatabase();
  });
  afterAll(async () => {
    await stopAll();
    await database.close();
  });
  afterEach(async () => {
    await stopAll();
    await fake?.close();
  });

  const fresh = async () => {
    fake = await startFakeBotApi();
    core = new StandInCore(database);
  };

  it('passes commands to the core and sends one plain-text reply in the group', async () => {
    await fresh();
    await start();
    fake.sendText(group, zhang, '/note@yishi_test_bot 东门路灯坏了');
    const [reply] = await fake.waitForBotMessages(group.id, 0);
    expect(reply.text).toMatch(/^已记下 #\d+：东门路灯坏了$/);
    const sent = fake.callsOf('sendMessage').at(-1)!;
    expect(sent.payload.parse_mode).toBeUndefined();
    expect(sent.payload.reply_parameters?.message_id).toBeGreaterThan(0);
    const inc = core.seen.at(-1)!;
    expect(inc).toMatchObject({
      platform: 'telegram',
      chat: { platformChatId: String(group.id), kind: 'group', title: group.title },
      sender: { platformUserId: '101', displayName: '张 三', lang: 'zh-hans' },
      text: '/note 东门路灯坏了',
    });
    expect(inc.updateKey).toMatch(/^\d+$/);
  });

  it('stays silent on chatter and on commands addressed to another bot', async () => {
    await fresh();
    await start();
    fake.sendText(group, li, '今天天气不错');
    fake.sendText(group, li, '/note@other_bot 不是给我的');
    const u = fake.sendText(group, li, '记 中文别名也行');
    await fake.waitForBotMessages(group.id, 0);
    await fake.waitFor(() => fake.callsOf('getUpdates').some((c) => c.payload.offset > u.update_id), 5000, 'offset past the batch');
    expect(fake.botMessages(group.id).map((m) => m.text)).toEqual([expect.stringContaining('中文别名也行')]);
    expect(core.seen.map((i) => i.text)).not.toContain('/note@other_bot 不是给我的');
  });

  it('registers the command menu per scope (groups, their administrators, private chats) in Chinese and English', async () => {
    await fresh();
    await start();
    const calls = fake.callsOf('setMyCommands');
    const key = (c: (typeof calls)[number]) => `${c.payload.scope?.type}:${c.payload.language_code ?? 'default'}`;
    expect(calls.map(key)).toEqual(['all_group_chats:default', 'all_group_chats:en', 'all_chat_administrators:default', 'all_chat_administrators:en', 'all_private_chats:default', 'all_private_chats:en']);
    const commands = (i: number) => (calls[i].payload.commands as Array<{ command: string; description: string }>);
    const group = commands(0);
    expect(group.map((c) => c.command)).toEqual(expect.arrayContaining(['suggest', 'support', 'vote', 'rate']));
    expect(group.map((c) => c.command)).not.toContain('poll');
    expect(commands(2).map((c) => c.command)).toEqual(expect.arrayContaining(['poll', 'close', 'stats', 'whistle']));
    expect(commands(4).map((c) => c.command)).toEqual(expect.arrayContaining(['register', 'points', 'link']));
    expect(group.find((c) => c.command === 'suggest')!.description).toMatch(/提议/);
    for (const i of [0, 1, 2, 3, 4, 5]) for (const c of commands(i)) expect(c.command).toMatch(/^[a-z_]{1,32}$/);
  });

  it('changes nothing when the same updates are re-delivered after a restart', async () => {
    await fresh();
    const first = await start();
    const updates = [fake.sendText(group, zhang, '/note 一'), fake.sendText(group, li, '/note 二'), fake.sendText(group, zhang, '/note 三')];
    await fake.waitForBotMessages(group.id, 0, 3);
    await first.stop();
    running.splice(running.indexOf(first), 1);
    expect(fake.pendingUpdates()).toEqual([]);
    const notesBefore = await core.noteCount();
    const sendsBefore = fake.callsOf('sendMessage').length;

    fake.redeliver(updates);
    await start();
    await fake.waitFor(() => fake.pendingUpdates().length === 0 && fake.callsOf('getUpdates').some((c) => c.payload.offset > updates[2].update_id), 5000, 're-delivered updates confirmed');
    expect(await core.noteCount()).toBe(notesBefore);
    expect(fake.callsOf('sendMessage').length).toBe(sendsBefore);
  });

  it('does not advance the offset past an update whose handling failed, and retries it until it commits', async () => {
    await fresh();
    core.failing = true;
    const notes = await core.noteCount();
    await start();
    const u = fake.sendText(group, zhang, '/note 数据库断了也不丢');
    await fake.waitFor(() => core.attempts >= 3, 5000, 'three attempts');
    expect(fake.pendingUpdates().map((x) => x.update_id)).toContain(u.update_id);
    expect(fake.callsOf('getUpdates').every((c) => !(c.payload.offset > u.update_id))).toBe(true);
    expect(fake.botMessages(group.id)).toHaveLength(0);

    core.failing = false;
    const [reply] = await fake.waitForBotMessages(group.id, 0);
    expect(reply.text).toContain('数据库断了也不丢');
    await fake.waitFor(() => fake.pendingUpdates().length === 0, 5000, 'update confirmed');
    expect(await core.noteCount()).toBe(notes + 1);
  });

  it('keeps a failed update for the next start when stopped while it is failing', async () => {
    await fresh();
    core.failing = true;
    const bot = await start();
    const u = fake.sendText(group, li, '/note 重启之后再处理');
    await fake.waitFor(() => core.attempts >= 2, 5000, 'two attempts');
    await bot.stop();
    running.splice(running.indexOf(bot), 1);
    expect(fake.pendingUpdates().map((x) => x.update_id)).toEqual([u.update_id]);

    core.failing = false;
    await start();
    const [reply] = await fake.waitForBotMessages(group.id, 0);
    expect(reply.text).toContain('重启之后再处理');
  });

  it('retries a reply answered with 429 after retry_after, sending it exactly once', async () => {
    await fresh();
    await start();
    fake.failNext({ method: 'sendMessage', errorCode: 429, retryAfter: 1, times: 2 });
    fake.sendText(group, zhang, '/note 限流也要送到');
    const [reply] = await fake.waitForBotMessages(group.id, 0, 1, 15000);
    expect(reply.text).toContain('限流也要送到');
    const calls = fake.callsOf('sendMessage');
    expect(calls.map((c) => c.errorCode ?? 200)).toEqual([429, 429, 200]);
    expect(calls[2].at - calls[1].at).toBeGreaterThanOrEqual(900);
    await new Promise((r) => setTimeout(r, 300));
    expect(fake.botMessages(group.id)).toHaveLength(1);
  });

  it('answers every press, counts a changed ballot once, and coalesces live-count edits', async () => {
    await fresh();
    await start();
    fake.sendText(group, zhang, '/ballot');
    const [ballot] = await fake.waitForBotMessages(group.id, 0);
    expect(ballot.reply_markup.inline_keyboard[0].map((b: any) => b.text)).toEqual(['同意', '反对', '弃权']);
    const data = (k: number) => ballot.reply_markup.inline_keyboard[0][k - 1].callback_data as string;

    const presses = [
      fake.press(group, zhang, ballot.message_id, data(1)),
      fake.press(group, li, ballot.message_id, data(2)),
      fake.press(group, wang, ballot.message_id, data(3)),
      fake.press(group, li, ballot.message_id, data(1)), // li changes to 同意
    ];
    await fake.waitFor(() => fake.callsOf('answerCallbackQuery').filter((c) => c.ok).length === presses.length, 5000, 'all presses answered');
    // Presses of different residents may run concurrently (only one resident's presses keep their order).
    expect(fake.callsOf('answerCallbackQuery').map((c) => c.payload.text).sort()).toEqual(['已投：1', '已投：1', '已投：2', '已投：3']);
    await fake.waitFor(() => ballot.text === '表决 · 同意 2 · 反对 0 · 弃权 1', 5000, 'final live counts');
    await new Promise((r) => setTimeout(r, 900));
    expect(ballot.text).toBe('表决 · 同意 2 · 反对 0 · 弃权 1');
    expect(ballot.edits).toBeGreaterThanOrEqual(1);
    expect(ballot.edits).toBeLessThan(presses.length);
    expect(ballot.reply_markup.inline_keyboard[0]).toHaveLength(3);
  });

  it('holds a press right after a live edit back until the interval has passed', async () => {
    await fresh();
    await start({ liveEditIntervalMs: 1500 });
    fake.sendText(group, zhang, '/ballot');
    const [ballot] = await fake.waitForBotMessages(group.id, 0);
    const data = (k: number) => ballot.reply_markup.inline_keyboard[0][k - 1].callback_data as string;
    fake.press(group, zhang, ballot.message_id, data(1));
    await fake.waitFor(() => ballot.edits === 1, 5000, 'the first live edit');
    const firstAt = Date.now();
    fake.press(group, li, ballot.message_id, data(2));
    await fake.waitFor(() => fake.callsOf('answerCallbackQuery').filter((c) => c.ok).length === 2, 5000, 'both presses answered');
    await new Promise((r) => setTimeout(r, 500));
    // The edit that finished a moment ago still counts: no second edit within the interval.
    if (Date.now() - firstAt < 1400) expect(ballot.edits).toBe(1);
    await fake.waitFor(() => ballot.text === '表决 · 同意 1 · 反对 1 · 弃权 0', 5000, 'the trailing edit with both presses');
    expect(ballot.edits).toBe(2);
  });

  it('answers forged callback data with the refusal and changes nothing', async () => {
    await fresh();
    await start();
    const before = await core.ballotRows();
    fake.press(group, zhang, 999, 'v:999999:1');
    fake.press(group, li, 999, 'x'.repeat(64));
    await fake.waitFor(() => fake.callsOf('answerCallbackQuery').length === 2, 5000, 'both answered');
    for (const c of fake.callsOf('answerCallbackQuery')) {
      expect(c.ok).toBe(true);
      expect(c.payload.text).toBe('这个按钮已失效或不属于本群。');
    }
    expect(await core.ballotRows()).toBe(before);
    expect(fake.callsOf('editMessageText')).toHaveLength(0);
  });

  it('counts a re-delivered press once and still answers it', async () => {
    await fresh();
    const bot = await start();
    fake.sendText(group, zhang, '/ballot');
    const [ballot] = await fake.waitForBotMessages(group.id, 0);
    const before = await core.ballotRows();
    const press = fake.press(group, li, ballot.message_id, ballot.reply_markup.inline_keyboard[0][1].callback_data);
    await fake.waitFor(() => fake.callsOf('answerCallbackQuery').length === 1, 5000, 'answered');
    await fake.waitFor(() => fake.pendingUpdates().length === 0, 5000, 'confirmed');
    await bot.stop();
    running.splice(running.indexOf(bot), 1);
    fake.redeliver([press]);
    await start();
    await fake.waitFor(() => fake.callsOf('answerCallbackQuery').length === 2, 5000, 'answered again');
    expect(await core.ballotRows()).toBe(before + 1);
  });

  it('does not answer a press twice when the same process gets it twice', async () => {
    await fresh();
    await start();
    fake.sendText(group, zhang, '/ballot');
    const [ballot] = await fake.waitForBotMessages(group.id, 0);
    const before = await core.ballotRows();
    const press = fake.press(group, li, ballot.message_id, ballot.reply_markup.inline_keyboard[0][1].callback_data);
    fake.deliverTwice(press.update_id);
    await fake.waitFor(() => fake.callsOf('answerCallbackQuery').length === 1, 5000, 'answered');
    // The copy rides along with the next answer that carries an update.
    fake.sendText(group, zhang, '/ballot');
    await fake.waitForBotMessages(group.id, 1);
    await fake.waitFor(() => fake.duplicatesDelivered === 1 && fake.pendingUpdates().length === 0, 5000, 'the copy delivered and confirmed');
    await new Promise((r) => setTimeout(r, 200));
    expect(fake.callsOf('answerCallbackQuery')).toHaveLength(1);
    expect(fake.callsOf('answerCallbackQuery').every((c) => c.ok)).toBe(true);
    expect(await core.ballotRows()).toBe(before + 1);
  });

  it('sends a private reply to a resident who started the bot, and only a note in the group otherwise', async () => {
    await fresh();
    await start();
    fake.sendText(group, li, '/private');
    const [note] = await fake.waitForBotMessages(group.id, 0);
    expect(note.text).toContain('/start');
    expect(note.text).not.toContain('只给你看的内容');

    fake.startUser(zhang.id);
    fake.sendText(group, zhang, '/private');
    const [priv] = await fake.waitForBotMessages(zhang.id, 0);
    expect(priv.text).toBe('只给你看的内容');
    await new Promise((r) => setTimeout(r, 200));
    expect(fake.botMessages(group.id)).toHaveLength(1);
  });

  it('never sends more than 4096 characters, nor control or bidi-override characters', async () => {
    await fresh();
    await start();
    fake.sendText(group, zhang, '/long');
    fake.sendText(group, zhang, '/bidi');
    const [long, bidi] = await fake.waitForBotMessages(group.id, 0, 2);
    expect(long.text.length).toBeLessThanOrEqual(4096);
    expect(long.text.endsWith('…')).toBe(true);
    expect(bidi.text).toBe('abc');
  });

  it('receives updates by webhook: checks the secret, answers 200 once stored and 500 when not', async () => {
    await fresh();
    const bot = await start({ mode: 'webhook', webhook: { url: 'https://bot.example.org/tg/hook', secret: 's3cret_token', port: 0, host: '127.0.0.1' } });
    fake.addChat(group);
    expect(fake.callsOf('setWebhook').at(-1)!.payload).toMatchObject({ url: 'https://bot.example.org/tg/hook', secret_token: 's3cret_token' });
    const url = `http://127.0.0.1:${bot.webhookPort}/tg/hook`;
    const base = 2_000_000_000 + Math.floor(Math.random() * 1e8);
    const update = (id: number, text: string) => ({
      update_id: base + id,
      message: { message_id: id, date: 1, chat: group, from: { ...zhang, is_bot: false }, text },
    });
    const post = (body: unknown, secret = 's3cret_token') =>
      fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': secret }, body: JSON.stringify(body) });

    const notes = await core.noteCount();
    expect((await post(update(1, '/note 伪造'), 'wrong')).status).toBe(401);
    expect(await core.noteCount()).toBe(notes);

    core.failing = true;
    expect((await post(update(2, '/note 先失败'))).status).toBe(500);
    core.failing = false;
    expect((await post(update(2, '/note 先失败'))).status).toBe(200);
    expect((await post(update(2, '/note 先失败'))).status).toBe(200); // Telegram's re-delivery
    expect(await core.noteCount()).toBe(notes + 1);
    expect(fake.botMessages(group.id)).toHaveLength(1);
  });

  it('gives the jobs a sender that maps 429 and dead chats to errors without retrying', async () => {
    await fresh();
    const bot = await start();
    fake.sendText(group, zhang, '记 先让群出现'); // the fake learns the chat from a message
    await fake.waitForBotMessages(group.id, 0);
    const sender = testDepsSender(bot);
    const ok = await sender.send({ platform: 'telegram', platformChatId: String(group.id), text: '提醒', buttons: [[{ label: '同意', data: 'v:1:1' }]] });
    expect(Number(ok.messageId)).toBeGreaterThan(0);
    expect(fake.lastBotMessage(group.id)!.reply_markup.inline_keyboard[0][0]).toEqual({ text: '同意', callback_data: 'v:1:1' });

    fake.failNext({ method: 'sendMessage', errorCode: 429, retryAfter: 7 });
    const before = fake.callsOf('sendMessage').length;
    const limited = await sender.send({ platform: 'telegram', platformChatId: String(group.id), text: '再提醒' }).catch((e) => e);
    expect(limited).toBeInstanceOf(RateLimitedError);
    expect(limited.retryAfterMs).toBe(7000);
    expect(fake.callsOf('sendMessage').length).toBe(before + 1);

    const blocked = await sender.send({ platform: 'telegram', platformChatId: '424242', text: '私信' }).catch((e) => e);
    expect(blocked).toBeInstanceOf(PermanentSendError);
    const gone = await sender.send({ platform: 'telegram', platformChatId: '-100999', text: '群没了' }).catch((e) => e);
    expect(gone).toBeInstanceOf(PermanentSendError);

    await sender.edit!(String(group.id), ok.messageId!, '提醒', [[{ label: '同意', data: 'v:1:1' }]]); // not modified: fine
    await sender.edit!(String(group.id), ok.messageId!, '提醒（已更新）');
    expect(fake.botMessages(group.id).find((m) => m.message_id === Number(ok.messageId))!.text).toBe('提醒（已更新）');
  });
});

function testDepsSender(bot: TelegramBot) {
  return bot.sender;
}
