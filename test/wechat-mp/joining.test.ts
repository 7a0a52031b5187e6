/** Following with a QR code's scene joins a community (and grid); unfollowing stops every send; 切换. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import * as s from '../../src/db/schema.js';
import { addCommunity } from '../../src/org/communities.js';
import { addGridTx } from '../../src/admin/org.js';
import { inTransaction } from '../../src/kernel/unit-of-work.js';
import { startMpWorld, type MpWorld } from './harness.js';

let w: MpWorld;
const A = 'oFollowerA000000000000000001';
const B = 'oFollowerB000000000000000002';
beforeAll(async () => {
  w = await startMpWorld();
  await addCommunity(w.database.db, { slug: 'xingfu', name: '幸福社区' });
  await addCommunity(w.database.db, { slug: 'heping', name: '和平社区' });
  await inTransaction(w.database.db, (tx) => addGridTx(tx, { community: 'xingfu', slug: 'east', name: '东区', workers: [] }, 'test'));
});
afterAll(async () => {
  await w?.stop();
});

const memberships = (openid: string) => w.database.db.select().from(s.wechatMpMemberships).where(eq(s.wechatMpMemberships.openid, openid));
const audits = (action: string) => w.database.db.select().from(s.auditLog).where(eq(s.auditLog.action, action));

describe('joining by QR code', () => {
  it('joins the community of a subscribe scene as a resident, welcomed with what they can do; a retried event counts once', async () => {
    const createTime = Math.floor(Date.now() / 1000);
    const r = await w.event(A, 'subscribe', 'qrscene_xingfu', { createTime });
    expect(r.text).toContain('幸福社区');
    expect(r.text).toContain('提议');
    // WeChat delivers the same event again (same FromUserName, CreateTime, Event, EventKey): nothing new.
    const again = await w.event(A, 'subscribe', 'qrscene_xingfu', { createTime });
    expect(again.body).toBe('success');
    expect(await memberships(A)).toHaveLength(1);
    expect(await audits('wechat_mp.joined')).toHaveLength(1);
    const [identity] = await w.database.db.select().from(s.identities).where(and(eq(s.identities.platform, 'wechat-mp'), eq(s.identities.platformUserId, A)));
    const [community] = await w.database.db.select().from(s.communities).where(eq(s.communities.slug, 'xingfu'));
    const [role] = await w.database.db.select().from(s.roles).where(and(eq(s.roles.personId, identity!.personId), eq(s.roles.communityId, community!.id)));
    expect(role?.role).toBe('resident');
    expect(identity?.privateChatId).toBe(A);
    // Their commands now reach the community.
    expect((await w.say(A, '提议 楼道灯不亮')).text).toContain('#1');
  });

  it('joins a grid with SCAN `<slug>:<grid>` and switches between the communities followed with 切换', async () => {
    expect((await w.event(A, 'SCAN', 'xingfu:east')).text).toContain('东区');
    const [m] = await memberships(A);
    expect(m?.gridId).not.toBeNull();
    expect((await w.event(A, 'SCAN', 'heping')).text).toContain('和平社区');
    expect((await w.say(A, '提议 和平的提议')).text).toContain('#1');
    expect((await w.say(A, '切换 xingfu')).text).toContain('幸福社区');
    expect((await w.say(A, '提议 幸福的第二条')).text).toContain('#2');
    expect((await w.say(A, '切换 nowhere')).text).toContain('nowhere');
    expect((await w.say(A, '切换')).text).toContain('和平社区');
  });

  it('answers an unknown community, an unknown grid and a malformed scene clearly, joining nothing', async () => {
    expect((await w.event(B, 'subscribe', 'qrscene_gone')).text).toContain('gone');
    expect((await w.event(B, 'SCAN', 'xingfu:west')).text).toContain('west');
    expect((await w.event(B, 'SCAN', 'Bad Scene!')).text).toContain('二维码');
    expect(await memberships(B)).toHaveLength(0);
    expect((await w.say(B, '提议 没加入也想提')).text).toContain('二维码');
    expect(await w.database.db.select().from(s.suggestions).where(eq(s.suggestions.text, '没加入也想提'))).toHaveLength(0);
  });

  it('stops every send to a follower who unfollows: a queued message is recorded undeliverable, none reaches the platform', async () => {
    await w.event(B, 'subscribe', 'qrscene_xingfu');
    await w.event(B, 'unsubscribe');
    const [f] = await w.database.db.select().from(s.wechatMpFollowers).where(eq(s.wechatMpFollowers.openid, B));
    expect(f?.subscribed).toBe(false);
    const jobs = w.instances[0]!.jobs!;
    const before = w.fake.texts.length;
    await jobs.queueMessages([{ platform: 'wechat-mp', platformChatId: B, dedupeKey: 'test-unsub-1', payload: { text: '不应送达' } }]);
    // A is in the east grid's chat now (and B, before unfollowing, in the community's).
    const [community] = await w.database.db.select().from(s.communities).where(eq(s.communities.slug, 'xingfu'));
    const [aChat] = await w.database.db.select({ id: s.chats.platformChatId }).from(s.wechatMpMemberships).innerJoin(s.chats, eq(s.chats.id, s.wechatMpMemberships.chatId)).where(and(eq(s.wechatMpMemberships.openid, A), eq(s.wechatMpMemberships.communityId, community!.id)));
    for (const chat of [`c:${community!.id}`, aChat!.id])
      await jobs.queueMessages([{ platform: 'wechat-mp', platformChatId: chat, dedupeKey: `test-unsub-${chat}`, payload: { text: '社区通知' } }]);
    await w.fake.waitFor(() => w.fake.texts.some((t) => t.text === '社区通知'), 10_000, 'the community notice');
    await w.settle(300);
    expect(w.fake.textsTo(B)).toEqual([]);
    const [row] = await w.database.db.select().from(s.outboundMessages).where(eq(s.outboundMessages.dedupeKey, 'test-unsub-1'));
    expect(row?.status).toBe('failed');
    expect(row?.lastError).toContain('unfollowed');
    expect(w.fake.texts.length - before).toBe(1); // the notice to A only (B is not among the community's followers any more)
  });
});
