/**
 * The bad-input corpus (test/fixtures/bad-inputs.json) against the real core and the real Telegram
 * adapter, on real Postgres: each case gets one clear refusal with its stable code, echoes no control,
 * zero-width or bidi character, and changes no row of the domain tables or the audit log.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore } from '../../src/core/index.js';
import type { Core } from '../../src/kernel/types.js';
import type { Database } from '../../src/db/client.js';
import { startFakeBotApi, type FakeBotApi, type FakeChat } from '../support/fake-bot-api.js';
import { freshDatabase } from '../support/services.js';
import type { TelegramBot } from '../../bots/telegram/index.js';
import { startBot, testDeps, testLogger } from '../telegram/support/harness.js';
import { buildWorld, CHATS, expand, incomingOf, PEOPLE, snapshot, UNSAFE_CHARS, type CorpusCase, type World } from './world.js';

const corpusFile = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/bad-inputs.json');
const corpus = JSON.parse(fs.readFileSync(corpusFile, 'utf8')) as { cases: CorpusCase[] };
const cases = corpus.cases;
const via = (c: CorpusCase, where: 'core' | 'telegram') => (c.via ?? ['core', 'telegram']).includes(where);
const label = (c: CorpusCase) => `${c.id} (${c.category}, by ${c.by} in ${c.chat}) is refused with ${c.expect.code.join('|')}`;

/** One short, clean refusal: what every reply and toast in this corpus must be. */
function expectCleanText(text: string | undefined, c: CorpusCase, max: number) {
  expect(text, 'a reply text').toBeTypeOf('string');
  expect(text!.trim().length, 'the reply is not empty').toBeGreaterThan(0);
  expect(text!.length, 'the reply is short').toBeLessThanOrEqual(max);
  expect(UNSAFE_CHARS.test(text!), `no control/zero-width/bidi character in ${JSON.stringify(text)}`).toBe(false);
  for (const part of c.expect.replyIncludes ?? []) expect(text).toContain(part);
}

describe('the bad-input corpus', () => {
  it('holds at least 40 cases with unique ids, each naming who sends it and the refusal expected', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
    expect(new Set(cases.map((c) => c.id)).size).toBe(cases.length);
    for (const c of cases) {
      expect(Object.keys(PEOPLE)).toContain(c.by);
      expect([...Object.keys(CHATS), 'private']).toContain(c.chat);
      expect(typeof c.text === 'string' || typeof c.button === 'string', c.id).toBe(true);
      expect(c.expect.code.length, c.id).toBeGreaterThan(0);
    }
    const categories = new Set(cases.map((c) => c.category));
    for (const needed of ['overlong', 'empty', 'control', 'zero-width', 'bidi', 'forged-button', 'stale-button', 'other-community', 'closed-poll', 'wrong-role', 'date', 'duration', 'sql', 'unbound', 'huge-number']) {
      expect(categories, needed).toContain(needed);
    }
  });
});

describe('bad input through the core', () => {
  let database: Database & { url: string };
  let core: Core;
  let world: World;
  let before: Record<string, string>;

  beforeAll(async () => {
    database = await freshDatabase();
    const { loadConfig } = await import('../../src/lib/config.js');
    core = createCore({ database, config: loadConfig({ DATABASE_URL: database.url, YISHI_LOG_LEVEL: 'silent' }), logger: testLogger });
    world = await buildWorld(database, core);
    before = await snapshot(database);
  });
  afterAll(async () => {
    await database?.close();
  });

  for (const c of cases.filter((x) => via(x, 'core'))) {
    it(label(c), async () => {
      const what = c.button !== undefined ? { button: expand(c.button, world) } : { text: expand(c.text!, world) };
      const out = await core.handle(incomingOf(c.by, c.chat, what, c.lang, `bad-${c.id}`));
      expect(out.ignored, 'not silently ignored').toBeFalsy();
      expect(out.duplicate).toBeFalsy();
      expect(c.expect.code).toContain(out.errorCode);
      if (c.button !== undefined) {
        expectCleanText(out.toast, c, 200);
        expect(out.replies.length).toBeLessThanOrEqual(1);
      } else {
        expect(out.replies, 'exactly one reply').toHaveLength(1);
        expectCleanText(out.replies[0]!.text, c, 600);
        expect(out.replies[0]!.buttons ?? []).toEqual([]);
      }
      expect(await snapshot(database), 'no domain row and no audit row changed').toEqual(before);
    });
  }
});

describe('bad input through the Telegram adapter', () => {
  let database: Database & { url: string };
  let fake: FakeBotApi;
  let tg: TelegramBot;
  let world: World;
  let before: Record<string, string>;
  let nextMessage = 1;

  beforeAll(async () => {
    database = await freshDatabase();
    fake = await startFakeBotApi();
    const { loadConfig } = await import('../../src/lib/config.js');
    const core = createCore({ database, config: loadConfig({ DATABASE_URL: database.url, YISHI_LOG_LEVEL: 'silent' }), logger: testLogger });
    world = await buildWorld(database, core);
    tg = await startBot(testDeps(fake, database, core), fake, { setCommands: false });
    before = await snapshot(database);
  });
  afterAll(async () => {
    await tg?.stop();
    await fake?.close();
    await database?.close();
  });

  const chatOf = (c: CorpusCase): FakeChat => {
    const p = PEOPLE[c.by];
    if (c.chat === 'private') return { id: p.id, type: 'private', first_name: p.name };
    return { id: Number(CHATS[c.chat]), type: 'supergroup', title: c.chat };
  };

  for (const c of cases.filter((x) => via(x, 'telegram'))) {
    it(label(c), async () => {
      const chat = chatOf(c);
      const from = { id: PEOPLE[c.by].id, first_name: PEOPLE[c.by].name, language_code: c.lang ?? 'zh-hans' };
      const sentBefore = fake.callsOf('sendMessage').length;
      if (c.button !== undefined) {
        const u = fake.press(chat, from, nextMessage++, expand(c.button, world));
        const answer = await fake.waitFor(
          () => fake.callsOf('answerCallbackQuery').find((a) => a.payload.callback_query_id === u.callback_query.id),
          15000,
          `the answer to ${c.id}`,
        );
        expect(answer.ok).toBe(true);
        expectCleanText(answer.payload.text, c, 200);
        expect(answer.payload.show_alert ?? false).toBeTypeOf('boolean');
        // The answer comes after the core committed (or refused); anything posted would come right after it.
        await new Promise((r) => setTimeout(r, 50));
        expect(fake.callsOf('sendMessage').slice(sentBefore), 'a refused press posts nothing in the chat').toEqual([]);
      } else {
        fake.sendText(chat, from, expand(c.text!, world));
        await fake.waitFor(() => fake.callsOf('sendMessage').length > sentBefore, 15000, `the reply to ${c.id}`);
        const replies = fake.callsOf('sendMessage').slice(sentBefore);
        expect(replies, 'exactly one reply').toHaveLength(1);
        expect(replies[0]!.ok).toBe(true);
        expect(Number(replies[0]!.payload.chat_id)).toBe(chat.id);
        expect(replies[0]!.payload.parse_mode).toBeUndefined();
        expect(replies[0]!.payload.reply_markup?.inline_keyboard ?? []).toEqual([]);
        expectCleanText(replies[0]!.payload.text, c, 600);
      }
      expect(await snapshot(database), 'no domain row and no audit row changed').toEqual(before);
    });
  }
});
