/**
 * Owners' votes counted by Civil Code art. 278 through the real core on real Postgres: each case's
 * register, links and ballots, worked out by hand (the arithmetic is in the comments).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import type { Database } from '../../src/db/client.js';
import * as s from '../../src/db/schema.js';
import { checkRegisterCsv, importProperty, linkOwner } from '../../src/admin/property.js';
import { closeDueOwnersVote } from '../../src/owners/close.js';
import { countOwnersVote, formatArea, normalizeOwnerKey, parseArea, type OwnersCount } from '../../src/domain/owners.js';
import { freshDatabase } from '../support/services.js';
import { makeWorld, press, replyText, say, uid, type World } from '../core/helpers.js';

interface Case {
  name: string;
  matter: number;
  /** building,unit,area,owner rows */
  register: string[];
  /** chat person -> owner keys they speak for */
  links: Record<string, string[]>;
  /** presses in order: [person, 1 同意 | 2 反对 | 3 弃权] (a later press changes the owner's ballot) */
  ballots: [string, 1 | 2 | 3][];
  passed: boolean;
  failed: string[];
  /** The four figures as written in the result: participation area, heads; approval area, heads. */
  figures: [string, string, string, string];
  heads: string;
}

const CASES: Case[] = [
  {
    // 3 × 100 m²; a agrees, b is against: 200/300 and 2/3 take part (exactly two thirds passes),
    // but 100/200 is exactly half, not more: both approval thresholds fail.
    name: 'exactly two thirds take part; exactly half agreeing is not a majority',
    matter: 5,
    register: ['1,101,100,A', '1,102,100,B', '1,103,100,C'],
    links: { a: ['A'], b: ['B'], c: ['C'] },
    ballots: [['a', 1], ['b', 2]],
    passed: false,
    failed: ['approval.area', 'approval.heads'],
    figures: ['200.00/300.00', '2/3', '100.00/200.00', '1/2'],
    heads: '同意 1 · 反对 1 · 弃权 0',
  },
  {
    // 100.00 + 100.00 of 300.01 m²: 200.00 × 3 = 600.00 < 300.01 × 2 = 600.02, a hundredth short of two
    // thirds by area, while 2 of 3 owners is exactly two thirds by head.
    name: 'one hundredth of a square metre below two thirds of the area',
    matter: 1,
    register: ['1,101,100,A', '1,102,100.00,B', '1,103,100.01,C'],
    links: { a: ['A'], b: ['B'], c: ['C'] },
    ballots: [['a', 1], ['b', 1]],
    passed: false,
    failed: ['participation.area'],
    figures: ['200.00/300.01', '2/3', '200.00/200.00', '2/2'],
    heads: '同意 2 · 反对 0 · 弃权 0',
  },
  {
    // Item 7 needs three quarters: 4 × 100 m², 3 agree, 1 against: 300/400 = 3/4 and 3/4 exactly: passes.
    name: 'exactly three quarters agreeing passes an item 6-8 matter',
    matter: 7,
    register: ['2,201,100,A', '2,202,100,B', '2,203,100,C', '2,204,100,D'],
    links: { a: ['A'], b: ['B'], c: ['C'], d: ['D'] },
    ballots: [['a', 1], ['b', 1], ['c', 1], ['d', 2]],
    passed: true,
    failed: [],
    figures: ['400.00/400.00', '4/4', '300.00/400.00', '3/4'],
    heads: '同意 3 · 反对 1 · 弃权 0',
  },
  {
    // Item 8: 300.00 of 400.01 m² agree: 300.00 × 4 = 1200.00 < 400.01 × 3 = 1200.03; by head 3/4 exactly.
    name: 'a hundredth below three quarters of the participating area fails an item 8 matter',
    matter: 8,
    register: ['2,201,100,A', '2,202,100,B', '2,203,100,C', '2,204,100.01,D'],
    links: { a: ['A'], b: ['B'], c: ['C'], d: ['D'] },
    ballots: [['a', 1], ['b', 1], ['c', 1], ['d', 2]],
    passed: false,
    failed: ['approval.area'],
    figures: ['400.01/400.01', '4/4', '300.00/400.01', '3/4'],
    heads: '同意 3 · 反对 1 · 弃权 0',
  },
  {
    // Owner A holds three units (3 × 50 m²) and counts once: heads are A, B, C, D = 4. A and B take
    // part: 200/300 m² is two thirds, but 2/4 owners is not (2 × 3 = 6 < 4 × 2 = 8).
    name: 'an owner of several units counts once by head and with all their area',
    matter: 4,
    register: ['3,301,50,A', '3,302,50,A', '3,303,50,A', '3,304,50,B', '3,305,50,C', '3,306,50,D'],
    links: { a: ['A'], b: ['B'], c: ['C'], d: ['D'] },
    ballots: [['a', 1], ['b', 1]],
    passed: false,
    failed: ['participation.heads'],
    figures: ['200.00/300.00', '2/4', '200.00/200.00', '2/2'],
    heads: '同意 2 · 反对 0 · 弃权 0',
  },
  {
    // Five unsold units (5 × 60 = 300 m²) are one owner by head: heads are developer, X, Y = 3.
    // Developer agrees, X is against: 400/500 m² and 2/3 take part; 300/400 m² agree (more than half)
    // but 1 of 2 owners is only half: fails by head.
    name: "the developer's unsold units count together as one owner",
    matter: 5,
    register: ['4,401,60,developer', '4,402,60,developer', '4,403,60,DEVELOPER', '4,404,60,developer', '4,405,60,developer', '4,406,100,X', '4,407,100,Y'],
    links: { dev: ['developer'], x: ['X'], y: ['Y'] },
    ballots: [['dev', 1], ['x', 2]],
    passed: false,
    failed: ['approval.heads'],
    figures: ['400.00/500.00', '2/3', '300.00/400.00', '1/2'],
    heads: '同意 1 · 反对 1 · 弃权 0',
  },
  {
    // Unit 501 has two co-owners (wife and husband, one key H): one ballot, the later one counts.
    // Heads: H, P, Q = 3. The wife is against, then the husband agrees (replacing it); P is against.
    // Participation 210/300 m², 2/3; approval 120/210 m² (more than half), but 1/2 by head.
    name: 'co-owners of a unit count once, with one ballot that either may change',
    matter: 3,
    register: ['5,501,120,H', '5,502,90,P', '5,503,90,Q'],
    links: { wife: ['H'], husband: ['H'], p: ['P'], q: ['Q'] },
    ballots: [['wife', 2], ['husband', 1], ['p', 2]],
    passed: false,
    failed: ['approval.heads'],
    figures: ['210.00/300.00', '2/3', '120.00/210.00', '1/2'],
    heads: '同意 1 · 反对 1 · 弃权 0',
  },
  {
    // 4 × 100 m²: two agree, one abstains, one stays away. Abstaining is taking part: 300/400 and 3/4
    // take part; item 6 needs 3/4 of them: 200/300 and 2/3 fall short on both.
    name: 'abstentions count as taking part, and against a three-quarter majority',
    matter: 6,
    register: ['6,601,100,A', '6,602,100,B', '6,603,100,C', '6,604,100,D'],
    links: { a: ['A'], b: ['B'], c: ['C'], d: ['D'] },
    ballots: [['a', 1], ['b', 1], ['c', 3]],
    passed: false,
    failed: ['approval.area', 'approval.heads'],
    figures: ['300.00/400.00', '3/4', '200.00/300.00', '2/3'],
    heads: '同意 2 · 反对 0 · 弃权 1',
  },
  {
    // The same ballots on an ordinary item (9): 200/300 and 2/3 are more than half: passes.
    name: 'the same abstention passes an ordinary matter by simple majority',
    matter: 9,
    register: ['6,601,100,A', '6,602,100,B', '6,603,100,C', '6,604,100,D'],
    links: { a: ['A'], b: ['B'], c: ['C'], d: ['D'] },
    ballots: [['a', 1], ['b', 1], ['c', 3]],
    passed: true,
    failed: [],
    figures: ['300.00/400.00', '3/4', '200.00/300.00', '2/3'],
    heads: '同意 2 · 反对 0 · 弃权 1',
  },
  {
    // One person speaks for two owners (A: 100 m², B: 50 m²): one press casts both owners' ballots.
    // Heads A, B, C = 3; 150/250 m² is less than two thirds (450 < 500) though 2/3 owners take part.
    name: 'a person who speaks for two owners casts a ballot for each of them',
    matter: 2,
    register: ['7,701,100,A', '7,702,50,B', '7,703,100,C'],
    links: { agent: ['A', 'B'], c: ['C'] },
    ballots: [['agent', 1]],
    passed: false,
    failed: ['participation.area'],
    figures: ['150.00/250.00', '2/3', '150.00/150.00', '2/2'],
    heads: '同意 2 · 反对 0 · 弃权 0',
  },
];

