/** Similar suggestions named when one is raised, the 附议 #k button, and `/merge <n> <k>` by staff. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, asc, eq, sql } from 'drizzle-orm';
import { freshDatabase } from '../support/services.js';
import type { Database } from '../../src/db/client.js';
import * as s from '../../src/db/schema.js';
import { decodeProfile, profile } from '../../src/domain/similarity.js';
import { grantStaff, incoming, makeWorld, press, replyText, say, snapshot, uid, type World } from '../core/helpers.js';

describe('similar suggestions and merging', () => {
  let database: Database;

  beforeAll(async () => {
    database = await freshDatabase();
  });
  afterAll(async () => {
    await database.close();
  });

  const item = async (w: World, n: number) => {
    const [row] = await database.db.select().from(s.suggestions).where(and(eq(s.suggestions.communityId, w.communityId), eq(s.suggestions.number, n)));
    return row!;
  };
  const supporters = async (w: World, n: number) =>
    (await database.db.select({ name: s.persons.displayName }).from(s.supports).innerJoin(s.persons, eq(s.persons.id, s.supports.personId)).where(eq(s.supports.suggestionId, (await item(w, n)).id)))
      .map((r) => r.name)
      .sort();
  const dm = (w: World, who: string) => ({ chat: { platformChatId: `dm-${uid(w, who)}`, kind: 'private' as const } });

  it('names a raised duplicate in the reply to /suggest, with how to support it instead and a 附议 #k button', async () => {
    const w = await makeWorld(database, { threshold: 3 });
    await say(w, '张三', '/suggest 东门路灯坏了');
    await say(w, '李四', '/suggest 东门垃圾桶满了');
    await say(w, '王五', '/suggest 3号楼电梯又坏了');
    const out = await say(w, '赵六', '/suggest 东大门那边灯不亮好几天了');
    expect(out.replies).toHaveLength(1);
    const [reply] = out.replies;
    expect(reply!.text).toContain('#4');
    expect(reply!.text).toContain('类似的提议已有');
    expect(reply!.text).toContain('#1 东门路灯坏了');
    expect(reply!.text).toContain('「附议 1」');
    expect(reply!.text).not.toContain('#2');
    expect(reply!.text).not.toContain('#3');
    expect(reply!.buttons).toEqual([[{ label: '附议 #1', data: 'sp:1' }]]);
    // Recorded all the same, with its features stored and the similar items in its audit row.
    expect((await item(w, 4)).stage).toBe('raised');
    expect(decodeProfile((await item(w, 4)).similarity)).toEqual(profile('东大门那边灯不亮好几天了'));
    const [audit] = await database.db.select().from(s.auditLog).where(and(eq(s.auditLog.communityId, w.communityId), eq(s.auditLog.action, 'suggestion.raised'))).orderBy(sql`${s.auditLog.id} desc`).limit(1);
    expect(audit!.data).toMatchObject({ number: 4, similar: [1] });

    const pressed = await press(w, '赵六', 'sp:1');
    expect(pressed.errorCode).toBeUndefined();
    expect(pressed.toast).toBe('已附议 #1：1/3');
    expect(await supporters(w, 1)).toEqual(['赵六']);
    expect((await press(w, '赵六', 'sp:1')).errorCode).toBe('ALREADY_SUPPORTED');
    expect((await press(w, '赵六', 'sp:x')).errorCode).toBe('BAD_BUTTON');
  });

  it('says nothing more when nothing similar is open', async () => {
    const w = await makeWorld(database);
    await say(w, '张三', '/suggest 东门路灯坏了');
    const out = await say(w, '李四', '/suggest 希望小区装快递柜');
    expect(replyText(out)).not.toContain('类似');
    expect(out.replies[0]!.buttons).toBeUndefined();
  });

  it('never offers a withdrawn or merged item, and offers one under way without a support button', async () => {
    const w = await makeWorld(database);
    await say(w, '张三', '/suggest 东门路灯坏了');
    await say(w, '张三', '/withdraw 1');
    await say(w, '李四', '/suggest 东门那盏路灯不亮');
    await say(w, '王五', '/suggest 东门口路灯晚上不亮');
    await say(w, 'staff', '/merge 3 2');
    const out = await say(w, '赵六', '/suggest 东大门那边灯不亮好几天了');
    expect(replyText(out)).toContain('#2 东门那盏路灯不亮');
    expect(replyText(out)).not.toMatch(/#1 |#3 /);

    await say(w, 'staff', '/poll 2');
    const voting = await say(w, '孙七', '/suggest 东门的灯坏了');
    // #2 is being voted on: named, without a support button; #4 (raised) gets the hint and the button.
    expect(replyText(voting)).toContain('#2 东门那盏路灯不亮（表决中');
    expect(replyText(voting)).toContain('「附议 4」');
    expect(voting.replies[0]!.buttons).toEqual([[{ label: '附议 #4', data: 'sp:4' }]]);

    await say(w, '赵六', '/withdraw 4');
    await say(w, '孙七', '/withdraw 5');
    const underWay = await say(w, '周八', '/suggest 东门那边路灯一直不亮');
    expect(replyText(underWay)).toContain('#2 东门那盏路灯不亮（表决中');
    expect(replyText(underWay)).toContain('「查看 2」');
    expect(underWay.replies[0]!.buttons).toBeUndefined();
  });

  it('answers in English for English text', async () => {
    const w = await makeWorld(database);
    const en = (who: string, text: string) => w.core.handle({ ...incoming(w, who, text), sender: { platformUserId: uid(w, who), displayName: who, lang: 'en' } });
    await en('Ann', '/suggest The streetlight at the east gate is broken');
    await en('Bob', '/suggest The bins at the east gate are overflowing');
    const out = await en('Cat', '/suggest east gate lamp has been out for days');
    expect(replyText(out)).toContain('Similar suggestions already raised:');
    expect(replyText(out)).toContain('#1 The streetlight at the east gate is broken');
    expect(replyText(out)).not.toContain('#2');
    expect(replyText(out)).toContain('send /support 1');
    expect(out.replies[0]!.buttons).toEqual([[{ label: 'Support #1', data: 'sp:1' }]]);
  });

  it('merges n into k: supports once per person, the author as supporter, comments, threshold, a private notice, one audit row', async () => {
    const w = await makeWorld(database, { threshold: 4 });
    await say(w, '张三', '/suggest 东门路灯坏了'); // #1, k
    await say(w, '李四', '/suggest 东大门那边灯不亮好几天了'); // #2, n
    await say(w, '李四', '/start', dm(w, '李四'));
    await say(w, '王五', '/support 1');
    await say(w, '王五', '/support 2'); // supported both: counted once
    await say(w, '赵六', '/support 2');
    await say(w, '张三', '/support 2'); // k's author: supports n, never k
    await say(w, '赵六', '/comment 2 天黑了很危险');
    await say(w, '王五', '/comment 2 我也摔过一次');

    const out = await say(w, 'staff', '/merge 2 1');
    expect(out.errorCode).toBeUndefined();
    // 王五 already supports #1; 赵六 and 李四 (n's author) are added; 张三 wrote #1: 1 + 2 = 3.
    expect(replyText(out)).toBe('已将 #2 合并到 #1：转入附议 2 人、意见 2 条。#1 附议 3/4');
    expect(await supporters(w, 1)).toEqual(['李四', '王五', '赵六'].sort());
    expect(await supporters(w, 2)).toEqual([]);
    const [n, k] = [await item(w, 2), await item(w, 1)];
    expect(n).toMatchObject({ stage: 'merged', mergedInto: 1, supportCount: 0 });
    expect(k).toMatchObject({ stage: 'raised', supportCount: 3 });
    const moved = await database.db.select({ text: s.comments.text }).from(s.comments).where(eq(s.comments.suggestionId, k.id)).orderBy(asc(s.comments.id));
    expect(moved.map((c) => c.text)).toEqual(['天黑了很危险', '我也摔过一次']);

    const [audit] = await database.db.select().from(s.auditLog).where(and(eq(s.auditLog.communityId, w.communityId), eq(s.auditLog.action, 'suggestion.merged')));
    expect(audit).toMatchObject({ suggestionId: n.id, data: { number: 2, into: 1, from: 'raised', count: 3, reached: false } });
    expect((audit!.data as { supportersMoved: number[] }).supportersMoved).toHaveLength(2);
    expect((audit!.data as { commentsMoved: number[] }).commentsMoved).toHaveLength(2);

    const [notice] = await database.db.select().from(s.outboundMessages).where(eq(s.outboundMessages.dedupeKey, `merged-${n.id}-author`));
    expect(notice).toMatchObject({ platform: 'telegram', platformChatId: `dm-${uid(w, '李四')}`, status: 'pending' });
    expect((notice!.payload as { text: string }).text).toContain('合并到 #1');

    // Shown as merged into #1, out of the default list, in the list of merged ones.
    expect(replyText(await say(w, '李四', '/show 2'))).toContain('#2 [已合并到 #1]');
    expect(replyText(await say(w, '李四', '/list'))).not.toContain('#2 ');
    expect(replyText(await say(w, '李四', '/list 已合并'))).toContain('#2 [已合并到 #1]');
    expect(replyText(await say(w, 'staff', '/stats'))).toContain('已合并 1');
  });

  it('reaches the threshold through a merge, by the support rule', async () => {
    const w = await makeWorld(database, { threshold: 2 });
    await say(w, '张三', '/suggest 3号楼电梯又坏了');
    await say(w, '李四', '/suggest 三栋电梯老是出故障');
    await say(w, '王五', '/support 2');
    const out = await say(w, 'staff', '/合并 2 1');
    expect(replyText(out)).toContain('#1 附议 2/2，附议人数已满');
    expect((await item(w, 1)).stage).toBe('supported');
  });

  describe('refusals change nothing', () => {
    let w: World;
    let other: World;
    beforeAll(async () => {
      w = await makeWorld(database);
      other = await makeWorld(database);
      await say(w, '张三', '/suggest 东门路灯坏了'); // 1
      await say(w, '李四', '/suggest 东门灯不亮'); // 2
      await say(w, '王五', '/suggest 东门口路灯晚上不亮'); // 3, merged into 1
      await say(w, 'staff', '/merge 3 1');
      await say(w, '赵六', '/suggest 北门路灯坏了'); // 4, voting
      await say(w, 'staff', '/poll 4');
      await say(w, '孙七', '/suggest 南门路灯坏了'); // 5, rating open
      await say(w, 'staff', '/poll 5 30m');
      await say(w, '张三', '/vote 5 1');
      await say(w, 'staff', '/close 5');
      await say(w, 'staff', '/progress 5 100 修好了');
      await say(w, 'staff', '/done 5');
      await grantStaff(other, '外社区工作人员');
      for (let i = 0; i < 7; i++) await say(other, '外人', `/suggest 别的社区的第${i + 1}条`);
      expect((await item(w, 3)).stage).toBe('merged');
      expect((await item(w, 5)).stage).toBe('evaluating');
    });

    const cases: [string, string, string, string][] = [
      ['into itself', 'staff', '/merge 2 2', 'MERGE_INTO_ITSELF'],
      ["into another community's item (numbers are per community)", 'staff', '/merge 2 7', 'UNKNOWN_SUGGESTION'],
      ['of an already merged item', 'staff', '/merge 3 2', 'WRONG_STAGE'],
      ['into a merged item', 'staff', '/merge 2 3', 'WRONG_STAGE'],
      ['by a resident', '张三', '/merge 2 1', 'NOT_STAFF'],
      ['with a vote open on the target', 'staff', '/merge 2 4', 'POLL_OPEN'],
      ['with a vote open on the item', 'staff', '/merge 4 2', 'POLL_OPEN'],
      ['with a rating open', 'staff', '/merge 2 5', 'WRONG_STAGE'],
      ['malformed', 'staff', '/merge 2', 'BAD_NUMBER'],
    ];
    for (const [what, who, text, code] of cases) {
      it(`refuses a merge ${what} (${code}) with one short reply`, async () => {
        const before = await snapshot(database);
        const outbox = await database.db.select({ n: sql<number>`count(*)::int` }).from(s.outboundMessages);
        const out = await say(w, who, text);
        expect(out.errorCode).toBe(code);
        expect(out.replies).toHaveLength(1);
        expect(replyText(out).length).toBeLessThan(100);
        expect(await snapshot(database)).toBe(before);
        expect(await database.db.select({ n: sql<number>`count(*)::int` }).from(s.outboundMessages)).toEqual(outbox);
      });
    }

    it('refuses a merge with a rating open even on an item under way, as POLL_OPEN', async () => {
      // An item back in progress after a failed rating may still be merged; one being rated may not.
      await database.db.update(s.suggestions).set({ stage: 'in_progress' }).where(eq(s.suggestions.id, (await item(w, 5)).id));
      const before = await snapshot(database);
      const out = await say(w, 'staff', '/merge 2 5');
      expect(out.errorCode).toBe('POLL_OPEN');
      expect(replyText(out)).toBe('#5 正在表决或评价，结束前不能合并。');
      expect(await snapshot(database)).toBe(before);
    });
  });
});
