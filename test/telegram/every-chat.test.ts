/**
 * Every chat of a community gets its votes: three Telegram groups bound to one community on the fake Bot
 * API, the jobs' send queue running. A vote opened in one group is posted to the other two (each its own
 * buttons), residents press in their own group (one presses in two groups: one ballot, changed), each
 * group's ballot shows the live counts, the same result reaches all three, and the staff member gets the
 * message to forward into personal WeChat groups privately.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { startJobs, type Jobs } from '../../jobs/index.js';
import { createCore } from '../../src/core/index.js';
import type { Database } from '../../src/db/client.js';
import { addCommunity } from '../../src/org/communities.js';
import { grantRole } from '../../src/people/roles.js';
import type { TelegramBot } from '../../bots/telegram/index.js';
import { fixtures, startFakeBotApi, type FakeBotApi, type FakeChat, type FakeUser } from '../support/fake-bot-api.js';
import { freshDatabase, uniqueName } from '../support/services.js';
import { startBot, testDeps } from './support/harness.js';

const groups = [fixtures.group(-1003000000001, '1栋群'), fixtures.group(-1003000000002, '2栋群'), fixtures.group(-1003000000003, '3栋群')];
const staff = fixtures.user(3100, '社工小李');
const [ann, bo, cy, dee] = [fixtures.user(3101, '安'), fixtures.user(3102, '博'), fixtures.user(3103, '慈'), fixtures.user(3104, '迪')];

let database: Database;
let fake: FakeBotApi;
let bot: TelegramBot;
let jobs: Jobs;

const say = async (chat: FakeChat, user: FakeUser, text: string): Promise<string> => (await fake.say(chat, user, text)).text;

async function until(check: () => Promise<boolean>, what: string, ms = 15000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const ballotIn = (chat: FakeChat) => fake.waitFor(() => fake.botMessages(chat.id).find((m) => m.reply_markup?.inline_keyboard?.length), 15000, `the ballot in ${chat.title}`);

beforeAll(async () => {
  database = await freshDatabase();
  fake = await startFakeBotApi();
  for (const g of groups) fake.addChat(g);
  const deps0 = testDeps(fake, database, undefined as never);
  const core = createCore({ database, config: deps0.config });
  const deps = { ...deps0, core };
  jobs = await startJobs(deps, { prefix: uniqueName('every'), limits: { telegram: { perChat: [], global: [] } } });
  bot = await startBot(deps, fake);
  const c = await addCommunity(database.db, { slug: 'lianhe', name: '联合社区', supportThreshold: 1 });
  await grantRole(database.db, c, { platform: 'telegram', platformUserId: String(staff.id) }, 'staff');
}, 60000);

afterAll(async () => {
  await bot?.stop();
  await jobs?.stop();
  await fake?.close();
  await database?.close();
});

describe('a vote in every chat of the community', () => {
  it('posts the ballot to all three groups, keeps one ballot per person with live counts in each, and the same result to each', async () => {
    await say(fixtures.privateChat(staff), staff, '/start');
    for (const g of groups) expect(await say(g, staff, '/bind lianhe')).toContain('联合社区');
    await say(groups[0]!, ann, '/suggest 小区增设电动车充电桩');
    const opened = await say(groups[0]!, staff, '/poll 1');
    expect(opened).toContain('#1');
    const ballots = await Promise.all(groups.map(ballotIn));
    const data = (m: (typeof ballots)[number], k: number) => m.reply_markup.inline_keyboard.flat()[k - 1].callback_data as string;
    // Each group has its own message with the same poll's buttons.
    expect(new Set(ballots.map((m) => data(m, 1))).size).toBe(1);

    fake.press(groups[0]!, ann, ballots[0]!.message_id, data(ballots[0]!, 1));
    fake.press(groups[1]!, bo, ballots[1]!.message_id, data(ballots[1]!, 1));
    fake.press(groups[2]!, cy, ballots[2]!.message_id, data(ballots[2]!, 2));
    // dee presses in group 1, then changes their mind in group 3: still one ballot.
    fake.press(groups[0]!, dee, ballots[0]!.message_id, data(ballots[0]!, 2));
    const count = async () => ((await database.db.execute(sql`select count(*)::int as n from ballots`)) as unknown as { n: number }[])[0]!.n;
    await until(async () => (await count()) === 4, 'four ballots');
    fake.press(groups[2]!, dee, ballots[2]!.message_id, data(ballots[2]!, 1));
    const tally = async () => ((await database.db.execute(sql`select count(*)::int as n, sum(case when choice = 1 then 1 else 0 end)::int as yes from ballots`)) as unknown as { n: number; yes: number }[])[0]!;
    await until(async () => (await tally()).yes === 3, 'three ballots for 同意');
    expect(await tally()).toEqual({ n: 4, yes: 3 });

    // Live counts in every group's own ballot message.
    for (const g of groups)
      await fake.waitFor(() => fake.botMessages(g.id).find((m) => m.edits > 0 && m.text.includes('同意 3 · 反对 1')), 15000, `live counts in ${g.title}`);

    const result = await say(groups[0]!, staff, '/close 1');
    expect(result).toContain('同意 3 · 反对 1 · 弃权 0');
    for (const g of groups.slice(1))
      await fake.waitFor(() => fake.botMessages(g.id).find((m) => m.text.includes('同意 3 · 反对 1 · 弃权 0') && !m.reply_markup?.inline_keyboard?.length && m.edits === 0), 15000, `the result in ${g.title}`);

    // Exactly one result in each group (the first got it as the reply to /close).
    await new Promise((r) => setTimeout(r, 500));
    for (const g of groups) expect(fake.botMessages(g.id).filter((m) => m.text.includes('同意 3 · 反对 1 · 弃权 0') && !m.reply_markup?.inline_keyboard?.length && m.edits === 0), g.title).toHaveLength(1);

    // The staff member got, privately, the two lines to forward into personal WeChat groups.
    const forward = await fake.waitFor(() => fake.botMessages(staff.id).find((m) => m.text.includes('/v/lianhe/1')), 15000, 'the message to forward');
    expect(forward.text.split('\n')).toHaveLength(2);
    expect(forward.text).toContain('截止');
  });
});
