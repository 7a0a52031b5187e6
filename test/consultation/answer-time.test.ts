/** Every suggestion answered: reminder at half the answer time, escalation at the whole, answered in time never escalated; the answer time's bounds. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, like } from 'drizzle-orm';
import { freshDatabase } from '../support/services.js';
import type { Database } from '../../src/db/client.js';
import * as s from '../../src/db/schema.js';
import { answerStep, planAnswerJobs } from '../../src/consultation/answer-time.js';
import { answerWithinSchema } from '../../src/domain/admin-args.js';
import { setCommunity } from '../../src/org/communities.js';
import { Clock, config, makeWorld, replyText, say } from '../core/helpers.js';
import { dm, seedTree, start } from '../whistle/support.js';

const HOUR = 3600e3;

describe('every suggestion answered', () => {
  let database: Database;
  beforeAll(async () => {
    database = await freshDatabase();
  });
  afterAll(async () => {
    await database.close();
  });

  it('reminds staff at half the answer time, escalates to the street and the group at the whole, and never escalates one answered in time', async () => {
    const clock = new Clock(new Date('2026-11-10T02:00:00Z'));
    const w = await makeWorld(database, { clock });
    await seedTree(w); // street staff 'jd' started the bot privately
    await start(w, 'staff');
    expect(await setCommunity(database.db, w.slug, { answerWithinMinutes: 48 * 60 })).toContain('answerWithinMinutes 2880');
    await say(w, '张三', '/suggest 东门路灯不亮');
    await say(w, '李四', '/suggest 垃圾站太臭');
    const [s1, s2] = await database.db.select().from(s.suggestions).where(eq(s.suggestions.communityId, w.communityId)).orderBy(s.suggestions.number);
    const run = () => ({ db: database.db, now: clock.now(), tz: config.YISHI_TZ, reachable: () => true });

    const plan = await planAnswerJobs(database.db, clock.now());
    const mine = plan.filter((j) => j.data.suggestionId === s1!.id);
    expect(mine.map((j) => [j.name, j.at - s1!.createdAt.getTime()])).toEqual([['answer-remind', 24 * HOUR], ['answer-escalate', 48 * HOUR]]);

    // Too early: nothing.
    expect((await answerStep(run(), s1!.id, 'remind', mine[0]!.at)).note).toBe('not yet due');

    // A staff comment on #2 answers it.
    clock.advance(2 * HOUR);
    await say(w, 'staff', '/comment 2 已联系环卫所，本周内清运');
    clock.advance(23 * HOUR);
    const reminded = await answerStep(run(), s1!.id, 'remind', mine[0]!.at);
    expect(reminded.queued).toHaveLength(1);
    const [toStaff] = await database.db.select().from(s.outboundMessages).where(eq(s.outboundMessages.platformChatId, dm(w, 'staff')));
    expect((toStaff!.payload as { text: string }).text).toContain('#1');
    expect((await answerStep(run(), s1!.id, 'remind', mine[0]!.at)).note).toBe('already reminded');
    expect((await answerStep(run(), s2!.id, 'remind', mine[0]!.at)).note).toBe('answered');
    expect((await planAnswerJobs(database.db, clock.now())).filter((j) => j.data.suggestionId === s2!.id)).toEqual([]);

    // Not yet unanswered in the figures before the whole time has passed.
    expect(replyText(await say(w, 'staff', '/stats'))).toContain('超过答复时限仍未答复的提议：0');

    clock.advance(24 * HOUR);
    const escalated = await answerStep(run(), s1!.id, 'escalate', mine[1]!.at);
    expect(escalated.note).toBe('escalate 2');
    const [toStreet] = await database.db.select().from(s.outboundMessages).where(eq(s.outboundMessages.platformChatId, dm(w, 'jd')));
    expect((toStreet!.payload as { text: string }).text).toContain('超时未答复');
    const [toGroup] = await database.db.select().from(s.outboundMessages).where(eq(s.outboundMessages.platformChatId, w.chatId));
    expect((toGroup!.payload as { text: string }).text).toContain('#1');
    expect((await answerStep(run(), s1!.id, 'escalate', mine[1]!.at)).note).toBe('already escalated');
    expect(await database.db.select().from(s.outboundMessages).where(like(s.outboundMessages.dedupeKey, `answer-escalated-${s2!.id}%`))).toEqual([]);
    const audits = await database.db.select().from(s.auditLog).where(eq(s.auditLog.suggestionId, s1!.id));
    expect(audits.map((a) => a.action)).toEqual(['suggestion.raised', 'suggestion.answer_reminded', 'suggestion.answer_escalated']);

    // Counted as unanswered until answered.
    expect(replyText(await say(w, 'staff', '/stats'))).toContain('超过答复时限仍未答复的提议：1（#1）');
    await say(w, 'staff', '/agenda 1');
    expect(replyText(await say(w, 'staff', '/stats'))).toContain('超过答复时限仍未答复的提议：0');
  });

  it('accepts an answer time from 1 hour to 1 year, refusing 0 and 10 years', async () => {
    expect(answerWithinSchema.parse('1h')).toBe(60);
    expect(answerWithinSchema.parse('7d')).toBe(7 * 24 * 60);
    expect(answerWithinSchema.parse('365d')).toBe(365 * 24 * 60);
    for (const bad of ['0', '0d', '30m', '10y', '3650d', '366d', 'soon']) expect(answerWithinSchema.safeParse(bad).success).toBe(false);
    const w = await makeWorld(database);
    await expect(setCommunity(database.db, 'no-such-community', { answerWithinMinutes: 60 })).rejects.toThrow(/unknown community/);
    const [c] = await database.db.select().from(s.communities).where(eq(s.communities.id, w.communityId));
    expect(c!.answerWithinMinutes).toBe(7 * 24 * 60);
  });
});
