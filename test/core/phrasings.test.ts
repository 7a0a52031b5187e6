/**
 * How residents type on a phone, through the real core on real Postgres: Chinese command words with and
 * without the slash, full-width digits, Chinese durations and dates, community and grid names instead of
 * slugs, numbers with the mark that names what they count. Each row says what it must do; a refused row
 * must change nothing and answer in one short Chinese line. Every reply is then scanned for English.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { desc, eq } from 'drizzle-orm';
import type { Database } from '../../src/db/client.js';
import * as s from '../../src/db/schema.js';
import type { ErrorCode } from '../../src/domain/errors.js';
import type { Incoming, Outcome } from '../../src/kernel/types.js';
import { freshDatabase } from '../support/services.js';
import { englishWords } from '../support/english.js';
import { fullSnapshot, seedMembers } from '../members/support.js';
import { sayPrivately, start } from '../whistle/support.js';
import { makeWorld, replyText, say, type World } from './helpers.js';

const H = 3600e3;
const D = 24 * H;

interface Row {
  who: string;
  text: string;
  /** Where it is written: the community's group (default), privately, or another group. */
  where?: 'private' | string;
  /** The refusal expected; absent: it must succeed. */
  refused?: ErrorCode;
  /** Text the reply must contain. */
  says?: (string | RegExp)[];
  /** Text the reply must not contain. */
  not?: string[];
  /** A further check on the database. */
  check?: (w: World) => Promise<void>;
}

const pollOf = async (w: World, n: number) => {
  const [row] = await w.database.db
    .select({ deadline: s.polls.deadline, opened: s.polls.openedAt })
    .from(s.polls)
    .innerJoin(s.suggestions, eq(s.polls.suggestionId, s.suggestions.id))
    .where(eq(s.suggestions.number, n))
    .orderBy(desc(s.polls.id));
  return row!;
};
const lasts = (n: number, ms: number) => async (w: World) => {
  const p = await pollOf(w, n);
  expect(p.deadline.getTime() - w.clock.current.getTime()).toBe(ms);
};

