/**
 * The time-driven part of a whistle, called by the jobs at the planned times (see plan.ts): a reminder
 * to the unit's contacts before each deadline, and at a missed deadline an escalation one level up
 * (community → street → district) that gives the next level the same time again; at the top a missed
 * deadline is said once. Each run checks Postgres first, so a late, early or repeated run does no harm.
 */
import { and, eq, sql } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.js';
import { auditLog, chats, communities, memberUnits, suggestions, whistleEscalations, whistles, type WhistleStep } from '../db/schema.js';
import { clip, oneLine } from '../domain/text.js';
import { t, type MessageKey } from '../i18n/index.js';
import { privateAddressesOf, type ScheduledResult, type ScheduledRun } from '../messaging/addresses.js';
import { outboxHasKeyPrefix, writeOutbox, type OutboxMessage } from '../messaging/outbox.js';
import { formatLocal, reminderBefore } from '../domain/time.js';
import { outboxKeys } from '../messaging/outbox-keys.js';
import { staffOfNode } from '../org/staff.js';
import { nodeById } from '../org/tree.js';
import { contactPersonIds } from '../org/units.js';
import type { Whistle } from './respond.js';
import { inTransaction } from '../kernel/unit-of-work.js';

/** The deadline of a step as it runs now, or undefined when the step is done. */
export function openDeadline(w: Whistle, step: WhistleStep): Date | undefined {
  if (w.answeredAt) return undefined;
  if (step === 'report') return w.reportedAt ? undefined : w.reportDeadline;
  return w.answerDeadline;
}

const windowMs = (w: Whistle, step: WhistleStep) => (step === 'report' ? w.reportMinutes : w.answerMinutes) * 60e3;

/** When the contacts are reminded of a deadline: 24 h before it, or halfway through windows under 48 h. */
export function reminderAt(deadline: Date, window: number): Date {
  return reminderBefore(deadline, window);
}

export const reminderTimeOf = (w: Whistle, step: WhistleStep, deadline: Date) => reminderAt(deadline, windowMs(w, step));

/** Whether a missed deadline at the top was already said (the audit row is the record). */
export async function overdueSaid(db: Db | Tx, w: Pick<Whistle, 'id' | 'communityId'>, step: WhistleStep, deadline: Date): Promise<boolean> {
  const [row] = await db
    .select({ id: auditLog.id })
    .from(auditLog)
    .where(and(
      eq(auditLog.communityId, w.communityId),
      eq(auditLog.action, 'whistle.overdue'),
      sql`${auditLog.data}->>'whistleId' = ${String(w.id)}`,
      sql`${auditLog.data}->>'step' = ${step}`,
      sql`${auditLog.data}->>'missed' = ${deadline.toISOString()}`,
    ))
    .limit(1);
  return Boolean(row);
}

async function loadLocked(tx: Tx, whistleId: number) {
  const [w] = await tx.select().from(whistles).where(eq(whistles.id, whistleId)).for('update');
  if (!w) return undefined;
  const [info] = await tx
    .select({ n: suggestions.number, text: suggestions.text, unit: memberUnits.name, community: communities.name, slug: communities.slug, lang: communities.lang })
    .from(suggestions)
    .innerJoin(communities, eq(communities.id, suggestions.communityId))
    .innerJoin(memberUnits, eq(memberUnits.id, w.unitId))
    .where(eq(suggestions.id, w.suggestionId));
  return { w, info: info! };
}

/** The whistle locked, with the step's deadline when it is still open and is the one the job was planned for. */
type Loaded = NonNullable<Awaited<ReturnType<typeof loadLocked>>>;

async function openStep(tx: Parameters<typeof loadLocked>[0], whistleId: number, step: WhistleStep, deadlineMs: number): Promise<{ note: string } | (Loaded & { deadline: Date })> {
  const loaded = await loadLocked(tx, whistleId);
  if (!loaded) return { note: 'no whistle' };
  const deadline = openDeadline(loaded.w, step);
  if (!deadline) return { note: `${step} done` };
  if (deadline.getTime() !== deadlineMs) return { note: 'deadline moved' };
  return { ...loaded, deadline };
}

