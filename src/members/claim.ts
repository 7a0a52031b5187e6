/**
 * 认领: a confirmed party member of the community claims a need, by its button (`c:<id>`) or `/claim
 * <id>`, while it has places and its date has not passed. The need's row is locked, so two members
 * pressing for the last place get one claim and one refusal.
 */
import { and, eq } from 'drizzle-orm';
import { needClaims } from '../db/schema.js';
import { refuse } from '../domain/errors.js';
import type { CommandResult, Ctx } from '../kernel/context.js';
import { actorOfGroup, auditIn } from './actor.js';
import { loadNeed, placesTaken } from './needs.js';
import { requireConfirmedMember } from './roster.js';
import { volunteerByUnit } from './volunteers.js';

export async function claimNeed(ctx: Ctx, needId: number): Promise<CommandResult> {
  const need = await loadNeed(ctx.tx, needId, ctx.community.id, true);
  const member = (await volunteerByUnit(ctx)) ?? (await requireConfirmedMember(ctx.tx, ctx.personId, ctx.community.id));
  if (need.dueAt && need.dueAt.getTime() <= ctx.now.getTime()) return refuse('NEED_PAST_DUE', { id: need.id, due: need.dueDate ?? '' });
  const [mine] = await ctx.tx.select({ id: needClaims.id }).from(needClaims).where(and(eq(needClaims.needId, need.id), eq(needClaims.memberId, member.id)));
  if (mine) return refuse('ALREADY_CLAIMED', { id: need.id });
  const taken = await placesTaken(ctx.tx, need.id);
  if (taken >= need.capacity) return refuse('NEED_FULL', { id: need.id, capacity: need.capacity });
  const [claim] = await ctx.tx.insert(needClaims).values({ needId: need.id, memberId: member.id, personId: ctx.personId, claimedAt: ctx.now }).returning();
  await auditIn(actorOfGroup(ctx), ctx.community.id, 'need.claimed', { needId: need.id, claimId: claim!.id, memberId: member.id });
  ctx.emit({ type: 'need.changed', needId: need.id });
  const text = ctx.t('need.claimed', { name: ctx.displayName, id: need.id, taken: taken + 1, capacity: need.capacity, due: need.dueDate ?? ctx.t('need.noDate') });
  return { reply: { text }, toast: ctx.t('need.claimedToast', { id: need.id }) };
}

/** The claim button: `c:<needId>`; anything else is BAD_BUTTON. */
export async function claimButtonPressed(ctx: Ctx, data: string): Promise<CommandResult> {
  const m = /^c:(\d{1,9})$/.exec(data);
  if (!m) return refuse('BAD_BUTTON');
  return claimNeed(ctx, Number(m[1]));
}
