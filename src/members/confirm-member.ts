/**
 * `/confirm-member <name or id>` (确认党员): staff of the community (or a street above it) confirm a
 * member's report; the report's points are entered and the member is told privately.
 */
import { and, eq } from 'drizzle-orm';
import { partyMembers, persons } from '../db/schema.js';
import { refuse } from '../domain/errors.js';
import { clip, oneLine } from '../domain/text.js';
import { foldWidth } from '../domain/time.js';
import { t } from '../i18n/index.js';
import { privateAddressesOf } from '../messaging/addresses.js';
import { writeOutbox } from '../messaging/outbox.js';
import type { CommandResult, Ctx } from '../kernel/context.js';
import { isAreaStaff } from '../org/staff.js';
import { creditRegister } from '../points/ledger.js';
import { actorOfGroup, auditIn } from './actor.js';
import { memberOutboxKeys } from '../messaging/outbox-keys.js';

export const CONFIRM_MEMBER_EXAMPLE = '确认党员 R7';

export async function confirmMember(ctx: Ctx, who: string): Promise<CommandResult> {
  if (!(await isAreaStaff(ctx.tx, ctx.community.id, ctx.personId))) return refuse('NOT_STAFF');
  const wanted = oneLine(who);
  if (!wanted) return refuse('EMPTY_TEXT', { example: CONFIRM_MEMBER_EXAMPLE });
  const rows = await ctx.tx
    .select({ m: partyMembers, name: persons.displayName })
    .from(partyMembers)
    .innerJoin(persons, eq(persons.id, partyMembers.personId))
    .where(eq(partyMembers.communityId, ctx.community.id));
  // A report number as written in the replies (`R7`), or bare (`7`, `#7`).
  const number = /^[#rR]?\s*(\d{1,9})$/.exec(foldWidth(wanted));
  const byId = number ? rows.filter((r) => r.m.id === Number(number[1])) : [];
  const byName = rows.filter((r) => r.name.trim().toLowerCase() === wanted.toLowerCase());
  const hits = byId.length ? byId : byName;
  if (!hits.length) return refuse('UNKNOWN_MEMBER', { who: clip(wanted, 40) });
  const pending = hits.filter((r) => r.m.status === 'pending');
  if (!pending.length) return refuse('ALREADY_CONFIRMED', { who: hits[0]!.name });
  if (pending.length > 1) return refuse('AMBIGUOUS_MEMBER', { who: clip(wanted, 40), choices: pending.map((r) => `R${r.m.id}（${r.m.unitName}）`).join('、') });

  const [m] = await ctx.tx
    .update(partyMembers)
    .set({ status: 'confirmed', confirmedAt: ctx.now, confirmedBy: ctx.personId })
    .where(and(eq(partyMembers.id, pending[0]!.m.id), eq(partyMembers.status, 'pending')))
    .returning();
  if (!m) return refuse('ALREADY_CONFIRMED', { who: pending[0]!.name });
  const entry = await creditRegister(ctx.tx, m, ctx.now, ctx.personId);
  await auditIn(actorOfGroup(ctx), ctx.community.id, 'member.confirmed', { memberId: m.id, unit: m.unitName, points: entry?.points ?? 0, entryId: entry?.id ?? null });

  const [to] = await privateAddressesOf(ctx.tx, [m.personId], () => true, ctx.chat?.platform);
  if (to) {
    const written = await writeOutbox(ctx.tx, [
      { platform: to.platform, platformChatId: to.platformChatId, dedupeKey: memberOutboxKeys.confirmed(m.id), payload: { text: t(to.lang, 'members.confirmed.toMember', { community: ctx.community.name, points: entry?.points ?? 0 }) } },
    ]);
    if (written.length) ctx.emit({ type: 'outbox.queued', dedupeKeys: written });
  }
  return { reply: { text: ctx.t('members.confirmed', { name: pending[0]!.name, id: m.id, unit: m.unitName, points: entry?.points ?? 0 }) } };
}
