/**
 * The 'wechat-mp' sender through the real send queue against the fake API: a broadcast to a community's
 * followers when the token expires in the middle (42001: refreshed once, everyone gets it once), a follower
 * outside the window (45015: template, or recorded undeliverable, never retried), the quota (45009: sent
 * later), and the access token shared by instances with one refresh in flight.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, like } from 'drizzle-orm';
import { Redis } from 'ioredis';
import * as s from '../../src/db/schema.js';
import { addCommunity } from '../../src/org/communities.js';
import { WechatMpApi } from '../../src/services/wechat-mp-api.js';
import { MP_APP_ID, MP_SECRET } from '../support/fake-wechat-mp.js';
import { redisUrl } from '../support/services.js';
import { startMpWorld, type MpWorld } from './harness.js';

let w: MpWorld;
let t: MpWorld;
const people = ['oBroad1', 'oBroad2', 'oBroad3', 'oBroad4', 'oBroad5'].map((p) => p.padEnd(28, '0'));
let chat = '';

beforeAll(async () => {
  [w, t] = await Promise.all([startMpWorld(), startMpWorld({ template: true })]);
  for (const world of [w, t]) {
    const c = await addCommunity(world.database.db, { slug: 'xingfu', name: '幸福社区' });
    chat = `c:${c.id}`;
    for (const p of people) await world.event(p, 'subscribe', 'qrscene_xingfu');
  }
});
afterAll(async () => {
  await Promise.all([w?.stop(), t?.stop()]);
});

const rows = (world: MpWorld, prefix: string) => world.database.db.select().from(s.outboundMessages).where(like(s.outboundMessages.dedupeKey, `${prefix}%`));
/** Waits until `n` rows with keys starting `prefix` are sent or failed. */
async function waitSettled(world: MpWorld, prefix: string, n: number): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const r = (await rows(world, prefix)).filter((x) => x.status !== 'pending');
    if (r.length >= n) return;
    if (Date.now() > deadline) throw new Error(`timed out: ${r.length}/${n} of ${prefix} settled`);
    await new Promise((res) => setTimeout(res, 50));
  }
}

