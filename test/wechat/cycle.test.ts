/**
 * The WeChat adapter end to end: mock WeChat contacts in a mock room (wechaty-puppet-mock is the wire),
 * the real core on a fresh real Postgres.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import type { AppDeps } from '../../src/core/app-types.js';
import { createCore } from '../../src/core/index.js';
import { loadConfig } from '../../src/lib/config.js';
import { silentLogger } from '../../src/lib/logger.js';
import { SenderRegistry } from '../../src/messaging/port.js';
import type { Database } from '../../src/db/client.js';
import * as s from '../../src/db/schema.js';
import { addCommunity } from '../../src/org/communities.js';
import { grantRole } from '../../src/people/roles.js';
import { freshDatabase, redisUrl } from '../support/services.js';
import { startMockWechat, type ContactMock, type MockWechat, type RoomMock } from './harness.js';

let database: Database;
let deps: AppDeps;
let w: MockWechat;
let staff: ContactMock, zhang: ContactMock, li: ContactMock, wang: ContactMock, zhao: ContactMock;
let room: RoomMock;

beforeAll(async () => {
  database = await freshDatabase();
  const config = loadConfig({});
  deps = { config, database, redisUrl: redisUrl(), core: createCore({ database, config }), logger: silentLogger, senders: new SenderRegistry() };
  w = await startMockWechat(deps);
  const community = await addCommunity(database.db, { slug: 'xingfu', name: '幸福社区', supportThreshold: 3 });
  staff = w.contact('王主任');
  zhang = w.contact('张三');
  li = w.contact('李四');
  wang = w.contact('王五', { friend: false }); // the bot's account cannot write to him privately
  zhao = w.contact('赵六');
  await grantRole(database.db, community, { platform: 'wechat', platformUserId: staff.id }, 'staff');
  room = w.room('幸福小区议事群', [staff, zhang, li, wang, zhao]);
});

afterAll(async () => {
  await w?.stop();
  await database?.close();
});

const inRoom = (m: { roomId?: string }) => m.roomId === room.id;

async function personOf(platform: s.Platform, platformUserId: string): Promise<number | undefined> {
  const [row] = await database.db
    .select({ personId: s.identities.personId })
    .from(s.identities)
    .where(and(eq(s.identities.platform, platform), eq(s.identities.platformUserId, platformUserId)));
  return row?.personId;
}

describe('a WeChat room running the consultation cycle', () => {
  it('runs the whole cycle: bind, suggest, support to the threshold, comment, agenda, vote, close, progress, done, rate, close, show', async () => {
    let r = await w.say(staff, '/bind xingfu', room);
    expect(r.sent).toHaveLength(1);
    expect(r.sent[0]).toMatchObject({ roomId: room.id, text: expect.stringContaining('幸福社区') });
    const [chat] = await database.db.select().from(s.chats).where(and(eq(s.chats.platform, 'wechat'), eq(s.chats.platformChatId, room.id)));
    expect(chat).toMatchObject({ kind: 'group', title: '幸福小区议事群' });
    expect(chat.communityId).not.toBeNull();

    r = await w.say(zhang, '提议 东门路灯坏了', room);
    expect(r.sent).toEqual([expect.objectContaining({ roomId: room.id, text: expect.stringContaining('#1') })]);

    expect((await w.say(li, '附议 1', room)).sent[0].text).toContain('1/3');
    expect((await w.say(wang, '/附议 1', room)).sent[0].text).toContain('2/3');
    expect((await w.say(zhao, '/support 1', room)).sent[0].text).toContain('3/3');
    expect((await w.say(zhao, '附议 1', room)).outcome?.errorCode).toBe('ALREADY_SUPPORTED');

    r = await w.say(li, '议 1 晚上太黑了，老人出门不方便', room);
    expect(r.sent).toHaveLength(1);
    expect(r.outcome?.errorCode).toBeUndefined();

    expect((await w.say(zhang, '/agenda 1', room)).outcome?.errorCode).toBe('NOT_CHAIR');
    expect((await w.say(staff, '/agenda 1', room)).outcome?.errorCode).toBeUndefined();

    r = await w.say(staff, '/poll 1', room);
    expect(r.sent).toHaveLength(1);
    const ballot = r.sent[0];
    expect(ballot.roomId).toBe(room.id);
    expect(ballot.text).toContain('1. 同意  2. 反对  3. 弃权');
    expect(ballot.text).toContain('投票 1 1');
    expect(ballot.text).not.toContain('点按钮');

    // Friends get their confirmation privately; 王五 is no friend of the bot's account, so his is a
    // short mention in the room.
    r = await w.say(zhang, '投票 1 1', room);
    expect(r.sent).toEqual([expect.objectContaining({ toContactId: zhang.id, text: expect.stringContaining('同意') })]);
    await w.say(li, '投票 1 2', room);
    r = await w.say(li, '投票 1 同意', room);
    expect(r.sent).toEqual([expect.objectContaining({ toContactId: li.id, text: expect.stringContaining('同意') })]);
    r = await w.say(wang, 'vote 1 1', room);
    expect(r.sent).toEqual([expect.objectContaining({ roomId: room.id, text: expect.stringMatching(/^@王五\u2005.*同意/) })]);
    // Two ballots sent in quick succession: the later one counts.
    zhao.say('投票 1 1').to(room);
    await w.say(zhao, '投票 1 3', room);

    const [poll] = await database.db.select().from(s.polls).where(eq(s.polls.status, 'open'));
    const ballots = await database.db.select().from(s.ballots).where(eq(s.ballots.pollId, poll.id));
    expect(ballots).toHaveLength(4);

    expect((await w.say(zhang, '/close 1', room)).outcome?.errorCode).toBe('NOT_CHAIR');
    r = await w.say(staff, '/close 1', room);
    expect(r.sent).toHaveLength(1);
    expect(r.sent[0].roomId).toBe(room.id);
    expect(r.sent[0].text).toMatch(/同意\s*3/);
    expect(r.sent[0].text).toMatch(/反对\s*0/);
    expect(r.sent[0].text).toMatch(/弃权\s*1/);

    expect((await w.say(zhang, '投票 1 2', room)).sent[0].text).toBeTruthy(); // refused, but answered
    expect((await database.db.select().from(s.ballots).where(eq(s.ballots.pollId, poll.id))).filter((b) => b.choice === 2)).toHaveLength(0);

    r = await w.say(staff, '/progress 1 50 已报修，等待更换灯泡', room);
    expect(r.sent[0].text).toContain('50%');

    r = await w.say(staff, '/done 1', room);
    expect(r.sent).toHaveLength(1);
    expect(r.sent[0].text).toContain('1. 满意  2. 基本满意  3. 不满意');
    expect(r.sent[0].text).toContain('评价 1 1');

    await w.say(zhang, '评价 1 满意', room);
    await w.say(li, '评价 1 1', room);
    await w.say(zhao, '评价 1 基本满意', room);
    r = await w.say(staff, '/close 1', room);
    expect(r.sent[0].text).toMatch(/满意\s*2/);
    expect(r.sent[0].text).toMatch(/基本满意\s*1/);

    r = await w.say(zhao, '/show 1', room);
    expect(r.sent[0].text).toContain('东门路灯坏了');
    expect(r.sent[0].text).toContain('晚上太黑了');
    expect(r.sent[0].text).toContain('已报修');
    const [sug] = await database.db.select().from(s.suggestions).where(eq(s.suggestions.number, 1));
    expect(sug.stage).toBe('evaluated');
  });

  it('knows residents by their WeChat contact id, not by the name they show', async () => {
    const rows = await database.db.select().from(s.identities).where(eq(s.identities.platform, 'wechat'));
    const ids = rows.map((r) => r.platformUserId);
    expect(ids).toEqual(expect.arrayContaining([staff.id, zhang.id, li.id, wang.id, zhao.id]));
    expect(ids).not.toContain('张三');
    const before = await personOf('wechat', zhang.id);
    zhang.payload.name = '张三（3号楼）';
    await w.say(zhang, '/list', room);
    expect(await personOf('wechat', zhang.id)).toBe(before);
  });

  it('understands the forms residents type: Chinese words, full-width digits, a colon, no slash', async () => {
    let r = await w.say(li, '提议：西门垃圾桶满了，没人清理', room);
    expect(r.sent[0].text).toContain('#2');
    r = await w.say(zhang, '附议 ２', room);
    expect(r.sent[0].text).toContain('1/3');
    r = await w.say(zhao, 'support 2', room);
    expect(r.sent[0].text).toContain('2/3');
    const [sug] = await database.db.select().from(s.suggestions).where(eq(s.suggestions.number, 2));
    expect(sug.text).toBe('西门垃圾桶满了，没人清理');
  });

  it('answers a command that @-mentions the bot', async () => {
    const r = await w.say(wang, '@议事\u2005附议 2', room, [w.self]);
    expect(r.sent).toEqual([expect.objectContaining({ roomId: room.id, text: expect.stringContaining('3/3') })]);
  });

  it('stays silent on ordinary chatter and changes nothing', async () => {
    const audit = await database.db.select().from(s.auditLog);
    for (const text of ['今天天气不错', '提议大家周末一起打扫卫生吧', '@张三\u2005晚上一起吃饭', '哈哈哈']) {
      const r = await w.say(li, text, room);
      expect(r.outcome?.ignored).toBe(true);
      expect(r.sent).toEqual([]);
    }
    expect(await database.db.select().from(s.auditLog)).toHaveLength(audit.length);
  });

  it('ignores its own messages and non-text messages', async () => {
    const before = w.sent().length;
    await w.bot.sender.send({ platform: 'wechat', platformChatId: room.id, text: '提议 机器人自己说的话' });
    w.postImage(zhang, room);
    // Messages of one room are handled in order: once this one is answered, the two above were seen.
    const r = await w.say(zhao, '/list', room);
    expect(r.sent).toHaveLength(1);
    expect(w.sent().slice(before).map((m) => m.text)).toEqual(['提议 机器人自己说的话', r.sent[0].text]);
    const rows = await database.db.select().from(s.suggestions).where(eq(s.suggestions.text, '机器人自己说的话'));
    expect(rows).toEqual([]);
  });

  it('does nothing the second time the puppet delivers the same message', async () => {
    const first = await w.say(wang, '提议 南门加装减速带', room);
    expect(first.sent[0].text).toContain('#3');
    const again = await w.redeliver(first.id);
    expect(again.outcome?.duplicate).toBe(true);
    expect(again.sent).toEqual([]);
    expect(await database.db.select().from(s.suggestions).where(eq(s.suggestions.text, '南门加装减速带'))).toHaveLength(1);
  });

  it('sends privately what the core sends privately, and says it in the room to someone who is not a friend', async () => {
    let r = await w.say(zhang, '/link', room);
    expect(r.sent).toEqual([expect.objectContaining({ toContactId: zhang.id, text: expect.stringMatching(/[A-Z0-9]{6}/) })]);
    r = await w.say(wang, '关联', room);
    expect(r.sent).toEqual([expect.objectContaining({ roomId: room.id, text: expect.stringMatching(/^@王五\u2005/) })]);
  });

  it('takes commands in a private chat with the bot and answers there', async () => {
    let r = await w.say(zhao, '/help', 'private');
    expect(r.sent).toEqual([expect.objectContaining({ toContactId: zhao.id })]);
    r = await w.say(zhao, '开始', 'private');
    expect(r.sent).toEqual([expect.objectContaining({ toContactId: zhao.id })]);
    // Private reminders from the jobs go to this chat id: the contact's own id.
    const [identity] = await database.db.select().from(s.identities).where(and(eq(s.identities.platform, 'wechat'), eq(s.identities.platformUserId, zhao.id)));
    expect(identity.privateChatId).toBe(zhao.id);
  });

  it('gives jobs a sender that renders numbered choices and splits long texts', async () => {
    const sender = deps.senders.get('wechat')!;
    expect(sender).toBe(w.bot.sender);
    const before = w.sent().length;
    const long = Array.from({ length: 400 }, (_, i) => `第${i + 1}行：提醒内容`).join('\n');
    await sender.send({ platform: 'wechat', platformChatId: room.id, text: long });
    const parts = w.sent().slice(before);
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) {
      expect(p.roomId).toBe(room.id);
      expect([...p.text].length).toBeLessThanOrEqual(2000);
    }
    expect(parts.map((p) => p.text).join('\n')).toBe(long);
  });
});

describe('one person on WeChat and Telegram', () => {
  it('links the two identities with a code, and counts a ballot cast on either once (the later replaces the earlier)', async () => {
    // #3 reaches the vote in the WeChat room.
    await w.say(zhang, '附议 3', room);
    await w.say(li, '附议 3', room);
    await w.say(zhao, '附议 3', room);
    await w.say(staff, '/agenda 3', room);
    expect((await w.say(staff, '/poll 3', room)).sent[0].text).toContain('1. 同意');

    // The same community has a Telegram group too.
    const [community] = await database.db.select().from(s.communities).where(eq(s.communities.slug, 'xingfu'));
    await grantRole(database.db, community, { platform: 'telegram', platformUserId: '900' }, 'staff');
    const tgGroup = { platformChatId: '-100777', kind: 'group' as const, title: '幸福小区 Telegram' };
    const bound = await deps.core.handle({ platform: 'telegram', chat: tgGroup, sender: { platformUserId: '900', displayName: 'Staff' }, text: '/bind xingfu', updateKey: 'tg-1' });
    expect(bound.errorCode).toBeUndefined();

    // 张三 asks for a code in a private WeChat chat and sends it from his Telegram account.
    const r = await w.say(zhang, '关联', 'private');
    expect(r.sent).toHaveLength(1);
    expect(r.sent[0].toContactId).toBe(zhang.id);
    const code = /[A-Z0-9]{6}/.exec(r.sent[0].text)![0];
    const tgZhang = { platformUserId: '4242', displayName: 'Zhang San' };
    const linked = await deps.core.handle({ platform: 'telegram', chat: { platformChatId: '4242', kind: 'private' }, sender: tgZhang, text: `/link ${code}`, updateKey: 'tg-2' });
    expect(linked.errorCode).toBeUndefined();
    const person = await personOf('wechat', zhang.id);
    expect(await personOf('telegram', '4242')).toBe(person);

    // A ballot on Telegram, then one on WeChat: one ballot, the later one.
    const tgVote = await deps.core.handle({ platform: 'telegram', chat: tgGroup, sender: tgZhang, text: '/vote 3 2', updateKey: 'tg-3' });
    expect(tgVote.errorCode).toBeUndefined();
    const wxVote = await w.say(zhang, '投票 3 1', room);
    expect(wxVote.outcome?.errorCode).toBeUndefined();
    const [poll] = await database.db.select().from(s.polls).where(eq(s.polls.status, 'open'));
    const ballots = await database.db.select().from(s.ballots).where(eq(s.ballots.pollId, poll.id));
    expect(ballots).toEqual([expect.objectContaining({ personId: person, choice: 1 })]);

    const closed = await w.say(staff, '/close 3', room);
    expect(closed.sent[0].text).toMatch(/同意\s*1/);
    expect(closed.sent[0].text).toMatch(/反对\s*0/);
  });
});
