/**
 * Every suggestion answered: a raised suggestion that no staff member has answered (src/kernel/answered.ts)
 * is reminded to the community's staff privately once half the community's answer time has passed, and
 * escalated once the whole has: the street's staff told privately, the item's group told. Each step once
 * (suggestions.answer_reminded_at / answer_escalated_at, claimed with its messages and audit row); each run
 * checks Postgres first, so a late, early or repeated run does no harm. Planned by jobs/answers.ts.
 */
import { and, asc, eq, inArray, isNull, or } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.js';
import { auditLog, chats, communities, persons, roles, suggestions } from '../db/schema.js';
import { clip, oneLine } from '../domain/text.js';
import { formatLocal } from '../domain/time.js';
import { t } from '../i18n/index.js';
import { UNANSWERED_STAGES } from '../kernel/answered.js';
import { inTransaction } from '../kernel/unit-of-work.js';
import { groupChatsOf, privateAddressesOf, type ScheduledResult, type ScheduledRun } from '../messaging/addresses.js';
import { outboxKeys } from '../messaging/outbox-keys.js';
import { itemAddress, replyMessage, writeOutbox, type OutboxMessage } from '../messaging/outbox.js';
import { staffOfNode } from '../org/staff.js';
import { communityNode, nodeById } from '../org/tree.js';

export type AnswerStep = 'remind' | 'escalate';

export interface PlannedAnswerJob {
  id: string;
  name: `answer-${AnswerStep}`;
  data: { suggestionId: number; step: AnswerStep; at: number };
  at: number;
}

/**
 * The job id of one step of one suggestion: deterministic, so the jobs' planned queue finds a suggestion's
 * jobs without a scan; a changed answer time replaces the job (its data carries the time it is due at).
 */
export const answerJobId = (suggestionId: number, step: AnswerStep) => `answer-${step}-${suggestionId}`;

/** When a step is due: half the answer time after raising, or the whole. */
export function answerStepAt(createdAt: Date, withinMinutes: number, step: AnswerStep): number {
  const whole = withinMinutes * 60e3;
  return createdAt.getTime() + (step === 'remind' ? Math.floor(whole / 2) : whole);
}

/** The answer-time jobs of every unanswered suggestion, or of one. */
export async function planAnswerJobs(db: Db, _now: Date, suggestionId?: number): Promise<PlannedAnswerJob[]> {
  const rows = await db
    .select({ s: suggestions, within: communities.answerWithinMinutes })
    .from(suggestions)
    .innerJoin(communities, eq(communities.id, suggestions.communityId))
    .where(and(
      suggestionId === undefined ? undefined : eq(suggestions.id, suggestionId),
      isNull(suggestions.answeredAt),
      inArray(suggestions.stage, [...UNANSWERED_STAGES]),
      or(isNull(suggestions.answerRemindedAt), isNull(suggestions.answerEscalatedAt)),
    ))
    .orderBy(asc(suggestions.id));
  const out: PlannedAnswerJob[] = [];
  for (const { s, within } of rows) {
    for (const step of ['remind', 'escalate'] as const) {
      if (step === 'remind' ? s.answerRemindedAt : s.answerEscalatedAt) continue;
      // An escalation says everything a reminder would: no late reminder after it is due.
      const at = answerStepAt(s.createdAt, within, step);
      out.push({ id: answerJobId(s.id, step), name: `answer-${step}`, data: { suggestionId: s.id, step, at }, at });
    }
  }
  return out;
}

const hoursText = (lang: string, ms: number) => {
  const h = Math.round(ms / 3600e3);
  return h >= 48 && h % 24 === 0 ? t(lang, 'duration.days', { n: h / 24 }) : t(lang, 'duration.hours', { n: h });
};

async function load(tx: Tx, suggestionId: number) {
  const [row] = await tx
    .select({ s: suggestions, c: communities, author: persons.displayName })
    .from(suggestions)
    .innerJoin(communities, eq(communities.id, suggestions.communityId))
    .innerJoin(persons, eq(persons.id, suggestions.authorId))
    .where(eq(suggestions.id, suggestionId))
    .for('update', { of: suggestions });
  return row;
}

