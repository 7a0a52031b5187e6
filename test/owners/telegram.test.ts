/**
 * An owners' vote end to end in a Telegram group: the real adapter and core on real Postgres, through the
 * fake Bot API. Owners tie their identity with a code, vote by buttons and by text, staff close it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { addCommunity } from '../../src/org/communities.js';
import { grantRole } from '../../src/people/roles.js';
import { checkRegisterCsv, importProperty, linkOwner, ownerBallotsReport, ownerCode } from '../../src/admin/property.js';
import { createCore } from '../../src/core/index.js';
import { loadConfig } from '../../src/lib/config.js';
import type { Database } from '../../src/db/client.js';
import * as s from '../../src/db/schema.js';
import type { TelegramBot } from '../../bots/telegram/index.js';
import { fixtures, startFakeBotApi, type FakeBotApi, type FakeUser, type StoredMessage } from '../support/fake-bot-api.js';
import { freshDatabase } from '../support/services.js';
import { startBot, testDeps, testLogger } from '../telegram/support/harness.js';

const config = loadConfig({ YISHI_TZ: 'Asia/Shanghai' } as NodeJS.ProcessEnv);
const group = fixtures.group(-1002000000019, '幸福里业主群');
const staff = fixtures.user(1900, '社工小周');
const zhang = fixtures.user(1901, '张三'); // owner A: two units
const li = fixtures.user(1902, '李四'); // owner B
const wang = fixtures.user(1903, '王五'); // owner C, by code in private
const zhao = fixtures.user(1904, '赵六'); // not an owner

// A: 2 × 90 = 180 m²; B: 100 m²; C: 80 m²; developer: 2 × 70 = 140 m². Total 500 m², 4 owners by head.
const REGISTER = ['building,unit,area,owner', '1栋,101,90,A', '1栋,102,90,A', '1栋,201,100,B', '2栋,101,80,C', '2栋,102,70,developer', '2栋,201,70,developer'].join('\n');

describe("an owners' vote in a Telegram group (real adapter, core and Postgres)", () => {
  let database: Database;
  let fake: FakeBotApi;
  let tg: TelegramBot;

  const say = (user: FakeUser, text: string, chat = group): Promise<StoredMessage> => fake.say(chat, user, text);
  const pressOn = async (user: FakeUser, message: StoredMessage, label: string): Promise<string | undefined> => {
    const button = message.reply_markup.inline_keyboard.flat().find((b: any) => b.text === label);
    const before = fake.callsOf('answerCallbackQuery').length;
    const u = fake.press(group, user, message.message_id, button.callback_data);
    const call = await fake.waitFor(() => fake.callsOf('answerCallbackQuery').slice(before).find((c) => c.payload.callback_query_id === u.callback_query.id), 10000, 'the press answered');
    return call.payload.text;
  };

  beforeAll(async () => {
    database = await freshDatabase();
    const community = await addCommunity(database.db, { slug: 'xingfuli', name: '幸福里社区' });
    await grantRole(database.db, community, { platform: 'telegram', platformUserId: String(staff.id) }, 'staff');
    await importProperty(database.db, community, checkRegisterCsv(REGISTER).rows, 'register.csv', new Date());
    await linkOwner(database.db, community, 'A', { platform: 'telegram', platformUserId: String(zhang.id) }, new Date());
    fake = await startFakeBotApi();
    tg = await startBot(testDeps(fake, database, createCore({ database, config, logger: testLogger })), fake);
  });
  afterAll(async () => {
    await tg?.stop();
    await fake?.close();
    await database?.close();
  });

  it('runs a vote: codes, ballot buttons, secret ballots, close with the four figures', async () => {
    const [community] = await database.db.select().from(s.communities).where(eq(s.communities.slug, 'xingfuli'));
    expect((await say(staff, '/bind xingfuli')).text).toContain('幸福里社区');

    // Owners tie their identities with one-time codes: in the group, and privately.
    const codeOf = async (key: string) => /: ([A-Z0-9]{6}) \(/.exec(await ownerCode(database.db, community, key, new Date()))![1];
    expect((await say(li, `/owner ${await codeOf('B')}`)).text).toContain('1 套房屋');
    const priv = fixtures.privateChat(wang);
    expect((await say(wang, `/owner ${await codeOf('C')}`, priv)).text).toContain('1 套房屋');

    expect((await say(zhang, '/suggest 使用维修资金为1栋加装电梯')).text).toContain('#1');
    expect((await say(zhang, '/ownersvote 1 5')).text).toContain('工作人员'); // staff only
    const ballot = await say(staff, '/ownersvote@yishi_test_bot 1 5 14');
    expect(ballot.text).toContain('第5项 使用建筑物及其附属设施的维修资金');
    expect(ballot.text).toContain('登记业主 4 人，专有部分总面积 500.00 ㎡');
    expect(ballot.reply_markup.inline_keyboard.flat().map((b: any) => b.text)).toEqual(['同意', '反对', '弃权']);
    expect(ballot.reply_markup.inline_keyboard.flat().every((b: any) => /^o:\d+:[123]$/.test(b.callback_data))).toBe(true);

    // Each answer tells only the presser; the group sees nothing of it.
    const groupMessages = fake.botMessages(group.id).length;
    expect(await pressOn(zhang, ballot, '反对')).toBe('已表决：反对（代表 2 套房屋）');
    expect(await pressOn(zhang, ballot, '同意')).toBe('已改为：同意（代表 2 套房屋）');
    expect(await pressOn(li, ballot, '弃权')).toBe('已表决：弃权（代表 1 套房屋）');
    expect(await pressOn(zhao, ballot, '同意')).toContain('业主认证');
    expect(fake.botMessages(group.id).length).toBe(groupMessages);
    const cast = await say(wang, '/ownervote 1 同意');
    expect(cast.text).toBe('#1 已记录你的业主表决（内容保密）。');

    // Staff see the ballots per unit (admin CLI), the group never does.
    const report = (await ownerBallotsReport(database.db, community, 1)).join('\n');
    expect(report).toContain('1栋\t101\t90.00\tA\t同意');
    expect(report).toContain('1栋\t201\t100.00\tB\t弃权');
    expect(report).toContain('2栋\t102\t70.00\tdeveloper\t-');

    // A 180 + B 100 + C 80 = 360/500 m² (≥ 2/3: 1080 ≥ 1000) and 3/4 owners take part;
    // agreeing A + C = 260/360 m² and 2/3 owners: more than half of both.
    const result = await say(staff, '/close 1');
    expect(result.message_id).not.toBe(ballot.message_id);
    expect(result.text).toContain('#1 业主表决结果：通过');
    expect(result.text).toContain('参与表决面积：360.00/500.00 ㎡（要求 ≥ 2/3）✓');
    expect(result.text).toContain('参与表决人数：3/4（要求 ≥ 2/3）✓');
    expect(result.text).toContain('同意面积：260.00/360.00 ㎡（要求 > 1/2）✓');
    expect(result.text).toContain('同意人数：2/3（要求 > 1/2）✓');
    expect(result.text).toContain('同意 2 · 反对 0 · 弃权 1');
    for (const name of ['张三', '李四', '王五']) expect(result.text).not.toContain(name);

    expect(await pressOn(li, ballot, '同意')).toContain('结束'); // closed: answered, nothing changes
    const ballots = await database.db.select().from(s.ownerBallots);
    expect(ballots.map((b) => b.choice).sort()).toEqual([1, 1, 3]);
    const audit = await database.db.select().from(s.auditLog).where(eq(s.auditLog.communityId, community.id));
    expect(audit.filter((a) => a.action.startsWith('owner_ballot.')).map((a) => a.action)).toEqual([
      'owner_ballot.cast', 'owner_ballot.changed', 'owner_ballot.cast', 'owner_ballot.cast',
    ]);
    expect(audit.some((a) => a.action === 'owners_vote.closed')).toBe(true);
    expect(fake.callsOf('answerCallbackQuery').every((c) => c.ok)).toBe(true);
  });
});