/** In order: each row may rely on the rows before it. */
const ROWS: Row[] = [
  // Raising, supporting, commenting: Chinese words, with or without a slash, full-width digits.
  { who: '张三', text: '提议 东门路灯坏了，晚上很黑', says: ['#1', '附议 1'] },
  { who: '李四', text: '附议 1', says: ['1/2'] },
  { who: '王五', text: '/附议 １', says: ['2/2'] },
  { who: '张三', text: '／提议 西门缺垃圾桶', says: ['#2'] },
  { who: '李四', text: '建议 南门下雨积水', says: ['#3'] },
  { who: '赵六', text: '提议 北门加装充电桩', says: ['#4'] },
  { who: '王五', text: '议 1 同意，最好装感应灯' },
  { who: '张三', text: '评论 1 再加一个监控' },
  { who: '王五', text: '/议1 我也同意' },
  { who: '王五', text: '附议 ＃２', says: ['#2'] },
  { who: '王五', text: '附议 #99', refused: 'UNKNOWN_SUGGESTION', says: ['列表'] },
  { who: '王五', text: '附议 三', refused: 'BAD_NUMBER' },
  { who: '张三', text: '附议 1', refused: 'OWN_SUGGESTION' },
  // Reading.
  { who: '王五', text: '列表', says: ['#1', '#2', '#3'] },
  { who: '王五', text: '列表 征集附议', says: ['#3'], not: ['#1'] },
  { who: '王五', text: '列表 一网格' },
  { who: '王五', text: '列表 不知道', refused: 'BAD_CHOICE', says: ['征集附议', '表决中'], not: ['raised', 'on_agenda'] },
  { who: '王五', text: '查看 1', says: ['#1'] },
  { who: '王五', text: '/查看 ＃１', says: ['#1'] },
  // The chair's steps (staff may do them), durations in Chinese.
  { who: 'staff', text: '议程 1', says: ['#1'] },
  { who: 'staff', text: '发起投票 1 3天', says: ['#1'], check: lasts(1, 3 * D) },
  { who: 'staff', text: '发起投票 2 48小时 同意|反对', says: ['同意', '反对'], not: ['48小时 同意'], check: lasts(2, 48 * H) },
  { who: 'staff', text: '发起投票 3 3天半', refused: 'BAD_DURATION', says: ['3天', '30分钟'] },
  { who: 'staff', text: '发起投票 3 0天', refused: 'BAD_DURATION' },
  { who: 'staff', text: '发起投票 3 999天', refused: 'BAD_DURATION' },
  { who: 'staff', text: '/poll 3 40天', refused: 'BAD_DURATION' },
  { who: 'staff', text: '/poll 3 1.5h', refused: 'BAD_DURATION' },
  { who: 'staff', text: '/poll 3 ３０分钟', check: lasts(3, 30 * 60e3) },
  { who: 'staff', text: '/发起投票 4 1周', check: lasts(4, 7 * D) },
  // Voting and closing.
  { who: '张三', text: '投票 1 1', says: ['#1'] },
  { who: '李四', text: '/投票 1 同意' },
  { who: '王五', text: '投票 1 ２' },
  { who: '王五', text: '/Vote 1 1', says: ['改'] },
  { who: '王五', text: '投票 2 也许', refused: 'BAD_CHOICE' },
  { who: 'staff', text: '关闭 1', says: ['同意 3'] },
  { who: 'staff', text: '进度 1 50 已完成招标', says: ['50%'] },
  { who: 'staff', text: '完成 1 7天', says: ['#1'], check: lasts(1, 7 * D) },
  { who: 'staff', text: '完成 2 0天', refused: 'BAD_DURATION' },
  { who: '张三', text: '评价 1 1', says: ['#1'] },
  { who: '李四', text: '评价 1 基本满意' },
  // Meetings: dates in Chinese, numbered M<n>.
  { who: 'staff', text: '会议 明天 18:00 社区活动室', says: ['M1', '社区活动室'] },
  { who: 'staff', text: '会议 12月8日 19:30 三楼会议室', says: ['M2', '2026-12-08 19:30'] },
  { who: 'staff', text: '/meeting 2026-12-20 18:00 活动室', says: ['M3'] },
  { who: 'staff', text: '会议 后天 9:00 居委会', says: ['M4', '2026-11-12 09:00'] },
  { who: 'staff', text: '会议 改期 M2 12月9日 19:30', says: ['M2', '2026-12-09 19:30'] },
  { who: 'staff', text: '会议 取消 M3', says: ['M3'] },
  { who: 'staff', text: '/meeting cancel 4', says: ['M4'] },
  { who: 'staff', text: '会议 明天25:00 活动室', refused: 'BAD_DATE', says: ['明天 18:00', '12月8日 18:00'] },
  { who: 'staff', text: '会议 明天 活动室', refused: 'BAD_DATE' },
  { who: 'staff', text: '会议 2020-01-01 10:00 活动室', refused: 'BAD_DATE' },
  { who: 'staff', text: '会议 2月30日 10:00 活动室', refused: 'BAD_DATE' },
  { who: 'staff', text: '会议 取消 M99', refused: 'UNKNOWN_MEETING', says: ['M99'] },
  { who: '王五', text: '主席', says: ['M1'] },
  // Figures, grids by name.
  { who: 'staff', text: '统计', not: ['2026Q'] },
  { who: 'staff', text: '统计 一网格', says: ['一网格'] },
  { who: 'staff', text: '统计 g1', says: ['一网格'] },
  { who: 'staff', text: '统计 第九网格', refused: 'UNKNOWN_GRID', says: ['网格名称'] },
  // Whistles with Chinese deadlines.
  { who: 'staff', text: '吹哨 3 物业公司 2小时', says: ['物业公司'] },
  { who: 'staff', text: '吹哨 4 物业公司 3天半', refused: 'BAD_DURATION' },
  { who: 'wy', text: '报到 3', says: ['#3'] },
  // Needs: dates in Chinese, numbered N<n>.
  { who: 'staff', text: '发布需求 帮独居老人买菜 10 截止 12月1日 2', says: ['N1', '2026-12-01'] },
  { who: 'staff', text: '发布需求 陪老人复诊 5 截止 明天', says: ['N2', '2026-11-11'] },
  { who: 'staff', text: '发布需求 修自行车 5 截止 13月1日', refused: 'BAD_DATE', says: ['12月1日'] },
  // Party members: the community and grid by name; report numbers R<n>.
  { who: '李四', where: 'private', text: '党员报到 交道口社区 一网格 物业公司', says: ['R1'] },
  { who: '王五', where: 'private', text: '/党员报到 交道口 一网格 街道办', says: ['R2'] },
  { who: '赵六', where: 'private', text: '党员报到 火星社区 一网格 物业公司', refused: 'UNKNOWN_COMMUNITY', says: ['火星社区', '交道口社区'] },
  { who: '赵六', where: 'private', text: '党员报到 交道口社区', says: ['一网格', '物业公司'] },
  { who: 'staff', text: '确认党员 R1', says: ['R1'] },
  { who: 'staff', text: '确认党员 ｒ２', says: ['R2'] },
  { who: 'staff', text: '确认党员 R99', refused: 'UNKNOWN_MEMBER', says: ['R7'] },
  { who: '李四', text: '认领 N1', says: ['N1'] },
  { who: '王五', text: '认领 n1', says: ['N1'] },
  { who: '李四', text: '已服务 N1 2小时 买好了', says: ['N1'] },
  { who: 'staff', text: '确认服务 N1', says: ['N1'] },
  { who: 'staff', text: '确认服务 N99', refused: 'UNKNOWN_NEED', says: ['N99'] },
  { who: '李四', where: 'private', text: '积分', says: ['2026年第4季度'], not: ['2026Q4'] },
  // Rankings: quarters and years as written, the community by name.
  { who: 'staff', where: 'private', text: '排名 交道口社区 2026年第4季度', says: ['2026年第4季度'] },
  { who: 'staff', where: 'private', text: '排名 2026Q4 单位', says: ['2026年第4季度'], not: ['2026Q4'] },
  { who: 'staff', where: 'private', text: '排名 ２０２６年', says: ['2026年'] },
  { who: 'staff', where: 'private', text: '排名 2026年第5季度', refused: 'BAD_CHOICE', says: ['2026年第4季度'] },
  { who: 'staff', where: 'private', text: '排名 火星社区', refused: 'UNKNOWN_COMMUNITY' },
  // Binding other groups by name.
  { who: 'staff', where: 'group-2', text: '绑定 交道口社区', says: ['交道口社区'] },
  { who: 'staff', where: 'group-3', text: '/bind 交道口社区 一网格', says: ['一网格'] },
  { who: 'staff', where: 'group-4', text: '绑定 火星社区', refused: 'UNKNOWN_COMMUNITY' },
  { who: '路人', where: 'group-5', text: '帮助', says: ['绑定'] },
  // Help by person and place.
  { who: '张三', text: '帮助', says: [/^提议 <内容>（\/suggest）/m], not: ['/poll', '/stats', '/need '] },
  { who: '张三', text: '/帮助', says: ['附议'] },
  { who: 'staff', text: '帮助', says: ['/poll', '帮助 管理'], not: ['/whistle'] },
  { who: 'staff', text: '帮助 管理', says: ['/stats', '/whistle', '/confirm-member'] },
  { who: 'wy', text: '帮助', says: ['/report', '/answer'] },
  { who: 'wg', text: '帮助', says: ['/need'] },
  { who: '李四', text: '帮助', says: ['/claim', '/served'] },
  { who: '张三', where: 'private', text: '帮助', says: ['党员报到', '积分', '业主认证'], not: ['/web'] },
  { who: 'staff', where: 'private', text: '帮助', says: ['/web', '/ranking'] },
  // Withdrawing, and the owners' vote's days.
  { who: '赵六', text: '撤回 ４', refused: 'WRONG_STAGE', says: ['查看 4'] },
  { who: '李四', text: '撤回 3', refused: 'WRONG_STAGE' },
  { who: 'staff', text: '/ownersvote 2 5 3天半', refused: 'BAD_DURATION' },
  // Meetings held: the number as typed (M1 or 1), named 会议 M<n> in every answer.
  { who: '王五', text: '签到 M1', refused: 'CHECKIN_CLOSED', says: ['会议 M1'] },
  { who: '王五', text: '签到 １', refused: 'CHECKIN_CLOSED', says: ['会议 M1'] },
  { who: '王五', text: '签到 M99', refused: 'UNKNOWN_MEETING', says: ['M99'] },
  { who: 'staff', text: '纪要 M1 到会 15 人', refused: 'MEETING_NOT_STARTED', says: ['会议 M1'] },
  // Following an item.
  { who: '赵六', text: '关注 ３', says: ['#3'] },
  { who: '赵六', text: '关注 3', refused: 'ALREADY_FOLLOWING', says: ['#3'] },
  { who: '赵六', text: '取消关注 3', says: ['#3'] },
  // Volunteers report in privately; objections are the supervision committee's.
  { who: '赵六', text: '志愿者报到 交道口社区 一网格 物业公司', refused: 'PRIVATE_ONLY' },
  { who: '赵六', where: 'private', text: '志愿者报到 交道口社区 一网格 物业公司', says: [/报到 R\d+/] },
  { who: '王五', text: '异议 3 表决前未公示方案', refused: 'NOT_SUPERVISOR' },
  // Merging a duplicate.
  { who: '孙七', text: '提议 东门口路灯不亮', says: ['#5'] },
  { who: '周八', text: '提议 东门口路灯不亮了', says: ['#6'] },
  { who: 'staff', text: '合并 6 6', refused: 'MERGE_INTO_ITSELF' },
  { who: 'staff', text: '合并 ６ 5', says: ['#6', '#5'] },
];

