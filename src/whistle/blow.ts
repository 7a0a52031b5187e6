/** 吹哨: community or street staff hand an item to a member unit at their level or above. */
import { markAnswered } from '../kernel/answered.js';
import { and, eq, inArray, isNull } from 'drizzle-orm';
import { memberUnits, orgNodes, whistles } from '../db/schema.js';
import { refuse } from '../domain/errors.js';
import { clip, oneLine } from '../domain/text.js';
import { t } from '../i18n/index.js';
import { privateAddressesOf } from '../messaging/addresses.js';
import { writeOutbox, type OutboxMessage } from '../messaging/outbox.js';
import { formatLocal } from '../domain/time.js';
import { getSuggestion, requireStage, type CommandResult, type Ctx } from '../kernel/context.js';
import { outboxKeys } from '../messaging/outbox-keys.js';
import { isAreaStaff } from '../org/staff.js';
import { communityNode, pathUp } from '../org/tree.js';
import { contactCount, contactPersonIds, findUnitByName } from '../org/units.js';
import { actorOfGroup, auditWhistle } from './actor.js';

export const DEFAULT_REPORT_MS = 24 * 3600e3;
export const DEFAULT_ANSWER_MS = 7 * 86400e3;

export async function blowWhistle(ctx: Ctx, n: number, unitName: string, reportMs = DEFAULT_REPORT_MS, answerMs = DEFAULT_ANSWER_MS): Promise<CommandResult> {
  if (!(await isAreaStaff(ctx.tx, ctx.community.id, ctx.personId))) return refuse('NOT_STAFF');
  const s = await getSuggestion(ctx, n, true);
  requireStage(ctx, s, ['raised', 'supported', 'on_agenda', 'voting', 'approved', 'rejected', 'in_progress', 'evaluating', 'evaluated']);
  const node = await communityNode(ctx.tx, ctx.community.id);
  const path = await pathUp(ctx.tx, node.id);
  const unit = await findUnitByName(ctx.tx, path.map((p) => p.id), unitName);
  if (!unit) {
    const known = await ctx.tx.select({ name: memberUnits.name }).from(memberUnits).where(inArray(memberUnits.nodeId, path.map((p) => p.id)));
    return refuse('UNKNOWN_UNIT', { unit: clip(oneLine(unitName), 40), units: known.map((u) => u.name).join('、') || '—' });
  }
  const [open] = await ctx.tx
    .select({ id: whistles.id })
    .from(whistles)
    .where(and(eq(whistles.suggestionId, s.id), eq(whistles.unitId, unit.id), isNull(whistles.answeredAt)));
  if (open) return refuse('WHISTLE_EXISTS', { n, unit: unit.name });

  const reportDeadline = new Date(ctx.now.getTime() + reportMs);
  const answerDeadline = new Date(ctx.now.getTime() + Math.max(answerMs, reportMs));
  await markAnswered(ctx.tx, s.id, ctx.now);
  const [w] = await ctx.tx
    .insert(whistles)
    .values({
      suggestionId: s.id,
      communityId: ctx.community.id,
      unitId: unit.id,
      nodeId: node.id,
      level: node.level,
      chatId: s.chatId ?? ctx.chat?.id ?? null,
      whistledBy: ctx.personId,
      reportMinutes: Math.round(reportMs / 60e3),
      answerMinutes: Math.round(Math.max(answerMs, reportMs) / 60e3),
      reportDueAt: reportDeadline,
      answerDueAt: answerDeadline,
      reportDeadline,
      answerDeadline,
      createdAt: ctx.now,
    })
    .returning();

  const [unitNode] = await ctx.tx.select({ name: orgNodes.name }).from(orgNodes).where(eq(orgNodes.id, unit.nodeId));
  const ref = `${ctx.community.slug}#${n}`;
  const contacts = await contactPersonIds(ctx.tx, unit.id);
  const addresses = await privateAddressesOf(ctx.tx, contacts, () => true, ctx.chat?.platform);
  const messages: OutboxMessage[] = addresses.map((a) => ({
    platform: a.platform,
    platformChatId: a.platformChatId,
    dedupeKey: outboxKeys.whistleToContact(w!.id, a.personId),
    payload: {
      text: t(a.lang, 'whistle.toContact', {
        unit: unit.name,
        community: ctx.community.name,
        n,
        text: clip(oneLine(s.text), 300),
        report: formatLocal(reportDeadline, ctx.tz),
        answer: formatLocal(answerDeadline, ctx.tz),
        ref,
      }),
    },
  }));
  const written = await writeOutbox(ctx.tx, messages);
  await auditWhistle(actorOfGroup(ctx), 'whistle.blown', { communityId: ctx.community.id, suggestionId: s.id }, {
    whistleId: w!.id,
    number: n,
    unitId: unit.id,
    unit: unit.name,
    reportDeadline: reportDeadline.toISOString(),
    answerDeadline: answerDeadline.toISOString(),
    told: addresses.length,
  });
  if (written.length) ctx.emit({ type: 'outbox.queued', dedupeKeys: written });
  ctx.emit({ type: 'whistle.changed', whistleId: w!.id });

  const total = await contactCount(ctx.tx, unit.id);
  const lines = [ctx.t('whistle.blown', { n, unit: unit.name, at: unitNode?.name ?? '', report: formatLocal(reportDeadline, ctx.tz), answer: formatLocal(answerDeadline, ctx.tz) })];
  if (addresses.length < total || total === 0) lines.push(ctx.t('whistle.unreached', { told: addresses.length, total }));
  return { reply: { text: lines.join('\n') } };
}
