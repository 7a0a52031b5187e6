/**
 * WeChat waits 5 s and then delivers the same MsgId again (three tries). A slow answer is counted once and
 * reaches the follower exactly once: the passive reply of the try still waiting, or `success` and a
 * customer-service message — on one instance, and on two behind a round-robin proxy. (The platform's 5 s
 * are scaled down here; the order of the timeouts is the production one or, to force retries, reversed.)
 */
import { afterEach, describe, expect, it } from 'vitest';
import { count, eq } from 'drizzle-orm';
import * as s from '../../src/db/schema.js';
import { addCommunity } from '../../src/org/communities.js';
import { startMpWorld, type MpWorld } from './harness.js';

let w: MpWorld | undefined;
afterEach(async () => {
  await w?.stop();
  w = undefined;
});

const F = 'oSlowFollower000000000000001';

async function joined(world: MpWorld) {
  await addCommunity(world.database.db, { slug: 'xingfu', name: '幸福社区' });
  await world.event(F, 'subscribe', 'qrscene_xingfu');
}

const counts = async (world: MpWorld) => ({
  suggestions: (await world.database.db.select({ n: count() }).from(s.suggestions))[0]!.n,
  processed: (await world.database.db.select({ n: count() }).from(s.processedUpdates).where(eq(s.processedUpdates.platform, 'wechat-mp')))[0]!.n,
});

describe('a slow answer and WeChat retrying the MsgId', () => {
  it('counts a MsgId retried during a slow answer once, and the try still waiting gets the answer', async () => {
    w = await startMpWorld({ slowMs: 700, deadlineMs: 3000, jobs: false });
    await joined(w);
    const before = await counts(w);
    // WeChat gives up on each try after 300 ms here: tries 1 and 2 go unanswered, try 3 gets the reply.
    const d = await w.fake.deliver(w.target, w.fake.text(F, '提议 北门台阶太陡'), { timeoutMs: 300 });
    expect(d.tries).toBe(3);
    expect(d.reply?.Content).toContain('#1');
    await w.settle(300);
    const after = await counts(w);
    expect(after.suggestions - before.suggestions).toBe(1);
    expect(after.processed - before.processed).toBe(1);
    // Answered once: passively, and no customer-service copy.
    expect(w.fake.textsTo(F).filter((t) => t.includes('#1'))).toEqual([]);
  });

  it('says `success` at its deadline and sends the late answer as a customer-service message', async () => {
    w = await startMpWorld({ slowMs: 900, deadlineMs: 300, jobs: false });
    await joined(w);
    const d = await w.fake.deliver(w.target, w.fake.text(F, '提议 南门路面积水'), { timeoutMs: 1000 });
    expect([d.tries, d.body]).toEqual([1, 'success']);
    await w.fake.waitFor(() => w!.fake.textsTo(F).find((t) => t.includes('#1')), 10_000, 'the customer-service answer');
    await w.settle(300);
    expect(w.fake.textsTo(F).filter((t) => t.includes('#1'))).toHaveLength(1);
  });

  it('counts the retries of one message reaching two instances behind a round-robin proxy once, answered once', async () => {
    w = await startMpWorld({ instances: 2, slowMs: 700, deadlineMs: 3000, jobs: false });
    await joined(w);
    const before = await counts(w);
    const d = await w.fake.deliver(w.target, w.fake.text(F, '提议 小区东侧围墙破损'), { timeoutMs: 300 });
    await w.settle(1200);
    const after = await counts(w);
    expect(after.suggestions - before.suggestions).toBe(1);
    expect(after.processed - before.processed).toBe(1);
    const passive = d.reply?.Content?.includes('#1') ? 1 : 0;
    const bySupport = w.fake.textsTo(F).filter((t) => t.includes('#1')).length;
    expect(passive + bySupport).toBe(1);
    // Both instances saw the message (tries 1 and 3 on the first, try 2 on the second).
    expect(d.tries).toBe(3);
  });
});
