/**
 * The bad-input corpus (test/fixtures/bad-inputs.json) through the WeCom adapter: the corpus's world
 * (test/fault/world.ts) with its people and chats also on WeCom (the same persons, linked identities),
 * each case sent by the fake WeCom server. Every case gets one clean answer (a reply, or for a press a
 * card update for the presser) and changes no domain row or audit row.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import * as s from '../../src/db/schema.js';
import { buildWorld, CHATS, expand, PEOPLE, snapshot, UNSAFE_CHARS, type CorpusCase, type World } from '../fault/world.js';
import { frameText } from '../support/fake-wecom.js';
import { startWecomWorld, type WecomWorld } from './harness.js';

const corpusFile = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/bad-inputs.json');
const cases = (JSON.parse(fs.readFileSync(corpusFile, 'utf8')) as { cases: CorpusCase[] }).cases.filter((c) => (c.via ?? ['core', 'telegram']).includes('telegram'));

const userOf = (who: CorpusCase['by']) => ({ userid: `u${PEOPLE[who].id}` });
const groupOf = (chat: CorpusCase['chat']) => (chat === 'private' ? undefined : `wr${chat}`);

let w: WecomWorld;
let world: World;
let before: Record<string, string>;

beforeAll(async () => {
  w = await startWecomWorld();
  world = await buildWorld(w.database, w.deps.core);
  const { db } = w.database;
  // The world's Telegram chats and people, also on WeCom: the same communities, the same persons.
  for (const [name, tgId] of Object.entries(CHATS)) {
    const [tg] = await db.select().from(s.chats).where(and(eq(s.chats.platform, 'telegram'), eq(s.chats.platformChatId, tgId)));
    if (tg) await db.insert(s.chats).values({ platform: 'wecom', platformChatId: `wr${name}`, kind: 'group', title: name, communityId: tg.communityId, boundAt: tg.boundAt });
  }
  for (const p of Object.values(PEOPLE)) {
    const [tg] = await db.select().from(s.identities).where(and(eq(s.identities.platform, 'telegram'), eq(s.identities.platformUserId, String(p.id))));
    if (tg) await db.insert(s.identities).values({ personId: tg.personId, platform: 'wecom', platformUserId: `u${p.id}`, displayName: p.name });
  }
  before = await snapshot(w.database);
});
afterAll(async () => {
  await w?.stop();
});

function expectClean(text: string, c: CorpusCase, max: number) {
  expect(text.trim().length, 'the answer is not empty').toBeGreaterThan(0);
  expect(text.length, 'the answer is short').toBeLessThanOrEqual(max);
  expect(UNSAFE_CHARS.test(text), `no control/zero-width/bidi character in ${JSON.stringify(text)}`).toBe(false);
  if (!c.lang || c.lang.startsWith('zh')) for (const part of c.expect.replyIncludes ?? []) expect(text).toContain(part);
}

describe('bad input through the WeCom adapter', () => {
  for (const c of cases) {
    it(`${c.id} (${c.category}, by ${c.by} in ${c.chat}) gets one clean answer and changes nothing`, async () => {
      const user = userOf(c.by);
      const chatId = groupOf(c.chat);
      const sentBefore = w.fake.frames.length;
      if (c.button !== undefined) {
        const cardPoll = c.chat === 'beta' ? world.betaPoll : c.chat === 'alpha' ? world.openPoll : 0;
        const r = await w.press(user, chatId, expand(c.button, world), `yishi-${cardPoll}-corpus`);
        const mine = r.frames.filter((f) => f.reqId === r.reqId && f.body.userids?.[0] === user.userid);
        expect(mine.length, 'the presser is answered on the card').toBeGreaterThanOrEqual(1);
        expectClean(frameText(mine.at(-1)!), c, 600);
        expect(w.fake.frames.slice(sentBefore).filter((f) => f.cmd === 'aibot_send_msg'), 'a refused press posts nothing').toEqual([]);
      } else {
        const text = expand(c.text!, world);
        const r = await w.say(user, chatId ? `@议事 ${text}` : text, chatId);
        const replies = w.fake.frames.slice(sentBefore);
        expect(replies, 'exactly one reply').toHaveLength(1);
        expect(replies[0]).toMatchObject({ cmd: 'aibot_respond_msg', reqId: r.reqId, body: { msgtype: 'stream' } });
        expectClean(frameText(replies[0]!), c, 600);
      }
      expect(await snapshot(w.database), 'no domain row and no audit row changed').toEqual(before);
    });
  }
});