describe("owners' votes counted by area and by head (art. 278), through the core on real Postgres", () => {
  let database: Database;
  beforeAll(async () => {
    database = await freshDatabase();
  });
  afterAll(async () => {
    await database?.close();
  });

  async function setUp(c: Case): Promise<{ w: World; voteId: number }> {
    const w = await makeWorld(database);
    const [community] = await database.db.select().from(s.communities).where(eq(s.communities.id, w.communityId));
    const { rows, problems } = checkRegisterCsv(['building,unit,area,owner', ...c.register].join('\n'));
    expect(problems).toEqual([]);
    await importProperty(database.db, community, rows, 'test.csv', w.clock.now());
    for (const [who, keys] of Object.entries(c.links))
      for (const key of keys) await linkOwner(database.db, community, key, { platform: 'telegram', platformUserId: uid(w, who) }, w.clock.now());
    expect(replyText(await say(w, 'resident', '/suggest 加装电梯'))).toContain('#1');
    const opened = await say(w, 'staff', `/ownersvote 1 ${c.matter}`);
    expect(opened.errorCode).toBeUndefined();
    expect(opened.replies[0].buttons?.[0].map((b) => b.label)).toEqual(['同意', '反对', '弃权']);
    const voteId = Number(/^o:(\d+):1$/.exec(opened.replies[0].buttons![0][0].data)![1]);
    for (const [who, k] of c.ballots) {
      const out = await press(w, who, `o:${voteId}:${k}`);
      expect(out.errorCode, `${who} presses ${k}`).toBeUndefined();
      expect(out.toast).toMatch(/^已(表决|改为)：/);
    }
    return { w, voteId };
  }

  for (const c of CASES) {
    it(c.name, async () => {
      const { w, voteId } = await setUp(c);
      const closed = await say(w, 'staff', '/close 1');
      expect(closed.errorCode).toBeUndefined();
      const text = replyText(closed);
      expect(text.split('\n')[0]).toBe(`#1 业主表决结果：${c.passed ? '通过' : '未通过'}`);
      const [pa, ph, aa, ah] = c.figures;
      expect(text).toContain(`参与表决面积：${pa} ㎡`);
      expect(text).toContain(`参与表决人数：${ph}（`);
      expect(text).toContain(`同意面积：${aa} ㎡`);
      expect(text).toContain(`同意人数：${ah}（`);
      expect(text).toContain(c.heads);
      if (c.failed.length) expect(text).toContain('未达到：');
      const [vote] = await database.db.select().from(s.ownersVotes).where(eq(s.ownersVotes.id, voteId));
      const result = vote.result as OwnersCount;
      expect({ status: vote.status, outcome: vote.outcome, failed: result.failed }).toEqual({ status: 'closed', outcome: c.passed ? 'passed' : 'failed', failed: c.failed });
      const [suggestion] = await database.db.select().from(s.suggestions).where(eq(s.suggestions.id, vote.suggestionId));
      expect(suggestion.stage).toBe(c.passed ? 'approved' : 'rejected');
      // Every ballot (and every change) is in the audit log, per owner.
      const audited = await database.db.select().from(s.auditLog).where(and(eq(s.auditLog.communityId, w.communityId)));
      const ballotRows = audited.filter((a) => a.action.startsWith('owner_ballot.'));
      const ownerBallots = await database.db.select().from(s.ownerBallots).where(eq(s.ownerBallots.voteId, voteId));
      expect(ballotRows.length).toBeGreaterThanOrEqual(ownerBallots.length);
      expect(new Set(ballotRows.map((a) => (a.data as { ownerId: number }).ownerId))).toEqual(new Set(ownerBallots.map((b) => b.ownerId)));
    });
  }

  it('closes at its deadline through closeDueOwnersVote, once, with the result in the outbox (in the topic the item was raised in)', async () => {
    const { w, voteId } = await setUp(CASES[2]);
    const [v] = await database.db.select().from(s.ownersVotes).where(eq(s.ownersVotes.id, voteId));
    await database.db.update(s.suggestions).set({ threadId: '77' }).where(eq(s.suggestions.id, v!.suggestionId));
    const fit = (r: { text: string }) => r;
    const early = await database.db.transaction((tx) => closeDueOwnersVote(tx, voteId, w.clock.now(), [], fit));
    expect(early).toBeUndefined();
    const later = new Date(w.clock.now().getTime() + 8 * 86400e3);
    const events: unknown[] = [];
    const due = await database.db.transaction((tx) => closeDueOwnersVote(tx, voteId, later, events as never, fit));
    expect(due?.reply.text).toContain('业主表决结果：通过');
    expect(due?.reply.text).toContain('截止时间已到');
    expect(events).toEqual([{ type: 'owners_vote.closed', voteId }]);
    expect(await database.db.transaction((tx) => closeDueOwnersVote(tx, voteId, later, [], fit))).toBeUndefined();
    const outbox = await database.db.select().from(s.outboundMessages).where(eq(s.outboundMessages.dedupeKey, `owners-vote-result-${voteId}`));
    expect(outbox).toHaveLength(1);
    expect(due?.to.threadId).toBe('77');
    expect((outbox[0]!.payload as { threadId?: string }).threadId).toBe('77');
    // A ballot after the close is refused and changes nothing.
    const before = await database.db.select().from(s.ownerBallots).where(eq(s.ownerBallots.voteId, voteId));
    expect((await press(w, 'd', `o:${voteId}:1`)).errorCode).toBe('POLL_CLOSED');
    expect(await database.db.select().from(s.ownerBallots).where(eq(s.ownerBallots.voteId, voteId))).toEqual(before);
  });

  it('refuses ballots from non-owners, forged buttons, a bad matter, and non-staff openers', async () => {
    const w = await makeWorld(database);
    const [community] = await database.db.select().from(s.communities).where(eq(s.communities.id, w.communityId));
    await say(w, 'resident', '/suggest 更换物业');
    expect((await say(w, 'staff', '/ownersvote 1 4')).errorCode).toBe('NO_PROPERTY');
    await importProperty(database.db, community, checkRegisterCsv('building,unit,area,owner\n1,101,80,A\n1,102,80,B').rows, 'x.csv', w.clock.now());
    expect((await say(w, 'resident', '/ownersvote 1 4')).errorCode).toBe('NOT_STAFF');
    const bad = await say(w, 'staff', '/ownersvote 1 10');
    expect(bad.errorCode).toBe('BAD_MATTER');
    expect(replyText(bad)).toContain('9. 有关共有和共同管理权利的其他重大事项');
    expect((await say(w, 'staff', '/ownersvote 1 4 31')).errorCode).toBe('BAD_DURATION');
    const opened = await say(w, 'staff', '/业主表决 1 4 14');
    expect(replyText(opened)).toContain('第4项 选聘和解聘物业服务企业或者其他管理人');
    const voteId = Number(/^o:(\d+):/.exec(opened.replies[0].buttons![0][0].data)![1]);
    expect((await press(w, 'resident', `o:${voteId}:1`)).errorCode).toBe('NOT_OWNER');
    expect((await press(w, 'resident', `o:${voteId}:4`)).errorCode).toBe('BAD_BUTTON');
    expect((await press(w, 'resident', `o:${voteId + 1000}:1`)).errorCode).toBe('BAD_BUTTON');
    // A vote of another community cannot be pressed from this chat.
    const other = await makeWorld(database);
    expect((await press(other, 'resident', `o:${voteId}:1`)).errorCode).toBe('BAD_BUTTON');
    expect((await say(w, 'resident', '/ownervote 1 1')).errorCode).toBe('NOT_OWNER');
    expect((await say(w, 'staff', '/poll 1')).errorCode).toBe('WRONG_STAGE'); // one vote at a time
    expect(await database.db.select().from(s.ownerBallots).where(eq(s.ownerBallots.voteId, voteId))).toEqual([]);
  });

  it('ties a chat identity to an owner with a one-time code, and takes text ballots without echoing them', async () => {
    const w = await makeWorld(database);
    const [community] = await database.db.select().from(s.communities).where(eq(s.communities.id, w.communityId));
    await importProperty(database.db, community, checkRegisterCsv('building,unit,area,owner\n1,101,80,13800000001\n1,102,80,13800000001\n1,103,80,B').rows, 'x.csv', w.clock.now());
    const { ownerCode } = await import('../../src/admin/property.js');
    const line = await ownerCode(database.db, community, '13800000001', w.clock.now());
    const code = /: ([A-Z0-9]{6}) \(/.exec(line)![1];
    expect(replyText(await say(w, 'zhang', `/owner ${code}`))).toContain('2 套房屋');
    expect((await say(w, 'li', `/owner ${code}`)).errorCode).toBe('BAD_OWNER_CODE'); // used
    expect((await say(w, 'li', '/owner !!')).errorCode).toBe('BAD_OWNER_CODE');
    await say(w, 'zhang', '/suggest 使用维修资金修屋顶');
    const opened = await say(w, 'staff', '/ownersvote 1 5');
    expect(replyText(opened)).toContain('登记业主 2 人，专有部分总面积 240.00 ㎡');
    const cast = await say(w, 'zhang', '/ownervote 1 同意');
    expect(replyText(cast)).toBe('#1 已记录你的业主表决（内容保密）。');
    expect(replyText(cast)).not.toContain('同意');
    expect(replyText(await say(w, 'zhang', '/业主投票 1 2'))).toContain('已更新');
    expect((await say(w, 'zhang', '/ownervote 1 4')).errorCode).toBe('BAD_CHOICE');
    const result = replyText(await say(w, 'staff', '/close 1'));
    // 160/240 m² and 1/2 owners take part; the one ballot is against.
    expect(result).toContain('参与表决面积：160.00/240.00 ㎡');
    expect(result).toContain('参与表决人数：1/2');
    expect(result).toContain('同意 0 · 反对 1 · 弃权 0');
    expect((await say(w, 'staff', '/close 1')).errorCode).toBe('NO_OPEN_POLL');
    expect((await say(w, 'zhang', '/ownervote 1 1')).errorCode).toBe('POLL_CLOSED');
  });

  it('keeps an owner link when its person is merged into another by /link', async () => {
    const w = await makeWorld(database);
    const [community] = await database.db.select().from(s.communities).where(eq(s.communities.id, w.communityId));
    await importProperty(database.db, community, checkRegisterCsv('building,unit,area,owner\n1,101,80,A\n1,102,80,B').rows, 'x.csv', w.clock.now());
    // The owner link is on the person of another identity ("phone"), which then joins zhang's person.
    await linkOwner(database.db, community, 'A', { platform: 'telegram', platformUserId: uid(w, 'phone') }, w.clock.now());
    const code = /([A-Z0-9]{6})/.exec(replyText(await say(w, 'zhang', '/link')))![1];
    const linked = await w.core.handle({ platform: 'telegram', chat: { platformChatId: 'p-phone', kind: 'private' }, sender: { platformUserId: uid(w, 'phone'), displayName: 'phone' }, text: `/link ${code}` });
    expect(linked.errorCode).toBeUndefined();
    await say(w, 'zhang', '/suggest 修订管理规约');
    const opened = await say(w, 'staff', '/ownersvote 1 2');
    const voteId = Number(/^o:(\d+):/.exec(opened.replies[0].buttons![0][0].data)![1]);
    expect((await press(w, 'zhang', `o:${voteId}:1`)).toast).toBe('已表决：同意（代表 1 套房屋）');
  });
});

describe('the counting rule itself (pure)', () => {
  it('parses areas to exact hundredths and formats them back', () => {
    expect(['89.5', '0.01', '100', '1234567.89', '0', '-1', '1.234', '1e3', ' 7.05 '].map(parseArea)).toEqual([8950, 1, 10000, 123456789, undefined, undefined, undefined, undefined, 705]);
    expect(formatArea(123456789)).toBe('1234567.89');
    expect(formatArea(5)).toBe('0.05');
  });

  it('normalizes owner keys: developer in any case, ID-card letters upper case', () => {
    expect(['Developer', ' 11010119900101123x ', 'a b', ''].map(normalizeOwnerKey)).toEqual(['developer', '11010119900101123X', undefined, undefined]);
  });

  it('ignores ballots of owners without units and never decides on an empty register', () => {
    const c = countOwnersVote(5, [], new Map([[1, 1]]));
    expect(c.passed).toBe(false);
    expect(c.failed).toEqual(['participation.area', 'participation.heads', 'approval.area', 'approval.heads']);
  });
});