describe('phrasings as residents type them', () => {
  let database: Database;
  let w: World;
  const replies: string[] = [];
  let slugs: string[] = [];

  beforeAll(async () => {
    database = await freshDatabase();
    w = await makeWorld(database, { threshold: 2 });
    await database.db.update(s.communities).set({ name: '交道口社区' }).where(eq(s.communities.id, w.communityId));
    const tree = await seedMembers(w);
    slugs = [w.slug, tree.district, tree.street, 'g1'];
    for (const who of ['张三', '李四', '王五', '赵六', 'staff']) await start(w, who);
  });
  afterAll(async () => {
    await database.close();
  });

  const run = (row: Row): Promise<Outcome> => {
    if (row.where === 'private') return sayPrivately(w, row.who, row.text);
    if (row.where) return say(w, row.who, row.text, { chat: { platformChatId: `${row.where}-${w.slug}`, kind: 'group' } } as Partial<Incoming>);
    return say(w, row.who, row.text);
  };

  it('has at least 80 rows', () => expect(ROWS.length).toBeGreaterThanOrEqual(80));

  for (const [i, row] of ROWS.entries()) {
    it(`${i + 1}. ${row.who}${row.where ? `（${row.where === 'private' ? '私聊' : '另一个群'}）` : ''}: ${row.text} → ${row.refused ?? 'ok'}`, async () => {
      const before = row.refused ? await fullSnapshot(database) : '';
      const out = await run(row);
      const text = replyText(out);
      replies.push(text);
      expect(out.errorCode, text).toBe(row.refused);
      expect(text.trim(), 'one reply').not.toBe('');
      for (const part of row.says ?? []) typeof part === 'string' ? expect(text).toContain(part) : expect(text).toMatch(part);
      for (const part of row.not ?? []) expect(text).not.toContain(part);
      if (row.refused) {
        expect(await fullSnapshot(database), 'a refusal changes nothing').toBe(before);
        expect(text.split('\n').filter((l) => l.trim()).length, 'one short reply').toBeLessThanOrEqual(2);
      }
      await row.check?.(w);
    });
  }

  it('answered every row in Chinese, and wrote every private notice in Chinese: no English words but command names', async () => {
    const notices = (await database.db.select({ payload: s.outboundMessages.payload }).from(s.outboundMessages)).map((r) => (r.payload as { text?: string }).text ?? '');
    expect(notices.length).toBeGreaterThan(0);
    const english = [...replies, ...notices].flatMap((r) => englishWords(r, slugs).map((word) => `${word} in ${JSON.stringify(r.slice(0, 60))}`));
    expect(english).toEqual([]);
  });
});
