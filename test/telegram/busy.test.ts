/**
 * A busy group against Telegram's real limits (1 message a second to a chat, 20 a minute to a group),
 * through the fake Bot API: one group flooded with commands never holds back another group or a
 * button answer, and its own answers arrive merged, each once, within the limits.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { fixtures, startFakeBotApi, type FakeBotApi, type RecordedCall } from '../support/fake-bot-api.js';
import { freshDatabase } from '../support/services.js';
import { startBot, testDeps } from './support/harness.js';
import { StandInCore } from './support/stand-in-core.js';
import type { TelegramBot } from '../../bots/telegram/index.js';

const busy = fixtures.group(-1003000000001, '热闹的网格群');
const quiet = fixtures.group(-1003000000002, '安静的网格群');
const residents = Array.from({ length: 6 }, (_, i) => fixtures.user(3100 + i, `居民${i + 1}`));
const started = fixtures.user(3200, '已私聊');
const stranger = fixtures.user(3201, '没私聊');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The time the fake recorded the first successful call matching `match`. */
function firstAt(fake: FakeBotApi, match: (c: RecordedCall) => boolean): number | undefined {
  return fake.calls.find((c) => c.ok && match(c))?.at;
}

describe('a busy Telegram group', () => {
  let database: Database;
  let fake: FakeBotApi;
  let core: StandInCore;
  let bot: TelegramBot | undefined;

  beforeAll(async () => {
    database = await freshDatabase();
  });
  afterAll(async () => {
    await database.close();
  });
  afterEach(async () => {
    await bot?.stop();
    bot = undefined;
    await fake?.close();
  });

  it('holds back neither another group nor button answers, and gets every answer merged within the limits', async () => {
    fake = await startFakeBotApi();
    core = new StandInCore(database);
    // Telegram's limits, not the tests' fast ones.
    bot = await startBot(testDeps(fake, database, core), fake, { throttle: {} });
    fake.startUser(started.id);

    fake.sendText(quiet, residents[0]!, '/ballot');
    const [ballot] = await fake.waitForBotMessages(quiet.id, 0);
    const data = ballot!.reply_markup.inline_keyboard[0][0].callback_data as string;
    await sleep(1100); // the quiet group's budget is fresh again

    // 60 commands in 10 s in the busy group; meanwhile a reply in the quiet group and presses.
    const t0 = Date.now();
    const probes: { kind: 'reply' | 'press'; at: number; id: string }[] = [];
    let lastAt = 0;
    for (let i = 1; i <= 60; i++) {
      const who = i === 20 ? started : i === 40 ? stranger : residents[i % residents.length]!;
      const text = i === 20 || i === 40 ? '/refuse' : `/note 忙${i}`;
      fake.sendText(busy, who, text);
      lastAt = Date.now();
      if (i % 15 === 0) {
        fake.sendText(quiet, residents[1]!, `/note 静${i}`);
        probes.push({ kind: 'reply', at: Date.now(), id: `静${i}` });
        const press = fake.press(quiet, residents[(i / 15) % residents.length]!, ballot!.message_id, data);
        probes.push({ kind: 'press', at: Date.now(), id: press.callback_query.id });
      }
      await sleep(Math.max(0, t0 + (i * 10000) / 60 - Date.now()));
    }

    // Every probe answered in under 2 s.
    for (const p of probes) {
      const at = await fake.waitFor(
        () =>
          p.kind === 'reply'
            ? firstAt(fake, (c) => c.method === 'sendMessage' && c.payload.chat_id === quiet.id && String(c.payload.text).includes(p.id))
            : firstAt(fake, (c) => c.method === 'answerCallbackQuery' && c.payload.callback_query_id === p.id),
        5000,
        `${p.kind} ${p.id}`,
      );
      expect(at - p.at, `${p.kind} ${p.id}`).toBeLessThan(2000);
    }

    // Every answer of the busy group arrives once: merged lines name whom they answer.
    const notes = Array.from({ length: 60 }, (_, k) => k + 1).filter((i) => i !== 20 && i !== 40);
    const texts = () => fake.botMessages(busy.id).map((m) => m.text).join('\n');
    await fake.waitFor(() => notes.every((i) => texts().includes(`：忙${i}\n`) || texts().endsWith(`：忙${i}`)) && texts().includes('没私聊：只有'), 20000, 'every answer in the busy group');
    const all = texts();
    for (const i of notes) expect(all.match(new RegExp(`：忙${i}(?!\\d)`, 'g')), `answer to 忙${i}`).toHaveLength(1);
    expect(all).toMatch(/↪ 居民\d：已记下 #\d+：忙\d+/);
    // The refusal to a resident who started the bot went privately; the other one stayed in the group.
    expect(fake.botMessages(started.id).map((m) => m.text)).toEqual([expect.stringContaining('只有工作人员')]);
    expect(all).not.toContain('不行，已私聊');
    expect(all).toContain('不行，没私聊');

    // Within Telegram's limits: a second apart, at most 20 a minute, never a 429.
    const sends = fake.calls.filter((c) => c.payload.chat_id === busy.id && ['sendMessage', 'editMessageText'].includes(c.method));
    expect(sends.every((c) => c.ok)).toBe(true);
    for (let k = 1; k < sends.length; k++) expect(sends[k]!.at - sends[k - 1]!.at).toBeGreaterThanOrEqual(950);
    for (let k = 20; k < sends.length; k++) expect(sends[k]!.at - sends[k - 20]!.at).toBeGreaterThanOrEqual(60000);
    expect(sends.length).toBeLessThan(60);
    for (const m of fake.botMessages(busy.id)) expect(m.text.length).toBeLessThanOrEqual(4096);
    // The last command's answer came within about 3 s of the group's next allowed send.
    const lastAnswer = sends.at(-1)!.at;
    expect(lastAnswer - lastAt).toBeLessThan(4000);
    await bot.lanes.idle(5000);
  }, 60000);

  it('never merges a ballot, and splits merged answers longer than 4096 characters', async () => {
    fake = await startFakeBotApi();
    core = new StandInCore(database);
    bot = await startBot(testDeps(fake, database, core), fake, { throttle: { perChatMs: 1500 } });
    fake.sendText(busy, residents[0]!, '/note 先');
    await fake.waitForBotMessages(busy.id, 0);
    // Within the group's wait: two long answers, a ballot between plain answers.
    fake.sendText(busy, residents[1]!, '/long');
    fake.sendText(busy, residents[2]!, '/note 甲');
    fake.sendText(busy, residents[3]!, '/ballot');
    fake.sendText(busy, residents[4]!, '/note 乙');
    fake.sendText(busy, residents[5]!, '/long');
    await fake.waitFor(() => fake.botMessages(busy.id).length >= 5 && bot!.lanes.pending(busy.id) === 0, 20000, 'all sent');
    const msgs = fake.botMessages(busy.id);
    for (const m of msgs) expect(m.text.length).toBeLessThanOrEqual(4096);
    const withButtons = msgs.filter((m) => m.reply_markup?.inline_keyboard?.length);
    expect(withButtons).toHaveLength(1);
    expect(withButtons[0]!.text).toMatch(/^表决/);
    const all = msgs.map((m) => m.text).join('\n');
    expect(all.match(/长{100}/g)!.length).toBeGreaterThanOrEqual(2);
    expect(all.match(/：甲/g)).toHaveLength(1);
    expect(all.match(/：乙/g)).toHaveLength(1);
  }, 60000);
});