/** Reminds the unit's contacts privately that a deadline is near (once per deadline). */
export async function whistleRemind(run: ScheduledRun, whistleId: number, step: WhistleStep, deadlineMs: number): Promise<ScheduledResult> {
  const { db, now, tz } = run;
  return inTransaction(db, async (tx) => {
    const open = await openStep(tx, whistleId, step, deadlineMs);
    if ('note' in open) return { note: open.note, queued: [] };
    const { w, info, deadline } = open;
    if (now.getTime() >= deadline.getTime()) return { note: 'too late', queued: [] };
    if (await outboxHasKeyPrefix(tx, outboxKeys.whistleReminder(w.id, step, deadline))) return { note: 'already reminded', queued: [] };
    const addresses = await privateAddressesOf(tx, await contactPersonIds(tx, w.unitId), run.reachable);
    const key: MessageKey = step === 'report' ? 'whistle.remind.report' : 'whistle.remind.answer';
    const messages: OutboxMessage[] = addresses.map((a) => ({
      platform: a.platform,
      platformChatId: a.platformChatId,
      dedupeKey: outboxKeys.whistleReminderTo(w.id, step, deadline, a.personId),
      payload: { text: t(a.lang, key, { unit: info.unit, community: info.community, n: info.n, text: clip(oneLine(info.text), 60), deadline: formatLocal(deadline, tz), ref: `${info.slug}#${info.n}` }) },
    }));
    const written = await writeOutbox(tx, messages);
    await tx.insert(auditLog).values({ communityId: w.communityId, suggestionId: w.suggestionId, action: 'whistle.reminded', data: { whistleId: w.id, step, deadline: deadline.toISOString(), persons: messages.length }, at: now });
    return { note: `reminded ${messages.length}`, queued: written };
  });
}

/**
 * A deadline passed: the whistle climbs one level (its deadline for that step renewed by the same window)
 * and the item's group, the staff of the new level and whoever blew the whistle are told; at the top the
 * same people are told once that it is overdue.
 */
export async function whistleDue(run: ScheduledRun, whistleId: number, step: WhistleStep, deadlineMs: number): Promise<ScheduledResult & { escalated?: boolean }> {
  const { db, now, tz } = run;
  return inTransaction(db, async (tx) => {
    const open = await openStep(tx, whistleId, step, deadlineMs);
    if ('note' in open) return { note: open.note, queued: [] };
    const { w, info, deadline } = open;
    if (now.getTime() < deadline.getTime()) return { note: 'not yet due', queued: [] };
    if (await overdueSaid(tx, w, step, deadline)) return { note: 'already handled', queued: [] };

    const from = (await nodeById(tx, w.nodeId))!;
    const to = from.parentId !== null ? await nodeById(tx, from.parentId) : undefined;
    const stepName = (lang: string) => t(lang, step === 'report' ? 'whistle.step.report' : 'whistle.step.answer');
    const levelName = (lang: string, level: string) => t(lang, `org.level.${level}` as MessageKey);
    let groupText: (lang: string) => string;
    let recipients: number[];
    let escalated = false;
    if (to) {
      const renewed = new Date(now.getTime() + windowMs(w, step));
      await tx
        .update(whistles)
        .set({ nodeId: to.id, level: to.level, ...(step === 'report' ? { reportDeadline: renewed } : { answerDeadline: renewed }) })
        .where(eq(whistles.id, w.id));
      await tx.insert(whistleEscalations).values({ whistleId: w.id, step, fromNodeId: from.id, toNodeId: to.id, toLevel: to.level, missedDeadline: deadline, at: now });
      await tx.insert(auditLog).values({
        communityId: w.communityId,
        suggestionId: w.suggestionId,
        action: 'whistle.escalated',
        data: { whistleId: w.id, step, missed: deadline.toISOString(), from: from.slug, to: to.slug, level: to.level, deadline: renewed.toISOString() },
        at: now,
      });
      groupText = (lang) =>
        t(lang, 'whistle.escalated', { n: info.n, unit: info.unit, step: stepName(lang), level: levelName(lang, to.level), node: to.name, deadline: formatLocal(renewed, tz) });
      recipients = [...(await staffOfNode(tx, to)), w.whistledBy];
      escalated = true;
    } else {
      await tx.insert(auditLog).values({
        communityId: w.communityId,
        suggestionId: w.suggestionId,
        action: 'whistle.overdue',
        data: { whistleId: w.id, step, missed: deadline.toISOString(), at: from.slug, level: from.level },
        at: now,
      });
      groupText = (lang) => t(lang, 'whistle.overdueTop', { n: info.n, unit: info.unit, step: stepName(lang), level: levelName(lang, from.level), node: from.name });
      recipients = [...(await staffOfNode(tx, from)), w.whistledBy];
    }

    const messages: OutboxMessage[] = [];
    const [chat] = w.chatId ? await tx.select().from(chats).where(eq(chats.id, w.chatId)) : [];
    if (chat) messages.push({ platform: chat.platform, platformChatId: chat.platformChatId, dedupeKey: outboxKeys.whistleMissedToChat(w.id, step, deadline), payload: { text: groupText(info.lang) } });
    for (const a of await privateAddressesOf(tx, [...new Set(recipients)], run.reachable, chat?.platform)) {
      messages.push({ platform: a.platform, platformChatId: a.platformChatId, dedupeKey: outboxKeys.whistleMissedTo(w.id, step, deadline, a.personId), payload: { text: `${info.community}：${groupText(a.lang)}` } });
    }
    const written = await writeOutbox(tx, messages);
    return { note: escalated ? 'escalated' : 'overdue at the top', queued: written, escalated };
  });
}
