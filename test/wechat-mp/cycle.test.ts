/**
 * The whole cycle by four followers of the Official Account, one of them also on Telegram (linked with
 * /link): raise, support, agenda, a vote whose ballot is numbered text, every follower told privately
 * through the send queue, votes from both platforms counted as one person's one ballot, the result.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import * as s from '../../src/db/schema.js';
import { addCommunity } from '../../src/org/communities.js';
import { grantRole } from '../../src/people/roles.js';
import type { Incoming } from '../../src/kernel/types.js';
import { startMpWorld, type MpWorld } from './harness.js';

let w: MpWorld;
const staff = 'oStaffWang0000000000000000001';
const zhang = 'oZhangSan00000000000000000002';
const li = 'oLiSi000000000000000000000003';
const zhao = 'oZhaoLiu0000000000000000000004';
const followers = [staff, zhang, li, zhao];
const TG_GROUP = '-1001234567';

beforeAll(async () => {
  w = await startMpWorld();
  const community = await addCommunity(w.database.db, { slug: 'xingfu', name: '幸福社区', supportThreshold: 3 });
  await grantRole(w.database.db, community, { platform: 'wechat-mp', platformUserId: staff }, 'staff');
  await grantRole(w.database.db, community, { platform: 'telegram', platformUserId: '700' }, 'staff');
  for (const f of followers) expect((await w.event(f, 'subscribe', 'qrscene_xingfu')).text).toContain('幸福社区');
});
afterAll(async () => {
  await w?.stop();
});

/** Telegram, as its adapter would hand updates to the same core. */
const telegram = (from: string, text: string, chat: Incoming['chat'] = { platformChatId: TG_GROUP, kind: 'group' }) =>
  w.instances[0]!.deps.core.handle({ platform: 'telegram', chat, sender: { platformUserId: from, displayName: `tg${from}` }, text, updateKey: `tg-${Math.random()}` });

describe('four followers and one linked Telegram account run the cycle', () => {
  let pollId = 0;

  it('links Zhao\'s Telegram account to his follower identity with /link', async () => {
    expect((await telegram('700', '/bind xingfu')).replies[0]?.text).toContain('幸福社区');
    const code = /([A-Z0-9]{6})/.exec((await telegram('704', '/link', { platformChatId: '704', kind: 'private' })).replies[0]!.text)![1]!;
    expect((await w.say(zhao, `关联 ${code}`)).text).toContain('已关联');
    const ids = await w.database.db.select().from(s.identities).where(eq(s.identities.platformUserId, zhao));
    const tg = await w.database.db.select().from(s.identities).where(and(eq(s.identities.platform, 'telegram'), eq(s.identities.platformUserId, '704')));
    expect(tg[0]!.personId).toBe(ids[0]!.personId);
  });

  it('raises, supports to the threshold, puts it on the agenda and opens a vote whose ballot is numbered text', async () => {
    expect((await w.say(zhang, '提议 东门路灯坏了，晚上很黑')).text).toContain('#1');
    expect((await w.say(staff, '附议 1')).text).toContain('1/3');
    expect((await w.say(li, '附议 1')).text).toContain('2/3');
    expect((await w.say(zhao, '附议 1')).text).toContain('3/3');
    await w.say(staff, '议程 1');
    const ballot = await w.say(staff, '发起投票 1');
    expect(ballot.text).toMatch(/1\. 同意 {2}2\. 反对 {2}3\. 弃权/);
    expect(ballot.text).toContain('投票 1');
    const [poll] = await w.database.db.select().from(s.polls);
    pollId = poll!.id;
  });

  it('tells every follower of the community privately that the vote opened (customer-service messages via the send queue)', async () => {
    for (const f of followers) await w.fake.waitFor(() => w.fake.textsTo(f).some((t) => t.includes('1. 同意')), 15_000, `the ballot notice to ${f}`);
    await w.settle(300);
    for (const f of followers) expect(w.fake.textsTo(f).filter((t) => t.includes('1. 同意'))).toHaveLength(1);
  });

  it('counts votes by text, and Zhao voting again from Telegram changes his one ballot', async () => {
    expect((await w.say(zhang, '投票 1 1')).text).toContain('同意');
    expect((await w.say(li, '投票 １ ２')).text).toContain('反对');
    expect((await w.say(zhao, 'vote 1 1')).text).toContain('同意');
    const tg = await telegram('704', '/vote 1 2');
    expect(tg.stored).toBe(true);
    const ballots = await w.database.db.select().from(s.ballots).where(eq(s.ballots.pollId, pollId));
    expect(ballots).toHaveLength(3);
    const [zhaoIdentity] = await w.database.db.select().from(s.identities).where(eq(s.identities.platformUserId, zhao));
    expect(ballots.find((b) => b.personId === zhaoIdentity!.personId)?.choice).toBe(2);
  });

  it('closes the vote and every follower hears the result', async () => {
    const closed = await w.say(staff, '关闭 1');
    expect(closed.text).toMatch(/#1/);
    // The account's text takes no file: the result picture is a signed link on the web page.
    expect(closed.text).toMatch(/结果图：http:\/\/\S+\/f\/chart\/\d+\/zh\/\d+\/[A-Za-z0-9_-]{32}\.png/);
    for (const f of [zhang, li, zhao]) await w.fake.waitFor(() => w.fake.textsTo(f).some((t) => t.includes('#1') && !t.includes('1. 同意') && t.includes('/f/chart/')), 15_000, `the result to ${f}`);
    const [poll] = await w.database.db.select().from(s.polls).where(eq(s.polls.id, pollId));
    expect(poll?.status).toBe('closed');
    expect((await w.say(li, '我的积分')).status).toBe(200);
  });
});
