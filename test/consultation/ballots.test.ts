/** Ballots and ratings on real Postgres: one per person, changeable, exact under concurrency, close rules. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, count, eq } from 'drizzle-orm';
import { freshDatabase } from '../support/services.js';
import type { Database } from '../../src/db/client.js';
import * as s from '../../src/db/schema.js';
import type { CoreEvent } from '../../src/kernel/types.js';
import { makeWorld, press, replyText, say, type World } from '../core/helpers.js';

async function openVote(w: World, text = '修东门路灯', args = '') {
  const sug = await say(w, '作者', `/suggest ${text}`);
  const n = Number(/#(\d+)/.exec(replyText(sug))![1]);
  const poll = await say(w, 'staff', `/poll ${n} ${args}`.trim());
  expect(poll.errorCode).toBeUndefined();
  return { n, pollId: poll.replies[0].pollId!, buttons: poll.replies[0].buttons!.flat() };
}

describe('ballots', () => {
  let database: Database;
  beforeAll(async () => {
    database = await freshDatabase({ max: 20 });
  });
  afterAll(async () => {
    await database.close();
  });

  it('counts a changed ballot once, with the latest choice', async () => {
    const w = await makeWorld(database);
    const { n, pollId, buttons } = await openVote(w);
    expect((await press(w, '甲', buttons[0].data)).toast).toBe('已投：同意');
    expect((await press(w, '甲', buttons[1].data)).toast).toBe('已改投：反对');
    expect(replyText(await say(w, '甲', `/vote ${n} 弃权`))).toContain('已改投：弃权');
    const rows = await database.db.select().from(s.ballots).where(eq(s.ballots.pollId, pollId));
    expect(rows).toHaveLength(1);
    expect(rows[0].choice).toBe(3);
    const view = await w.core.ballotView(pollId);
    expect(view!.text).toContain('同意 0 · 反对 0 · 弃权 1');
    expect(view!.buttons!.flat()).toHaveLength(3);
    const audits = await database.db.select().from(s.auditLog).where(eq(s.auditLog.action, 'ballot.changed'));
    expect(audits.length).toBeGreaterThanOrEqual(2);
    expect(replyText(await say(w, 'staff', `/close ${n}`))).toContain('同意 0 · 反对 0 · 弃权 1');
  });

  it('counts 60 concurrent ballots (and 60 concurrent changes) exactly', async () => {
    const w = await makeWorld(database);
    const { n, pollId, buttons } = await openVote(w);
    const voters = Array.from({ length: 60 }, (_, i) => `邻居${i}`);
    const first = await Promise.all(voters.map((v, i) => press(w, v, buttons[i % 3].data)));
    expect(first.every((o) => o.errorCode === undefined)).toBe(true);
    // Everyone changes their mind at the same time: 0..29 -> 同意, 30..59 -> 反对.
    const second = await Promise.all(voters.map((v, i) => say(w, v, `/vote ${n} ${i < 30 ? 1 : 2}`)));
    expect(second.every((o) => o.errorCode === undefined)).toBe(true);
    const [{ c }] = await database.db.select({ c: count() }).from(s.ballots).where(eq(s.ballots.pollId, pollId));
    expect(Number(c)).toBe(60);
    const result = await say(w, 'staff', `/close ${n}`);
    expect(replyText(result)).toContain('同意 30 · 反对 30 · 弃权 0');
    expect(replyText(result)).toContain('未通过');
    const persons = await database.db.select({ c: count() }).from(s.roles).where(eq(s.roles.communityId, w.communityId));
    expect(Number(persons[0].c)).toBe(62); // 60 voters + author + staff, each one resident once
  });

  it('never lets a ballot land after a close, nor a close miss a committed ballot', async () => {
    const w = await makeWorld(database);
    const { n, pollId, buttons } = await openVote(w);
    const presses = Array.from({ length: 40 }, (_, i) => press(w, `快手${i}`, buttons[0].data));
    const closing = say(w, 'staff', `/close ${n}`);
    const outs = await Promise.all([...presses, closing]);
    const accepted = outs.slice(0, 40).filter((o) => !o.errorCode).length;
    const refused = outs.slice(0, 40).filter((o) => o.errorCode === 'POLL_CLOSED').length;
    expect(accepted + refused).toBe(40);
    const [poll] = await database.db.select().from(s.polls).where(eq(s.polls.id, pollId));
    const [{ c }] = await database.db.select({ c: count() }).from(s.ballots).where(eq(s.ballots.pollId, pollId));
    expect(Number(c)).toBe(accepted);
    expect((poll.result as { total: number }).total).toBe(accepted);
    expect(replyText(outs[40])).toContain(`同意 ${accepted} · 反对 0 · 弃权 0`);
  });

  it('uses custom choices, and a tie for the most votes is rejected', async () => {
    const w = await makeWorld(database);
    const { n, buttons } = await openVote(w, '车棚改在哪里', '7d 东门|西门|南门');
    expect(buttons.map((b) => b.label)).toEqual(['东门', '西门', '南门']);
    await say(w, '甲', `/vote ${n} 东门`);
    await say(w, '乙', `/vote ${n} 2`);
    const out = await say(w, 'staff', `/close ${n}`);
    expect(replyText(out)).toContain('东门 1 · 西门 1 · 南门 0');
    const [row] = await database.db.select().from(s.suggestions).where(and(eq(s.suggestions.communityId, w.communityId), eq(s.suggestions.number, n)));
    expect(row.stage).toBe('rejected');
  });

  it('closes a due poll once at its deadline and posts the result to its chat', async () => {
    const w = await makeWorld(database);
    const events: CoreEvent[] = [];
    const off = w.core.onEvent((e) => events.push(e));
    w.core.onEvent(() => {
      throw new Error('a broken listener must not break the core');
    });
    const { n, pollId } = await openVote(w, '装充电桩', '30m');
    expect(events).toContainEqual({ type: 'poll.opened', pollId, kind: 'vote', deadline: new Date(w.clock.current.getTime() + 30 * 60e3) });
    await say(w, '甲', `/vote ${n} 1`);
    expect(await w.core.closeDuePoll(pollId, new Date(w.clock.current.getTime() + 29 * 60e3))).toBeUndefined();
    w.clock.advance(31 * 60e3);
    expect((await say(w, '乙', `/vote ${n} 1`)).errorCode).toBe('POLL_CLOSED');
    const closed = await w.core.closeDuePoll(pollId, w.clock.current);
    expect(closed!.to).toEqual({ platform: 'telegram', platformChatId: w.chatId });
    expect(closed!.reply.text).toContain('同意 1 · 反对 0 · 弃权 0');
    expect(await w.core.closeDuePoll(pollId, w.clock.current)).toBeUndefined();
    expect(events).toContainEqual({ type: 'poll.closed', pollId });
    off();
    await w.core.setPollMessage(pollId, w.chatId, 'm-42');
    const [poll] = await database.db.select().from(s.polls).where(eq(s.polls.id, pollId));
    expect(poll.messageId).toBe('m-42');
    expect(poll.closedBy).toBeNull();
  });
});

describe('ratings', () => {
  let database: Database;
  beforeAll(async () => {
    database = await freshDatabase();
  });
  afterAll(async () => {
    await database.close();
  });

  async function carriedOut(w: World) {
    const { n, buttons } = await openVote(w, '修健身器材');
    await press(w, '甲', buttons[0].data);
    await say(w, 'staff', `/close ${n}`);
    await say(w, 'staff', `/progress ${n} 100 已修好`);
    const done = await say(w, 'staff', `/done ${n}`);
    return { n, pollId: done.replies[0].pollId!, buttons: done.replies[0].buttons!.flat() };
  }

  it('reopens to in_progress below the satisfaction threshold and says so', async () => {
    const w = await makeWorld(database, { satisfaction: 0.6 });
    const { n, buttons } = await carriedOut(w);
    expect((await press(w, '甲', buttons[0].data)).toast).toBe('已评价：满意');
    await press(w, '乙', buttons[2].data);
    await press(w, '丙', buttons[0].data);
    await press(w, '丙', buttons[2].data); // changed: one rating, the latest
    const out = await say(w, 'staff', `/close ${n}`);
    expect(replyText(out)).toContain('满意 1 · 基本满意 0 · 不满意 2');
    expect(replyText(out)).toContain('重新进入实施整改');
    const [row] = await database.db.select().from(s.suggestions).where(and(eq(s.suggestions.communityId, w.communityId), eq(s.suggestions.number, n)));
    expect(row.stage).toBe('in_progress');
    // Back at work, staff can report and finish again.
    expect((await say(w, 'staff', `/progress ${n} 100 返工完成`)).errorCode).toBeUndefined();
    expect((await say(w, 'staff', `/done ${n}`)).errorCode).toBeUndefined();
  });

  it('evaluates at or above the threshold', async () => {
    const w = await makeWorld(database, { satisfaction: 0.6 });
    const { n } = await carriedOut(w);
    await say(w, '甲', `/rate ${n} 满意`);
    await say(w, '乙', `/rate ${n} 2`);
    await say(w, '丙', `/rate ${n} 不满意`);
    const out = await say(w, 'staff', `/close ${n}`);
    expect(replyText(out)).toContain('满意 1 · 基本满意 1 · 不满意 1');
    expect(replyText(out)).toContain('67%');
    const [row] = await database.db.select().from(s.suggestions).where(and(eq(s.suggestions.communityId, w.communityId), eq(s.suggestions.number, n)));
    expect(row.stage).toBe('evaluated');
    // Who rated what is never shown.
    const shown = replyText(await say(w, '丁', `/show ${n}`));
    expect(shown).toContain('满意 1 · 基本满意 1 · 不满意 1');
    expect(shown).not.toMatch(/甲|乙|丙/);
  });

  it('treats a round nobody rated as not satisfied', async () => {
    const w = await makeWorld(database);
    const { n } = await carriedOut(w);
    const out = await say(w, 'staff', `/close ${n}`);
    expect(replyText(out)).toContain('无人评价');
    const [row] = await database.db.select().from(s.suggestions).where(and(eq(s.suggestions.communityId, w.communityId), eq(s.suggestions.number, n)));
    expect(row.stage).toBe('in_progress');
  });
});