describe('the wechat-mp sender', () => {
  it('refreshes the token once when it expires mid-broadcast (42001), and every follower gets the message once', async () => {
    w.fake.expireTokenAfter(2);
    const fetchesBefore = w.fake.tokenFetches;
    await w.instances[0]!.jobs!.queueMessages([{ platform: 'wechat-mp', platformChatId: chat, dedupeKey: 'bc-1', payload: { text: '周六上午议事会' } }]);
    await waitSettled(w, 'wechat-mp:fan:', people.length);
    await w.settle(300);
    for (const p of people) expect(w.fake.textsTo(p).filter((x) => x === '周六上午议事会')).toHaveLength(1);
    // Sends under way at once may each meet the expired token; it is fetched again once.
    expect(w.fake.calls.filter((c) => c.errcode === 42001).length).toBeGreaterThanOrEqual(1);
    // The first token of this world, then one refresh (forced, after the 42001), however many sends met it.
    expect(w.fake.tokenFetches - fetchesBefore).toBe(2);
    expect(w.fake.calls.filter((c) => c.api === 'cgi-bin/stable_token' && c.body?.force_refresh === true)).toHaveLength(1);
    expect((await rows(w, 'wechat-mp:fan:')).every((r) => r.status === 'sent')).toBe(true);
    expect((await rows(w, 'bc-1'))[0]?.status).toBe('sent');
  });

  it('records a follower outside the window (45015) undeliverable without a template, once, while the others get it', async () => {
    w.fake.fail('cgi-bin/message/custom/send', 45015, { openid: people[2], times: 50 });
    await w.instances[0]!.jobs!.queueMessages([{ platform: 'wechat-mp', platformChatId: chat, dedupeKey: 'bc-2', payload: { text: '投票已开始 #1' } }]);
    await waitSettled(w, 'wechat-mp:fan:', people.length * 2);
    await w.settle(500);
    const failed = (await rows(w, 'wechat-mp:fan:')).filter((r) => r.status === 'failed');
    expect(failed.map((r) => r.platformChatId)).toEqual([people[2]]);
    expect(failed[0]!.lastError).toContain('undeliverable');
    expect(w.fake.calls.filter((c) => c.errcode === 45015)).toHaveLength(1); // no retry storm
    for (const p of people.filter((x) => x !== people[2])) expect(w.fake.textsTo(p)).toContain('投票已开始 #1');
  });

  it('sends the template message instead when WECHAT_MP_TEMPLATE_ID is set (45015, or known outside the window)', async () => {
    t.fake.fail('cgi-bin/message/custom/send', 45015, { openid: people[0], times: 50 });
    // people[1] last wrote three days ago: no customer-service attempt at all.
    await t.database.db.update(s.wechatMpFollowers).set({ lastInteractionAt: new Date(Date.now() - 72 * 3600_000) }).where(eq(s.wechatMpFollowers.openid, people[1]!));
    await t.instances[0]!.jobs!.queueMessages([{ platform: 'wechat-mp', platformChatId: chat, dedupeKey: 'bc-3', payload: { text: '#1 东门路灯：投票结果\n同意 3 反对 1' } }]);
    await waitSettled(t, 'wechat-mp:fan:', people.length);
    await t.settle(300);
    expect(t.fake.templates.map((x) => x.openid).sort()).toEqual([people[0], people[1]].sort());
    expect(t.fake.templates[0]).toMatchObject({ templateId: 'tmpl-yishi-notice', data: { keyword1: { value: '#1' } } });
    expect(t.fake.calls.filter((c) => c.api === 'cgi-bin/message/custom/send' && c.query.access_token && c.body?.touser === people[1])).toHaveLength(0);
    expect((await rows(t, 'wechat-mp:fan:')).every((r) => r.status === 'sent')).toBe(true);
  });

  it('waits after 45009 (quota) and sends later, exactly once', async () => {
    w.fake.fail('cgi-bin/message/custom/send', 45009, { openid: people[3], times: 1 });
    const t0 = Date.now();
    await w.instances[0]!.jobs!.queueMessages([{ platform: 'wechat-mp', platformChatId: people[3]!, dedupeKey: 'quota-1', payload: { text: '配额用完后送达' } }]);
    await w.fake.waitFor(() => w.fake.textsTo(people[3]!).includes('配额用完后送达'), 15_000, 'the message after the quota wait');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
    await w.settle(300);
    expect(w.fake.textsTo(people[3]!).filter((x) => x === '配额用完后送达')).toHaveLength(1);
    expect((await rows(w, 'quota-1'))[0]?.status).toBe('sent');
  });

  it('shares one access token between instances through Redis, fetched once however many ask at once', async () => {
    const redisA = new Redis(redisUrl(), { maxRetriesPerRequest: 1 });
    const redisB = new Redis(redisUrl(), { maxRetriesPerRequest: 1 });
    try {
      // A root of its own (the same fake, spelled with a dot segment) so no token is cached for it yet.
      const apiRoot = `${w.fake.url}/.`;
      const a = new WechatMpApi({ appId: MP_APP_ID, appSecret: MP_SECRET, apiRoot, redis: redisA });
      const b = new WechatMpApi({ appId: MP_APP_ID, appSecret: MP_SECRET, apiRoot, redis: redisB });
      const before = w.fake.tokenFetches;
      const first = await Promise.all([a.token(), b.token(), a.token()]);
      expect(new Set(first).size).toBe(1);
      expect(w.fake.tokenFetches - before).toBe(1);
      // The token refused (say 40001) on both instances at once: one of them refreshes it, the other takes the new one.
      const fresh = await Promise.all([a.refresh(first[0]), b.refresh(first[0]), b.refresh(first[0]), a.token()]);
      expect(new Set(fresh.slice(0, 3)).size).toBe(1);
      expect(fresh[0]).not.toBe(first[0]);
      expect(w.fake.tokenFetches - before).toBe(2);
    } finally {
      redisA.disconnect();
      redisB.disconnect();
    }
  });
});
