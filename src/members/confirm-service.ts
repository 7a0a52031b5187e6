/**
 * `/confirm <id>` (确认): staff confirm every reported service of a need into points (one ledger entry
 * per claim, the need's points); `/return <id> <reason>` (退回) sends them back to their claimers, who
 * may report again. Claimers are told privately.
 */
import { and, eq, inArray } from 'drizzle-orm';
import { needClaims, partyMembers } from '../db/schema.js';
import { refuse } from '../domain/errors.js';
import { t } from '../i18n/index.js';
import { privateAddressesOf } from '../messaging/addresses.js';
import { writeOutbox, type OutboxMessage } from '../messaging/outbox.js';
import type { CommandResult, Ctx } from '../kernel/context.js';
import { isAreaStaff } from '../org/staff.js';
import { addEntry } from '../points/ledger.js';
import { actorOfGroup, auditIn } from './actor.js';
import { claimsOf, loadNeed, rateButton, type Need } from './needs.js';
import { memberOutboxKeys } from '../messaging/outbox-keys.js';

async function servedClaims(ctx: Ctx, needId: number) {
  if (!(await isAreaStaff(ctx.tx, ctx.community.id, ctx.personId))) return refuse('NOT_STAFF');
  const need = await loadNeed(ctx.tx, needId, ctx.community.id, true);
  const served = (await claimsOf(ctx.tx, need.id)).filter((r) => r.c.status === 'served');
  if (!served.length) return refuse('NOTHING_SERVED', { id: need.id });
  return { need, served };
}

async function tell(ctx: Ctx, personIds: number[], message: (lang: string, personId: number) => { key: string; text: string }): Promise<void> {
  const addresses = await privateAddressesOf(ctx.tx, personIds, () => true, ctx.chat?.platform);
  const rows: OutboxMessage[] = addresses.map((a) => {
    const m = message(a.lang, a.personId);
    return { platform: a.platform, platformChatId: a.platformChatId, dedupeKey: m.key, payload: { text: m.text } };
  });
  const written = await writeOutbox(ctx.tx, rows);
  if (written.length) ctx.emit({ type: 'outbox.queued', dedupeKeys: written });
}

export async function confirmService(ctx: Ctx, needId: number): Promise<CommandResult> {
  const { need, served } = await servedClaims(ctx, needId);
  const ids = served.map((r) => r.c.id);
  await ctx.tx.update(needClaims).set({ status: 'confirmed', confirmedAt: ctx.now, confirmedBy: ctx.personId }).where(inArray(needClaims.id, ids));
  const members = await ctx.tx.select().from(partyMembers).where(inArray(partyMembers.id, served.map((r) => r.c.memberId)));
  const entries: Array<{ claimId: number; entryId: number | null }> = [];
  for (const { c } of served) {
    const member = members.find((m) => m.id === c.memberId)!;
    const e = await addEntry(ctx.tx, { communityId: need.communityId, kind: 'service', points: need.points, at: ctx.now, member, needId: need.id, claimId: c.id, data: c.hours === null ? undefined : { hours: c.hours }, createdBy: ctx.personId });
    entries.push({ claimId: c.id, entryId: e?.id ?? null });
  }
  await auditIn(actorOfGroup(ctx), ctx.community.id, 'need.confirmed', { needId: need.id, points: need.points, claims: entries });
  await tell(ctx, served.map((r) => r.c.personId), (lang, personId) => {
    const c = served.find((r) => r.c.personId === personId)!.c;
    return { key: memberOutboxKeys.confirmedTo(c.id), text: t(lang, 'need.confirmed.toClaimer', { id: need.id, points: need.points, community: ctx.community.name }) };
  });
  ctx.emit({ type: 'need.changed', needId: need.id });
  const text = [ctx.t('need.confirmed', { id: need.id, names: served.map((r) => r.name).join('、'), points: need.points })];
  return { reply: need.askedBy ? { text: [...text, ctx.t('need.rateAsk', { id: need.id })].join('\n'), buttons: rateButtons(ctx, need) } : { text: text[0]! } };
}

const rateButtons = (ctx: Ctx, need: Need) => [[1, 2, 3].map((k) => ({ label: ctx.t(`need.rating.${k as 1 | 2 | 3}`), data: rateButton(need.id, k) }))];

export async function returnService(ctx: Ctx, needId: number, reason: string): Promise<CommandResult> {
  const { need, served } = await servedClaims(ctx, needId);
  await ctx.tx
    .update(needClaims)
    .set({ status: 'claimed', returnedAt: ctx.now, returnReason: reason })
    .where(and(eq(needClaims.needId, need.id), eq(needClaims.status, 'served')));
  await auditIn(actorOfGroup(ctx), ctx.community.id, 'need.returned', { needId: need.id, claims: served.map((r) => r.c.id), reason });
  await tell(ctx, served.map((r) => r.c.personId), (lang, personId) => {
    const c = served.find((r) => r.c.personId === personId)!.c;
    return { key: memberOutboxKeys.returnedTo(c.id, ctx.now), text: t(lang, 'need.returned.toClaimer', { id: need.id, reason, community: ctx.community.name }) };
  });
  ctx.emit({ type: 'need.changed', needId: need.id });
  return { reply: { text: ctx.t('need.returned', { id: need.id, names: served.map((r) => r.name).join('、'), reason }) } };
}
