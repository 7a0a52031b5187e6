/**
 * The update shapes real Telegram groups send, each through the fake Bot API with the real core on
 * Postgres: a group upgraded to a supergroup, forum topics, anonymous admins and channels, edited
 * commands, the bot removed or muted, commands in captions, `/cmd@Bot` in any case, deep links.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, count, eq } from 'drizzle-orm';
import { addCommunity } from '../../src/org/communities.js';
import { chatsReport } from '../../src/admin/chats.js';
import { grantRole } from '../../src/people/roles.js';
import { createCore } from '../../src/core/index.js';
import type { Core } from '../../src/kernel/types.js';
import { loadConfig } from '../../src/lib/config.js';
import type { Database } from '../../src/db/client.js';
import * as s from '../../src/db/schema.js';
import { outboxKeys } from '../../src/messaging/outbox-keys.js';
import { createLinkCode } from '../../src/people/link.js';
import { ensureIdentity } from '../../src/kernel/persons.js';
import type { TelegramBot } from '../../bots/telegram/index.js';
import { fixtures, startFakeBotApi, type FakeBotApi, type FakeChat, type FakeUser } from '../support/fake-bot-api.js';
import { freshDatabase } from '../support/services.js';
import { startBot, testDeps, testLogger } from './support/harness.js';

const config = loadConfig({ YISHI_TZ: 'Asia/Shanghai' } as NodeJS.ProcessEnv);
const staff = fixtures.user(5900, '社工小林');
const zhang = fixtures.user(5901, '张三');
const li = fixtures.user(5902, '李四');
const GROUP_ANONYMOUS_BOT: FakeUser = { id: 1087968824, first_name: 'Group', username: 'GroupAnonymousBot', is_bot: true };
const CHANNEL_BOT: FakeUser = { id: 136817688, first_name: 'Channel', username: 'Channel_Bot', is_bot: true };

/** Polls `get` until `ok` (generous: the reply lanes send after the update is stored, and CI machines are loaded). */
async function eventually<T>(get: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 20000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await get();
    if (ok(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('update shapes of real Telegram groups (real core, real Postgres)', () => {
  let database: Database;
  let fake: FakeBotApi;
  let core: Core;
  let bot: TelegramBot;
  let nextMessageId = 50_000;

  /** A message with any extra fields (topics, captions, sender_chat, service fields), as Telegram sends it. */
  const push = (chat: FakeChat, from: FakeUser, extra: Record<string, unknown>, kind: 'message' | 'edited_message' = 'message') => {
    fake.addChat(chat);
    return fake.pushUpdate({ [kind]: { message_id: nextMessageId++, date: Math.floor(Date.now() / 1000), chat, from: { is_bot: false, ...from }, ...extra } });
  };
  /** Waits until the bot confirmed `update` (its effects committed). */
  const settled = (update: { update_id: number }) =>
    fake.waitFor(() => fake.callsOf('getUpdates').some((c) => c.payload.offset > update.update_id), 10000, `update ${update.update_id} confirmed`);
  const say = (chat: FakeChat, from: FakeUser, text: string) => fake.say(chat, from, text, 10000);
  const chatRow = async (id: number) => (await database.db.select().from(s.chats).where(eq(s.chats.platformChatId, String(id))))[0];
  const bindGroup = async (chat: FakeChat, slug: string) => {
    expect((await say(chat, staff, `/bind ${slug}`)).text).toContain('已绑定');
  };

  beforeAll(async () => {
    database = await freshDatabase();
    core = createCore({ database, config, logger: testLogger });
    fake = await startFakeBotApi();
    const community = await addCommunity(database.db, { slug: 'shapes', name: '形状社区', supportThreshold: 1 });
    await grantRole(database.db, community, { platform: 'telegram', platformUserId: String(staff.id) }, 'staff');
    bot = await startBot(testDeps(fake, database, core), fake);
  });
  afterAll(async () => {
    await bot?.stop();
    await fake.close();
    await database.close();
  });

  it('follows a group upgraded to a supergroup: binding, members, open ballots and pending messages move; the dead id gets nothing', { timeout: 90_000 }, async () => {
    const old: FakeChat = { id: -4001, type: 'group', title: '老群' };
    const upgraded: FakeChat = { id: -1004001, type: 'supergroup', title: '老群' };
    await bindGroup(old, 'shapes');
    await say(old, zhang, '/suggest 修好东门路灯');
    await say(old, li, '/support 1');
    await say(old, staff, '/agenda 1');
    const ballot = await say(old, staff, '/poll 1 48h');
    expect(ballot.reply_markup.inline_keyboard.flat()).toHaveLength(3);
    const chat = (await chatRow(old.id))!;
    await database.db.insert(s.outboundMessages).values({ platform: 'telegram', platformChatId: String(old.id), dedupeKey: 'test:migrate:1', payload: { text: '待发的提醒' } });
    const roles = await database.db.select({ n: count() }).from(s.roles).where(eq(s.roles.communityId, chat.communityId!));

    // From now on Telegram refuses the old id, pointing at the new one.
    fake.failNext({ method: 'sendMessage', times: 1000, errorCode: 400, description: 'Bad Request: group chat was upgraded to a supergroup chat', parameters: { migrate_to_chat_id: upgraded.id }, when: (p) => Number(p.chat_id) === old.id });
    const migratedAt = Date.now();
    push(old, staff, { migrate_to_chat_id: upgraded.id });
    const u = push(upgraded, staff, { migrate_from_chat_id: old.id });
    await settled(u);

    // The same chat row, now under the new id, still bound; members unchanged.
    expect(await chatRow(old.id)).toBeUndefined();
    expect(await chatRow(upgraded.id)).toMatchObject({ id: chat.id, communityId: chat.communityId, active: true });
    expect(await database.db.select({ n: count() }).from(s.roles).where(eq(s.roles.communityId, chat.communityId!))).toEqual(roles);
    // The open ballot is posted again in the new chat, once, and remembered there.
    const [reposted] = await fake.waitForBotMessages(upgraded.id, 0, 1);
    expect(reposted!.reply_markup.inline_keyboard.flat().map((b: any) => b.text)).toEqual(['同意', '反对', '弃权']);
    const pollRow = () => database.db.select().from(s.polls).where(eq(s.polls.chatId, chat.id)).then((r) => r[0]!);
    expect((await eventually(pollRow, (p) => p.messageId === String(reposted!.message_id))).messageId).toBe(String(reposted!.message_id));
    const [row] = await database.db.select().from(s.outboundMessages).where(eq(s.outboundMessages.dedupeKey, 'test:migrate:1'));
    expect(row!.platformChatId).toBe(String(upgraded.id));

    // Votes go on in the new chat; commands there find the binding.
    fake.press(upgraded, zhang, reposted!.message_id, reposted!.reply_markup.inline_keyboard[0][0].callback_data);
    await fake.waitFor(() => fake.callsOf('answerCallbackQuery').some((c) => c.payload.text === '已投：同意'), 5000, 'the press answered');
    expect((await say(upgraded, li, '/show 1')).text).toContain('修好东门路灯');

    // The jobs' sender and a late reply for the old id both land in the new chat.
    const sent = await bot.sender.send({ platform: 'telegram', platformChatId: String(old.id), text: '会议提醒' });
    expect(fake.botMessages(upgraded.id).find((m) => m.message_id === Number(sent.messageId))!.text).toBe('会议提醒');
    const shown = fake.botMessages(upgraded.id).length;
    push(old, zhang, { text: '/show 1' });
    const [lateReply] = await fake.waitForBotMessages(upgraded.id, shown, 1);
    expect(lateReply!.text).toContain('修好东门路灯');
    expect(fake.calls.filter((c) => c.method === 'sendMessage' && Number(c.payload.chat_id) === old.id && c.at >= migratedAt && c.ok)).toHaveLength(0);
  });

  it('also follows a migration told only by a 400 with migrate_to_chat_id from a send', async () => {
    const old: FakeChat = { id: -4002, type: 'group', title: '另一个老群' };
    const upgraded: FakeChat = { id: -1004002, type: 'supergroup', title: '另一个老群' };
    await bindGroup(old, 'shapes');
    fake.addChat(upgraded);
    const since = fake.calls.length;
    fake.failNext({ method: 'sendMessage', times: 1000, errorCode: 400, description: 'Bad Request: group chat was upgraded to a supergroup chat', parameters: { migrate_to_chat_id: upgraded.id }, when: (p) => Number(p.chat_id) === old.id });
    // A command still delivered from the old id: its reply goes to the new one.
    fake.sendText(old, zhang, '/list');
    const [reply] = await fake.waitForBotMessages(upgraded.id, 0, 1);
    expect(reply!.text).toBeTruthy();
    expect(await chatRow(upgraded.id)).toMatchObject({ active: true });
    expect(await chatRow(old.id)).toBeUndefined();
    // Telegram was asked about the old id once; later sends go straight to the new one.
    await bot.sender.send({ platform: 'telegram', platformChatId: String(old.id), text: '提醒' });
    expect(fake.calls.slice(since).filter((c) => c.method === 'sendMessage' && Number(c.payload.chat_id) === old.id)).toHaveLength(1);
  });

  it('answers in the forum topic a command was written in, and posts an item\'s result to the topic it was raised in', async () => {
    const forum: FakeChat & { is_forum: true } = { id: -1004003, type: 'supergroup', title: '论坛群', is_forum: true };
    await bindGroup(forum, 'shapes');
    const before = fake.callsOf('sendMessage').length;
    push(forum, zhang, { text: '/suggest 楼道加装扶手', message_thread_id: 77, is_topic_message: true });
    await fake.waitFor(() => fake.callsOf('sendMessage').slice(before).some((c) => c.ok && String(c.payload.text).includes('楼道加装扶手')), 10000, 'the answer');
    const answer = fake.callsOf('sendMessage').slice(before).find((c) => String(c.payload.text).includes('楼道加装扶手'))!;
    expect(answer.payload.message_thread_id).toBe(77);
    const [sug] = await database.db.select().from(s.suggestions).where(eq(s.suggestions.text, '楼道加装扶手'));
    expect(sug!.threadId).toBe('77');

    // Supported and polled from the general topic; the result still goes to topic 77.
    await say(forum, li, `/support ${sug!.number}`);
    await say(forum, staff, `/agenda ${sug!.number}`);
    await say(forum, staff, `/poll ${sug!.number} 48h`);
    const [poll] = await database.db.select().from(s.polls).where(and(eq(s.polls.suggestionId, sug!.id), eq(s.polls.status, 'open')));
    const closed = await core.closeDuePoll(poll!.id, new Date(Date.now() + 3 * 86400e3));
    expect(closed!.to.threadId).toBe('77');
    const [out] = await database.db.select().from(s.outboundMessages).where(eq(s.outboundMessages.dedupeKey, outboxKeys.pollResult(poll!.id)));
    const payload = out!.payload as { text: string; threadId?: string };
    expect(payload.threadId).toBe('77');
    await bot.sender.send({ platform: 'telegram', platformChatId: out!.platformChatId, ...payload });
    expect(fake.callsOf('sendMessage').at(-1)!.payload).toMatchObject({ chat_id: String(forum.id), message_thread_id: 77 });
  });

  it('never counts an anonymous admin or a channel as a resident, and tells them to write as themselves', async () => {
    const group: FakeChat = { id: -1004004, type: 'supergroup', title: '有匿名管理员的群' };
    const channel: FakeChat = { id: -1009999, type: 'channel', title: '社区频道' };
    await bindGroup(group, 'shapes');
    await say(group, zhang, '/suggest 小区门口装反光镜');
    const [sug] = await database.db.select().from(s.suggestions).where(eq(s.suggestions.text, '小区门口装反光镜'));
    const identitiesBefore = (await database.db.select({ n: count() }).from(s.identities))[0]!.n;

    const before = fake.botMessages(group.id).length;
    push(group, GROUP_ANONYMOUS_BOT, { sender_chat: group, text: `/agenda ${sug!.number}` });
    push(group, CHANNEL_BOT, { sender_chat: channel, text: `/support ${sug!.number}` });
    const chatter = push(group, GROUP_ANONYMOUS_BOT, { sender_chat: group, text: '大家好' });
    const replies = await fake.waitForBotMessages(group.id, before, 2);
    for (const r of replies) expect(r.text).toContain('自己的账号');
    await settled(chatter);
    expect((await database.db.select().from(s.suggestions).where(eq(s.suggestions.id, sug!.id)))[0]).toMatchObject({ supportCount: 0, stage: 'raised' });
    expect((await database.db.select({ n: count() }).from(s.identities))[0]!.n).toBe(identitiesBefore);
    await new Promise((r) => setTimeout(r, 200));
    expect(fake.botMessages(group.id)).toHaveLength(before + 2);
  });

  it('does not run an edited command again', async () => {
    const group: FakeChat = { id: -1004005, type: 'supergroup', title: '编辑测试群' };
    await bindGroup(group, 'shapes');
    const first = await say(group, zhang, '/suggest 原来的提议');
    const countBefore = (await database.db.select({ n: count() }).from(s.suggestions))[0]!.n;
    const sendsBefore = fake.callsOf('sendMessage').length;
    const edited = fake.pushUpdate({
      edited_message: { message_id: first.message_id - 1, date: Math.floor(Date.now() / 1000) - 5, edit_date: Math.floor(Date.now() / 1000), chat: group, from: { is_bot: false, ...zhang }, text: '/suggest 改过的提议' },
    });
    await settled(edited);
    await new Promise((r) => setTimeout(r, 200));
    expect((await database.db.select({ n: count() }).from(s.suggestions))[0]!.n).toBe(countBefore);
    expect(fake.callsOf('sendMessage').length).toBe(sendsBefore);
  });

  it('marks a chat inactive when the bot is removed or may not write, retries nothing, lists it, and is active again when re-added', async () => {
    const group: FakeChat = { id: -1004006, type: 'supergroup', title: '会踢机器人的群' };
    await bindGroup(group, 'shapes');
    const member = (status: string, extra = {}) => ({ user: fake.botUser, status, ...extra });
    const kicked = fake.pushUpdate({ my_chat_member: { chat: group, from: staff, date: 1, old_chat_member: member('member'), new_chat_member: member('kicked', { until_date: 0 }) } });
    await settled(kicked);
    expect(await chatRow(group.id)).toMatchObject({ active: false, inactiveReason: 'kicked' });
    expect((await chatsReport(database.db, 'shapes')).join('\n')).toMatch(new RegExp(`telegram:${group.id}\\s+inactive \\(kicked`));

    const back = fake.pushUpdate({ my_chat_member: { chat: group, from: staff, date: 2, old_chat_member: member('left'), new_chat_member: member('member') } });
    await settled(back);
    expect(await chatRow(group.id)).toMatchObject({ active: true, inactiveReason: null });

    // Muted: a reply answered "not enough rights" is tried once, and the chat goes inactive.
    fake.failNext({ method: 'sendMessage', times: 1000, errorCode: 400, description: 'Bad Request: not enough rights to send text messages to the chat', when: (p) => Number(p.chat_id) === group.id });
    const before = fake.callsOf('sendMessage').length;
    fake.sendText(group, zhang, '/list');
    fake.sendText(group, li, '/list');
    expect(await eventually(() => chatRow(group.id), (c) => c?.active === false)).toMatchObject({ active: false, inactiveReason: 'no_rights' });
    await new Promise((r) => setTimeout(r, 1500));
    expect(fake.callsOf('sendMessage').slice(before).filter((c) => Number(c.payload.chat_id) === group.id).length).toBeLessThanOrEqual(2);
    // The jobs' sender: 403 kicked is permanent and marks the chat; no loop.
    const other: FakeChat = { id: -1004007, type: 'supergroup', title: '另一个群' };
    await bindGroup(other, 'shapes');
    fake.failNext({ method: 'sendMessage', times: 1000, errorCode: 403, description: 'Forbidden: bot was kicked from the supergroup chat', when: (p) => Number(p.chat_id) === other.id });
    const err = await bot.sender.send({ platform: 'telegram', platformChatId: String(other.id), text: '提醒' }).catch((e) => e);
    expect(err.name).toBe('PermanentSendError');
    expect(await chatRow(other.id)).toMatchObject({ active: false, inactiveReason: 'kicked' });
  });

  it('takes commands from photo captions and /cmd@ThisBot in any letter case, and ignores commands for other bots', async () => {
    const group: FakeChat = { id: -1004008, type: 'supergroup', title: '拍照群' };
    await bindGroup(group, 'shapes');
    const before = fake.botMessages(group.id).length;
    push(group, zhang, { photo: [{ file_id: 'p1', file_unique_id: 'u1', width: 90, height: 90 }], caption: '/suggest 照片里的坑要补', caption_entities: [{ type: 'bot_command', offset: 0, length: 8 }] });
    const [captioned] = await fake.waitForBotMessages(group.id, before, 1);
    expect(captioned!.text).toContain('照片里的坑要补');
    expect((await say(group, li, '/LIST@YISHI_TEST_BOT')).text).toContain('照片里的坑要补');
    expect((await say(group, li, '/Show@Yishi_Test_Bot 1')).text).toBeTruthy();
    const other = fake.sendText(group, li, '/suggest@another_bot 不该记下');
    await settled(other);
    expect(await database.db.select().from(s.suggestions).where(eq(s.suggestions.text, '不该记下'))).toHaveLength(0);
  });

  it('redeems a link code from a /start deep link', async () => {
    const wang = fixtures.user(5910, '王五');
    const { personId, code } = await database.db.transaction(async (tx) => {
      const { identity } = await ensureIdentity(tx, 'console', { platformUserId: 'console-wang', displayName: '王五' });
      return { personId: identity.personId, code: await createLinkCode(tx, identity.personId, 'console', new Date()) };
    });
    const reply = await say(fixtures.privateChat(wang), wang, `/start link-${code}`);
    expect(reply.text).toContain('已关联');
    const [tg] = await database.db.select().from(s.identities).where(and(eq(s.identities.platform, 'telegram'), eq(s.identities.platformUserId, String(wang.id))));
    expect(tg!.personId).toBe(personId);
    expect(tg!.privateChatId).toBe(String(wang.id));
  });
});
