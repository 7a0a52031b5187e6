/** The callback as WeChat calls it: verification, plaintext and safe mode, forged signatures, replays, bad input. */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { count, eq } from 'drizzle-orm';
import * as s from '../../src/db/schema.js';
import { addCommunity } from '../../src/org/communities.js';
import { buildXml } from '../../bots/wechat-mp/xml.js';
import { startMpWorld, type MpWorld } from './harness.js';
import { MP_TOKEN } from '../support/fake-wechat-mp.js';

let plain: MpWorld;
let safe: MpWorld;
beforeAll(async () => {
  [plain, safe] = await Promise.all([startMpWorld({ jobs: false }), startMpWorld({ safe: true, jobs: false })]);
  for (const w of [plain, safe]) {
    await addCommunity(w.database.db, { slug: 'xingfu', name: '幸福社区', supportThreshold: 3 });
    await w.event('oResident0000000000000000001', 'subscribe', 'qrscene_xingfu');
  }
});
afterAll(async () => {
  await Promise.all([plain?.stop(), safe?.stop()]);
});

const suggestionCount = async (w: MpWorld) => (await w.database.db.select({ n: count() }).from(s.suggestions))[0]!.n;

describe('the Official Account callback', () => {
  it('answers the verification GET with exactly echostr, and 403 to a forged one', async () => {
    expect(await plain.fake.verify(plain.instances[0]!.url, 'echo-7788')).toEqual({ status: 200, body: 'echo-7788' });
    expect((await plain.fake.verify(plain.instances[0]!.url, 'echo-7788', true)).status).toBe(403);
  });

  it('takes a plaintext command and answers with a passive XML reply to the follower', async () => {
    const r = await plain.say('oResident0000000000000000001', '提议 东门路灯坏了');
    expect(r.status).toBe(200);
    expect(r.reply).toMatchObject({ ToUserName: 'oResident0000000000000000001', FromUserName: 'gh_0123456789ab', MsgType: 'text' });
    expect(r.text).toContain('#1');
    expect(await suggestionCount(plain)).toBe(1);
  });

  it('takes an encrypted command in safe mode and answers encrypted (signed, decrypting to the reply)', async () => {
    const r = await safe.say('oResident0000000000000000001', '提议：西门垃圾桶太少');
    expect(r.status).toBe(200);
    expect(r.body).toContain('<Encrypt>');
    expect(r.body).not.toContain('西门');
    expect(r.text).toContain('#1');
    expect(await suggestionCount(safe)).toBe(1);
  });

  it('refuses a forged signature with 403, in either mode, and changes nothing', async () => {
    const before = [await suggestionCount(plain), await suggestionCount(safe)];
    const a = await plain.fake.deliver(plain.target, plain.fake.text('oResident0000000000000000001', '提议 伪造的提议'), { forge: true });
    const b = await safe.fake.deliver(safe.target, safe.fake.text('oResident0000000000000000001', '提议 伪造的提议'), { forge: true, safe: true });
    expect([a.status, b.status]).toEqual([403, 403]);
    expect([await suggestionCount(plain), await suggestionCount(safe)]).toEqual(before);
    // A safe-mode body under a valid plain signature but a ciphertext that is not ours: 403 as well.
    const q = new URLSearchParams({ signature: 'x', timestamp: '1', nonce: '2', encrypt_type: 'aes', msg_signature: 'y' });
    const res = await fetch(`${safe.instances[0]!.url}/wechat-mp?${q}`, { method: 'POST', body: buildXml({ Encrypt: 'AAAA' }) });
    expect(res.status).toBe(403);
  });

  it('refuses a signed POST whose timestamp is more than 5 minutes from now with 403, in either mode, and changes nothing', async () => {
    const nowS = () => Math.floor(Date.now() / 1000);
    for (const w of [plain, safe]) {
      const mode = w === safe;
      const before = await suggestionCount(w);
      const updates = async () => (await w.database.db.select({ n: count() }).from(s.processedUpdates))[0]!.n;
      const seen = await updates();
      // One message (one MsgId), replayed six minutes late, and signed six minutes ahead: refused, nothing claimed.
      const fields = w.fake.text('oResident0000000000000000001', '提议 重放的提议');
      const late = await w.fake.deliver(w.target, fields, { safe: mode, timestamp: nowS() - 360, tries: 1 });
      const ahead = await w.fake.deliver(w.target, fields, { safe: mode, timestamp: nowS() + 360, tries: 1 });
      expect([late.status, ahead.status], mode ? 'safe' : 'plain').toEqual([403, 403]);
      expect(late.body).toBe('forbidden');
      expect(await suggestionCount(w)).toBe(before);
      expect(await updates()).toBe(seen);
      // A timestamp that is no number of seconds, correctly signed: refused too.
      const signature = createHash('sha1').update([MP_TOKEN, 'soon', '1'].sort().join('')).digest('hex');
      const q = new URLSearchParams({ signature, timestamp: 'soon', nonce: '1' });
      expect((await fetch(`${w.instances[0]!.url}/wechat-mp?${q}`, { method: 'POST', body: buildXml(fields) })).status).toBe(403);
      // Within the window (a retry seconds later, or a clock a few minutes off) the same message counts, once.
      const inWindow = await w.fake.deliver(w.target, fields, { safe: mode, timestamp: nowS() - 240 });
      expect(inWindow.status).toBe(200);
      expect(inWindow.reply?.Content).toContain('#');
      expect(await suggestionCount(w)).toBe(before + 1);
    }
  });

  it('says what works to an image, refuses a message over the size WeChat allows, and changes nothing', async () => {
    const before = await suggestionCount(plain);
    const img = await plain.fake.deliver(plain.target, plain.fake.other('oResident0000000000000000001', 'image'));
    expect(img.reply?.Content).toContain('文字');
    const long = await plain.say('oResident0000000000000000001', `提议 ${'很长'.repeat(400)}`);
    expect(long.text).toContain('太长');
    expect(await suggestionCount(plain)).toBe(before);
    const huge = await fetch(`${plain.instances[0]!.url}/wechat-mp?${new URLSearchParams({ signature: 'x', timestamp: '1', nonce: '2' })}`, { method: 'POST', body: 'x'.repeat(70_000) });
    expect([403, 413]).toContain(huge.status);
  });

  it('tells a follower who joined no community to scan a QR code first, and records nothing', async () => {
    const r = await plain.say('oStranger00000000000000000001', '附议 1');
    expect(r.text).toContain('二维码');
    const [row] = await plain.database.db.select({ n: count() }).from(s.supports);
    expect(row!.n).toBe(0);
    const help = await plain.say('oStranger00000000000000000001', '帮助');
    expect(help.text).toContain('二维码');
  });

  it('answers an unknown command and plain chatter with one short line saying what works', async () => {
    expect((await plain.say('oResident0000000000000000001', '你好')).text).toContain('帮助');
    const r = await plain.say('oResident0000000000000000001', '/frobnicate');
    expect(r.status).toBe(200);
    expect(r.text.length).toBeGreaterThan(0);
    const [row] = await plain.database.db.select().from(s.wechatMpFollowers).where(eq(s.wechatMpFollowers.openid, 'oResident0000000000000000001'));
    expect(row?.subscribed).toBe(true);
  });
});