/** Runs one step of one suggestion at `run.now`. */
export async function answerStep(run: ScheduledRun, suggestionId: number, step: AnswerStep, plannedAt: number): Promise<ScheduledResult> {
  const { db, now } = run;
  return inTransaction(db, async (tx) => {
    const row = await load(tx, suggestionId);
    if (!row) return { note: 'no suggestion', queued: [] };
    const { s, c } = row;
    if (s.answeredAt || !UNANSWERED_STAGES.includes(s.stage)) return { note: 'answered', queued: [] };
    const due = answerStepAt(s.createdAt, c.answerWithinMinutes, step);
    if (due !== plannedAt && due > now.getTime()) return { note: 'answer time changed', queued: [] };
    if (now.getTime() < due) return { note: 'not yet due', queued: [] };
    const text = clip(oneLine(s.text), 100);
    const messages: OutboxMessage[] = [];
    if (step === 'remind') {
      if (s.answerRemindedAt || s.answerEscalatedAt) return { note: 'already reminded', queued: [] };
      const staff = await tx.select({ p: roles.personId }).from(roles).where(and(eq(roles.communityId, c.id), eq(roles.role, 'staff')));
      const deadline = new Date(answerStepAt(s.createdAt, c.answerWithinMinutes, 'escalate'));
      for (const a of await privateAddressesOf(tx, staff.map((r) => r.p), run.reachable)) {
        messages.push({
          platform: a.platform,
          platformChatId: a.platformChatId,
          dedupeKey: outboxKeys.answerReminder(s.id, a.personId),
          payload: { text: t(a.lang, 'answer.remind', { community: c.name, n: s.number, who: row.author, elapsed: hoursText(a.lang, now.getTime() - s.createdAt.getTime()), text, deadline: formatLocal(deadline, run.tz) }) },
        });
      }
      await tx.update(suggestions).set({ answerRemindedAt: now }).where(eq(suggestions.id, s.id));
    } else {
      if (s.answerEscalatedAt) return { note: 'already escalated', queued: [] };
      const within = c.answerWithinMinutes * 60e3;
      const parentId = (await communityNode(tx, c.id)).parentId;
      const street = parentId === null ? undefined : await nodeById(tx, parentId);
      const streetStaff = street ? await staffOfNode(tx, street) : [];
      for (const a of await privateAddressesOf(tx, streetStaff, run.reachable)) {
        messages.push({
          platform: a.platform,
          platformChatId: a.platformChatId,
          dedupeKey: outboxKeys.answerEscalatedTo(s.id, a.personId),
          payload: { text: t(a.lang, 'answer.escalated', { community: c.name, n: s.number, within: hoursText(a.lang, within), text }) },
        });
      }
      const [chat] = s.chatId ? await tx.select().from(chats).where(and(eq(chats.id, s.chatId), eq(chats.active, true))) : [];
      const groups = chat ? [{ ...chat, address: itemAddress(chat, s.threadId) }] : (await groupChatsOf(tx, c.id)).map((g) => ({ ...g, address: itemAddress(g) }));
      for (const g of groups) {
        messages.push(replyMessage(g.address, outboxKeys.answerEscalatedToChat(s.id, g.id), { text: t(c.lang, 'answer.escalated.group', { n: s.number, within: hoursText(c.lang, within) }) }));
      }
      await tx.update(suggestions).set({ answerEscalatedAt: now, ...(s.answerRemindedAt ? {} : { answerRemindedAt: now }) }).where(eq(suggestions.id, s.id));
    }
    const written = await writeOutbox(tx, messages);
    await tx.insert(auditLog).values({
      communityId: c.id,
      suggestionId: s.id,
      action: step === 'remind' ? 'suggestion.answer_reminded' : 'suggestion.answer_escalated',
      data: { number: s.number, recipients: written.length, answerWithinMinutes: c.answerWithinMinutes },
      at: now,
    });
    return { note: `${step} ${written.length}`, queued: messages.map((m) => m.dedupeKey) };
  });
}
