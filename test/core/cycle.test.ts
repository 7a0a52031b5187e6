import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '../support/services.js';
import type { Database } from '../../src/db/client.js';
import { makeWorld, press, replyText, say } from './helpers.js';

describe('the whole cycle through the core', () => {
  let database: Database;
  beforeAll(async () => {
    database = await freshDatabase();
  });
  afterAll(async () => {
    await database.close();
  });

  it('runs suggest -> support -> agenda -> vote -> progress -> done -> rating -> evaluated', async () => {
    const w = await makeWorld(database, { threshold: 2 });
    const s1 = await say(w, '张三', '/suggest 东门路灯坏了，晚上很黑');
    expect(replyText(s1)).toContain('#1');
    expect(replyText(await say(w, '李四', '/support 1'))).toContain('1/2');
    const reached = await say(w, '王五', '附议 1');
    expect(replyText(reached)).toContain('2/2');
    expect(replyText(reached)).toContain('附议人数已满');
    expect(replyText(await say(w, '李四', '/comment 1 赞成，加装感应灯'))).toContain('#1');
    expect((await say(w, 'staff', '/agenda 1')).errorCode).toBeUndefined();
    const poll = await say(w, 'staff', '/poll 1 30m');
    expect(poll.replies[0].pollId).toBeTypeOf('number');
    const buttons = poll.replies[0].buttons!.flat();
    expect(buttons.map((b) => b.label)).toEqual(['同意', '反对', '弃权']);
    const v = await press(w, '张三', buttons[0].data);
    expect(v.toast).toBe('已投：同意');
    expect(v.changedPollIds).toEqual([poll.replies[0].pollId]);
    await say(w, '李四', '/vote 1 1');
    await say(w, '王五', '投票 1 反对');
    await say(w, '王五', '/vote 1 同意');
    const closed = await say(w, 'staff', '/close 1');
    expect(replyText(closed)).toContain('同意 3 · 反对 0 · 弃权 0');
    expect(replyText(closed)).toContain('通过');
    expect(replyText(await say(w, 'staff', '/progress 1 50 已完成招标'))).toContain('50%');
    const done = await say(w, 'staff', '/done 1');
    expect(done.replies[0].buttons!.flat().map((b) => b.label)).toEqual(['满意', '基本满意', '不满意']);
    await press(w, '张三', done.replies[0].buttons![0][0].data);
    await say(w, '李四', '/rate 1 2');
    const rated = await say(w, 'staff', '/close 1');
    expect(replyText(rated)).toContain('满意 1 · 基本满意 1 · 不满意 0');
    expect(replyText(rated)).toContain('评价完成');
    const shown = await say(w, '李四', '/show 1');
    expect(replyText(shown)).toContain('已评价');
    console.log(replyText(shown));
    console.log(replyText(await say(w, 'staff', '/stats')));
    console.log(replyText(await say(w, 'staff', '/list')));
  });
});
