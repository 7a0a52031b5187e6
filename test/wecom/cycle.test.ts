/**
 * The WeCom adapter end to end: five members of a WeCom group talk to the bot through the fake WeCom
 * server (the SDK's wire, wsUrl), the real core on a fresh real Postgres.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import * as s from '../../src/db/schema.js';
import { addCommunity } from '../../src/org/communities.js';
import { grantRole } from '../../src/people/roles.js';
import { frameText, type WecomUser } from '../support/fake-wecom.js';
import { cardOf, startWecomWorld, type WecomWorld } from './harness.js';

let w: WecomWorld;
const GROUP = 'wrkSFfCgAAxyz-group1';
const staff: WecomUser = { userid: 'WangZhuRen' };
const zhang: WecomUser = { userid: 'ZhangSan' };
const li: WecomUser = { userid: 'LiSi' };
const wang: WecomUser = { userid: 'WangWu' };
const zhao: WecomUser = { userid: 'ZhaoLiu', corpid: 'wpOtherCorp' };

beforeAll(async () => {
  w = await startWecomWorld();
  const community = await addCommunity(w.database.db, { slug: 'xingfu', name: '幸福社区', supportThreshold: 3 });
  await grantRole(w.database.db, community, { platform: 'wecom', platformUserId: staff.userid }, 'staff');
});
afterAll(async () => {
  await w?.stop();
});

const ballots = async (pollId: number) => w.database.db.select().from(s.ballots).where(eq(s.ballots.pollId, pollId));
const ratings = async (pollId: number) => w.database.db.select().from(s.ratings).where(eq(s.ratings.pollId, pollId));

describe('a WeCom group running the consultation cycle', () => {
  let voteTask = '';
  let votePoll = 0;

  it('binds the group, takes a suggestion to the threshold and opens a vote whose ballot is a card', async () => {
    let r = await w.say(staff, '@议事 /bind xingfu', GROUP);
    expect(r.frames).toHaveLength(1);
    expect(r.frames[0]).toMatchObject({ cmd: 'aibot_respond_msg', reqId: r.reqId, body: { msgtype: 'stream', stream: { finish: true } } });
    expect(r.text).toContain('幸福社区');
    const [chat] = await w.database.db.select().from(s.chats).where(and(eq(s.chats.platform, 'wecom'), eq(s.chats.platformChatId, GROUP)));
    expect(chat?.communityId).not.toBeNull();

    r = await w.say(zhang, '@议事\u2005提议 东门路灯坏了', GROUP);
    expect(r.text).toContain('#1');
    expect((await w.say(li, '@议事 附议 1', GROUP)).text).toContain('1/3');
    expect((await w.say(wang, '@议事 /附议 1', GROUP)).text).toContain('2/3');
    expect((await w.say(zhao, '@议事\u2005/support 1', GROUP)).text).toContain('3/3');
    expect((await w.say(li, '@议事 议 1 晚上太黑了，老人出门不方便', GROUP)).frames).toHaveLength(1);
    expect((await w.say(zhang, '@议事 /agenda 1', GROUP)).text).toBeTruthy(); // refused (not chair), but answered
    await w.say(staff, '@议事 /agenda 1', GROUP);

    r = await w.say(staff, '@议事 /poll 1', GROUP);
    expect(r.frames).toHaveLength(1);
    const card = cardOf(r.frames[0]);
    expect(r.frames[0]).toMatchObject({ cmd: 'aibot_respond_msg', reqId: r.reqId, body: { msgtype: 'template_card' } });
    expect(card.card_type).toBe('button_interaction');
    expect(card.button_list.map((b: { text: string }) => b.text)).toEqual(['同意', '反对', '弃权']);
    expect(card.button_list.every((b: { key: string }) => /^v:\d+:[123]$/.test(b.key))).toBe(true);
    expect(card.task_id).toMatch(/^[0-9A-Za-z_\-@]{1,128}$/);
    voteTask = card.task_id;
    votePoll = Number(card.button_list[0].key.split(':')[1]);
    const [poll] = await w.database.db.select().from(s.polls).where(eq(s.polls.id, votePoll));
    expect(poll?.messageId).toBe(voteTask);
  });

  it('records card presses, updates the card for everyone with the counts and tells the presser what was recorded', async () => {
    const key = (k: number) => `v:${votePoll}:${k}`;
    let r = await w.press(zhang, GROUP, key(1), voteTask);
    const updates = r.frames.filter((f) => f.cmd === 'aibot_respond_update_msg');
    expect(updates).toHaveLength(2);
    expect(updates.every((f) => f.reqId === r.reqId && f.body.response_type === 'update_template_card')).toBe(true);
    // First everyone's card (no userids), then the presser's, which also says what was recorded.
    expect(updates[0]!.body.userids).toBeUndefined();
    expect(frameText(updates[0]!)).toMatch(/同意 1/);
    expect(updates[1]!.body.userids).toEqual([zhang.userid]);
    expect(frameText(updates[1]!)).toMatch(/同意/);
    expect(frameText(updates[1]!).split('\n')[1]).not.toBe(frameText(updates[0]!).split('\n')[1]);
    expect(cardOf(updates[0]).task_id).toBe(voteTask);
    // A card update is the only answer: nothing is posted to the group.
    expect(r.frames.filter((f) => f.cmd !== 'aibot_respond_update_msg')).toEqual([]);

    await w.press(li, GROUP, key(2), voteTask);
    r = await w.press(li, GROUP, key(1), voteTask); // a changed vote: the latest counts
    expect(frameText(r.frames[0]!)).toMatch(/同意 2 · 反对 0/);
    await w.press(zhao, GROUP, key(3), voteTask);
    expect((await w.say(wang, '@议事 投票 1 1', GROUP)).text).toContain('同意'); // text /vote still works

    // WeCom delivers a press again (same msgid): nothing changes, the card still shows the counts.
    const again = w.fake.redeliver({ body: r.body });
    await w.fake.waitFor(() => w.fake.frames.some((f) => f.reqId === again.reqId), 10_000, 'the re-delivered press');
    await w.settle();
    const redelivered = w.fake.frames.filter((f) => f.reqId === again.reqId);
    expect(redelivered).toHaveLength(1);
    expect(redelivered[0]!.body.userids).toBeUndefined();

    const rows = await ballots(votePoll);
    expect(rows).toHaveLength(4);
    expect(rows.map((b) => b.choice).sort()).toEqual([1, 1, 1, 3]);
  });

  it('closes the vote with the result as a new message, then a press on the closed ballot changes nothing', async () => {
    let r = await w.say(staff, '@议事 /close 1', GROUP);
    expect(r.frames).toHaveLength(1);
    expect(r.text).toMatch(/同意\s*3/);
    expect(r.text).toMatch(/反对\s*0/);
    expect(r.text).toMatch(/弃权\s*1/);

    const late = await w.press(zhang, GROUP, `v:${votePoll}:2`, voteTask);
    expect(late.frames.length).toBeGreaterThan(0);
    const mine = late.frames.find((f) => f.body.userids?.[0] === zhang.userid);
    expect(frameText(mine!)).toBeTruthy();
    expect((await ballots(votePoll)).filter((b) => b.choice === 2)).toHaveLength(0);
  });

  it('reports progress, opens the rating as a card, takes ratings by press and closes it', async () => {
    expect((await w.say(staff, '@议事 /progress 1 50 已报修，等待更换灯泡', GROUP)).text).toContain('50%');
    const r = await w.say(staff, '@议事 /done 1', GROUP);
    const card = cardOf(r.frames[0]);
    expect(card.button_list.map((b: { text: string }) => b.text)).toEqual(['满意', '基本满意', '不满意']);
    const pollId = Number(card.button_list[0].key.split(':')[1]);
    await w.press(zhang, GROUP, `r:${pollId}:1`, card.task_id);
    await w.press(li, GROUP, `r:${pollId}:1`, card.task_id);
    await w.press(zhao, GROUP, `r:${pollId}:2`, card.task_id);
    await w.press(zhao, GROUP, `r:${pollId}:2`, card.task_id); // the same choice again: still one rating
    expect(await ratings(pollId)).toHaveLength(3);
    const closed = await w.say(staff, '@议事 /close 1', GROUP);
    expect(closed.text).toMatch(/满意\s*2/);
    expect(closed.text).toMatch(/基本满意\s*1/);
    const shown = await w.say(zhao, '@议事 /show 1', GROUP);
    expect(shown.text).toContain('东门路灯坏了');
    expect(shown.text).toContain('已报修');
  });

  it('knows members by userid (with the corp id when WeCom sends one), never by a name', async () => {
    const rows = await w.database.db.select().from(s.identities).where(eq(s.identities.platform, 'wecom'));
    expect(rows.map((r) => r.platformUserId)).toEqual(expect.arrayContaining(['WangZhuRen', 'ZhangSan', 'LiSi', 'WangWu', 'wpOtherCorp:ZhaoLiu']));
  });

  it('stays silent on chatter and on a bare mention', async () => {
    for (const text of ['@议事', '今天天气不错', '@议事 大家周末好']) {
      const r = await w.say(li, text, GROUP, { quiet: true });
      expect(r.frames).toEqual([]);
    }
  });

  it('answers in a direct chat and welcomes someone who opens it', async () => {
    const r = await w.say(li, '/help');
    expect(r.frames).toHaveLength(1);
    expect(r.text).toContain('/');
    const entered = w.fake.enterChat(li);
    await w.fake.waitFor(() => w.fake.frames.some((f) => f.reqId === entered.reqId), 10_000, 'the welcome');
    const welcome = w.fake.frames.find((f) => f.reqId === entered.reqId)!;
    expect(welcome).toMatchObject({ cmd: 'aibot_respond_welcome_msg', body: { msgtype: 'text' } });
  });

  it('sends a private reply to the member directly by userid', async () => {
    const before = w.fake.frames.length;
    const r = await w.say(zhang, '@议事 /link', GROUP, { quiet: true });
    const sent = w.fake.frames.slice(before);
    expect(r.reqId).toBeTruthy();
    const toZhang = sent.filter((f) => f.cmd === 'aibot_send_msg' && f.body.chatid === zhang.userid);
    expect(toZhang).toHaveLength(1);
    expect(frameText(toZhang[0]!)).toMatch(/[A-Z0-9]{6}/);
    expect(sent.filter((f) => f.body.chatid === GROUP || f.reqId === r.reqId).map(frameText).join('\n')).not.toMatch(/[A-Z0-9]{6}\b/);
  });

  it('links a WeCom and a Telegram identity with /link: one person, one ballot', async () => {
    const before = w.fake.frames.length;
    await w.say(wang, '@议事 /link', GROUP, { quiet: true });
    await w.settle();
    const dm = w.fake.frames.slice(before).find((f) => f.cmd === 'aibot_send_msg' && f.body.chatid === wang.userid)!;
    const code = /[A-Z0-9]{6,}/.exec(frameText(dm))![0];
    const core = w.deps.core;
    const tgUser = { platformUserId: '777001', displayName: 'Wang Wu', lang: 'zh-hans' };
    const linked = await core.handle({ platform: 'telegram', chat: { platformChatId: '777001', kind: 'private' }, sender: tgUser, text: `/link ${code}` });
    expect(linked.errorCode).toBeUndefined();
    const ids = await w.database.db.select().from(s.identities).where(eq(s.identities.displayName, 'Wang Wu'));
    const [wecomId] = await w.database.db.select().from(s.identities).where(and(eq(s.identities.platform, 'wecom'), eq(s.identities.platformUserId, wang.userid)));
    expect(ids.map((i) => i.personId)).toEqual([wecomId!.personId]);

    // A new vote in the WeCom group; the same community also has a Telegram group.
    const [chat] = await w.database.db.select().from(s.chats).where(eq(s.chats.platformChatId, GROUP));
    await w.database.db.insert(s.chats).values({ platform: 'telegram', platformChatId: '-100777', kind: 'group', title: 'tg', communityId: chat!.communityId, boundAt: new Date() });
    await w.say(li, '@议事 提议 西门加装路灯', GROUP);
    await w.say(zhang, '@议事 附议 2', GROUP);
    await w.say(zhao, '@议事 附议 2', GROUP);
    await w.say(staff, '@议事 /agenda 2', GROUP);
    const card = cardOf((await w.say(staff, '@议事 /poll 2', GROUP)).frames[0]);
    const pollId = Number(card.button_list[0].key.split(':')[1]);
    await w.press(wang, GROUP, `v:${pollId}:1`, card.task_id);
    const tg = await core.handle({ platform: 'telegram', chat: { platformChatId: '-100777', kind: 'group', title: 'tg' }, sender: tgUser, text: '/vote 2 2' });
    expect(tg.errorCode).toBeUndefined();
    const rows = await ballots(pollId);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.choice).toBe(2);
  });
});
