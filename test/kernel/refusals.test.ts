/** Every error code: one short reply, the stable code, and not one row changed. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { freshDatabase } from '../support/services.js';
import type { Database } from '../../src/db/client.js';
import * as s from '../../src/db/schema.js';
import { incoming, makeWorld, press, replyText, say, snapshot, uid, type World } from '../core/helpers.js';

describe('refused commands', () => {
  let database: Database;
  let w: World;
  let votePollId: number;
  let closedPollId: number;

  beforeAll(async () => {
    database = await freshDatabase();
    w = await makeWorld(database, { threshold: 2 });
    // #1 voting, #2 raised by 张三, #3 approved (its vote closed), #4 withdrawn
    await say(w, '张三', '/suggest 东门路灯坏了');
    await say(w, '张三', '/suggest 小区里设个快递柜');
    await say(w, '李四', '/suggest 楼道堆物要清理');
    await say(w, '李四', '/suggest 撤回的提议');
    await say(w, '李四', '/withdraw 4');
    const p1 = await say(w, 'staff', '/poll 1');
    votePollId = p1.replies[0].pollId!;
    const p3 = await say(w, 'staff', '/poll 3 30m');
    closedPollId = p3.replies[0].pollId!;
    await say(w, '张三', '/vote 3 1');
    await say(w, 'staff', '/close 3');
    await say(w, 'staff', '/meeting 2030-01-01 10:00 活动室');
    await say(w, 'staff', '/meeting cancel 1');
    await say(w, '王五', '/support 2');
  });
  afterAll(async () => {
    await database.close();
  });

  const cases: { code: string; what: string; run: () => Promise<import('../../src/kernel/types.js').Outcome> }[] = [
    { code: 'UNKNOWN_COMMAND', what: '张三, /xyz)', run: () => say(w, '张三', '/xyz') },
    { code: 'NOT_BOUND', what: '新人, /suggest 你好, { chat: { platformChatId: unbound-group, kind: group } })', run: () => say(w, '新人', '/suggest 你好', { chat: { platformChatId: 'unbound-group', kind: 'group' } }) },
    { code: 'NOT_BOUND', what: '张三, /list, { chat: { platformChatId: dm-1, kind: private } })', run: () => say(w, '张三', '/list', { chat: { platformChatId: 'dm-1', kind: 'private' } }) },
    { code: 'GROUP_ONLY', what: 'staff, `/bind ${w.slug}`, { chat: { platformChatId: dm-2, kind: private } })', run: () => say(w, 'staff', `/bind ${w.slug}`, { chat: { platformChatId: 'dm-2', kind: 'private' } }) },
    { code: 'UNKNOWN_COMMUNITY', what: 'staff, /bind no-such-place)', run: () => say(w, 'staff', '/bind no-such-place') },
    { code: 'NOT_STAFF', what: '张三, `/bind ${w.slug}`, { chat: { platformChatId: another-group, kind: group } })', run: () => say(w, '张三', `/bind ${w.slug}`, { chat: { platformChatId: 'another-group', kind: 'group' } }) },
    { code: 'NOT_STAFF', what: '张三, /stats)', run: () => say(w, '张三', '/stats') },
    { code: 'NOT_STAFF', what: '张三, /progress 3 50 开工了)', run: () => say(w, '张三', '/progress 3 50 开工了') },
    { code: 'NOT_CHAIR', what: '张三, /agenda 2)', run: () => say(w, '张三', '/agenda 2') },
    { code: 'NOT_CHAIR', what: '新邻居, /poll 2)', run: () => say(w, '新邻居', '/poll 2') },
    { code: 'NOT_AUTHOR', what: '李四, /withdraw 2)', run: () => say(w, '李四', '/withdraw 2') },
    { code: 'UNKNOWN_SUGGESTION', what: '张三, /support 99)', run: () => say(w, '张三', '/support 99') },
    { code: 'OWN_SUGGESTION', what: '张三, /support 2)', run: () => say(w, '张三', '/support 2') },
    { code: 'ALREADY_SUPPORTED', what: '王五, /support 2)', run: () => say(w, '王五', '/support 2') },
    { code: 'WRONG_STAGE', what: '王五, /support 4)', run: () => say(w, '王五', '/support 4') },
    { code: 'WRONG_STAGE', what: 'staff, /done 2)', run: () => say(w, 'staff', '/done 2') },
    { code: 'WRONG_STAGE', what: '张三, /withdraw 1)', run: () => say(w, '张三', '/withdraw 1') },
    { code: 'NO_OPEN_POLL', what: '张三, /vote 2 1)', run: () => say(w, '张三', '/vote 2 1') },
    { code: 'NO_OPEN_POLL', what: 'staff, /close 2)', run: () => say(w, 'staff', '/close 2') },
    { code: 'POLL_CLOSED', what: '张三, /vote 3 1)', run: () => say(w, '张三', '/vote 3 1') },
    { code: 'POLL_CLOSED', what: 'press 张三, `v:${closedPollId}:1`)', run: () => press(w, '张三', `v:${closedPollId}:1`) },
    { code: 'BAD_BUTTON', what: 'press 张三, v:abc)', run: () => press(w, '张三', 'v:abc') },
    { code: 'BAD_BUTTON', what: 'press 张三, `v:${votePollId}:9`)', run: () => press(w, '张三', `v:${votePollId}:9`) },
    { code: 'BAD_BUTTON', what: 'press 张三, `r:${votePollId}:1`)', run: () => press(w, '张三', `r:${votePollId}:1`) },
    { code: 'BAD_BUTTON', what: 'press 张三, v:999999:1)', run: () => press(w, '张三', 'v:999999:1') },
    { code: 'BAD_BUTTON', what: 'press 张三, `v:${votePollId}:1`, { chat: { platformChatId: unbound-group, kind: gr', run: () => press(w, '张三', `v:${votePollId}:1`, { chat: { platformChatId: 'unbound-group', kind: 'group' } }) },
    { code: 'NOT_MEMBER', what: 'press 路人, `v:${votePollId}:1`, { chat: { platformChatId: dm-3, kind: private } }', run: () => press(w, '路人', `v:${votePollId}:1`, { chat: { platformChatId: 'dm-3', kind: 'private' } }) },
    { code: 'TEXT_TOO_LONG', what: '张三, `/suggest ${长.repeat(501)}`)', run: () => say(w, '张三', `/suggest ${'长'.repeat(501)}`) },
    { code: 'TEXT_TOO_LONG', what: '张三, `/comment 1 ${长.repeat(501)}`)', run: () => say(w, '张三', `/comment 1 ${'长'.repeat(501)}`) },
    { code: 'TEXT_TOO_LONG', what: 'staff, `/meeting 2030-01-02 10:00 ${地.repeat(101)}`)', run: () => say(w, 'staff', `/meeting 2030-01-02 10:00 ${'地'.repeat(101)}`) },
    { code: 'EMPTY_TEXT', what: '张三, /suggest)', run: () => say(w, '张三', '/suggest') },
    { code: 'EMPTY_TEXT', what: '张三, /suggest \\u202E\\u200B\\u2066)', run: () => say(w, '张三', '/suggest \u202E\u200B\u2066') },
    { code: 'EMPTY_TEXT', what: '张三, /comment 1)', run: () => say(w, '张三', '/comment 1') },
    { code: 'BAD_NUMBER', what: '张三, /support abc)', run: () => say(w, '张三', '/support abc') },
    { code: 'BAD_NUMBER', what: '张三, /show)', run: () => say(w, '张三', '/show') },
    { code: 'BAD_NUMBER', what: 'staff, /progress 3 150 太多了)', run: () => say(w, 'staff', '/progress 3 150 太多了') },
    { code: 'BAD_CHOICE', what: '张三, /vote 1 7)', run: () => say(w, '张三', '/vote 1 7') },
    { code: 'BAD_CHOICE', what: '张三, /vote 1 也许)', run: () => say(w, '张三', '/vote 1 也许') },
    { code: 'BAD_CHOICE', what: 'staff, /poll 2 48h 只有一个)', run: () => say(w, 'staff', '/poll 2 48h 只有一个') },
    { code: 'BAD_CHOICE', what: '张三, /list 不存在的阶段)', run: () => say(w, '张三', '/list 不存在的阶段') },
    { code: 'BAD_DURATION', what: 'staff, /poll 2 99y)', run: () => say(w, 'staff', '/poll 2 99y') },
    { code: 'BAD_DURATION', what: 'staff, /poll 2 90d)', run: () => say(w, 'staff', '/poll 2 90d') },
    { code: 'BAD_DATE', what: 'staff, /meeting 2020-01-01 10:00 活动室)', run: () => say(w, 'staff', '/meeting 2020-01-01 10:00 活动室') },
    { code: 'BAD_DATE', what: 'staff, /meeting 2030-02-30 10:00 活动室)', run: () => say(w, 'staff', '/meeting 2030-02-30 10:00 活动室') },
    { code: 'BAD_DATE', what: 'staff, /meeting 明天 活动室)', run: () => say(w, 'staff', '/meeting 明天 活动室') },
    { code: 'UNKNOWN_MEETING', what: 'staff, /meeting cancel 1)', run: () => say(w, 'staff', '/meeting cancel 1') },
    { code: 'UNKNOWN_MEETING', what: 'staff, /meeting move 42 2030-01-01 10:00)', run: () => say(w, 'staff', '/meeting move 42 2030-01-01 10:00') },
    { code: 'BAD_CODE', what: '张三, /link ZZZZZZ)', run: () => say(w, '张三', '/link ZZZZZZ') },
    { code: 'BAD_CODE', what: '张三, /link 12)', run: () => say(w, '张三', '/link 12') },
  ];

  for (const c of cases) {
    it(`refuses with ${c.code} and changes nothing: ${c.what}`, async () => {
      const before = await snapshot(database);
      const out = await c.run();
      expect(out.errorCode).toBe(c.code);
      const answer = out.toast ?? replyText(out);
      expect(answer.length).toBeGreaterThan(0);
      expect(answer.length).toBeLessThan(200);
      expect(await snapshot(database)).toBe(before);
    });
  }

  it('records the update key of a refusal so a re-delivery answers nothing', async () => {
    const first = await say(w, '张三', '/support 99', { updateKey: 'refused-1' });
    expect(first.errorCode).toBe('UNKNOWN_SUGGESTION');
    const before = await snapshot(database);
    const again = await say(w, '张三', '/support 99', { updateKey: 'refused-1' });
    expect(again).toEqual({ stored: true, duplicate: true, replies: [] });
    expect(await snapshot(database)).toBe(before);
  });

  it('answers in English to an English-speaking sender', async () => {
    const out = await w.core.handle({ ...incoming(w, '张三', '/support 99'), sender: { platformUserId: uid(w, '张三'), displayName: '张三', lang: 'en-GB' } });
    expect(replyText(out)).toBe('There is no suggestion #99; see /list.');
  });

  it('never echoes bidi-override or zero-width characters', async () => {
    const out = await say(w, '赵六\u202E', '/suggest 修\u202E路\u200B灯\u0007');
    expect(replyText(out)).toContain('修路灯');
    expect(replyText(out)).not.toMatch(/[\u202E\u200B\u0007]/);
    const [row] = await database.db.select().from(s.suggestions).where(eq(s.suggestions.text, '修路灯'));
    expect(row).toBeDefined();
    const [who] = await database.db.select().from(s.persons).where(eq(s.persons.id, row.authorId));
    expect(who.displayName).toBe('赵六');
  });

  it('stays silent for chatter and tells an unbound chat only help and bind', async () => {
    expect(await say(w, '张三', '今天天气不错')).toEqual({ stored: true, ignored: true, replies: [] });
    const help = await say(w, '新人', '/help', { chat: { platformChatId: 'unbound-group', kind: 'group' } });
    expect(replyText(help)).toContain('/bind');
    expect(help.errorCode).toBeUndefined();
  });
});
