/**
 * The resident who asked (the author of the item a need was posted for) rates the service once it is
 * confirmed: `/needrate <id> <1-3>` (评价需求) or the buttons under the confirmation; the latest counts.
 */
import { eq } from 'drizzle-orm';
import { needs } from '../db/schema.js';
import { refuse } from '../domain/errors.js';
import type { CommandResult, Ctx } from '../kernel/context.js';
import { actorOfGroup, auditIn } from './actor.js';
import { claimsOf, loadNeed } from './needs.js';

export const RATE_NEED_EXAMPLE = '/needrate 5 1';

/** `1`-`3`, or the label in either language (满意, 基本满意, 不满意). */
export function ratingLevel(text: string, labels: string[]): number | undefined {
  const s = text.trim().toLowerCase();
  if (/^[1-3]$/.test(s)) return Number(s);
  const i = labels.findIndex((l) => l.toLowerCase() === s);
  return i >= 0 ? i + 1 : undefined;
}

export async function rateNeed(ctx: Ctx, needId: number, level: number): Promise<CommandResult> {
  const need = await loadNeed(ctx.tx, needId, ctx.community.id, true);
  if (need.askedBy !== ctx.personId) return refuse('NOT_ASKER', { id: need.id });
  if (!(await claimsOf(ctx.tx, need.id)).some((r) => r.c.status === 'confirmed')) return refuse('NEED_NOT_DONE', { id: need.id });
  await ctx.tx.update(needs).set({ rating: level, ratedAt: ctx.now }).where(eq(needs.id, need.id));
  await auditIn(actorOfGroup(ctx), ctx.community.id, 'need.rated', { needId: need.id, level, before: need.rating });
  const label = ctx.t(`need.rating.${level as 1 | 2 | 3}`);
  return { reply: { text: ctx.t('need.rated', { id: need.id, label }) }, toast: ctx.t('need.rated', { id: need.id, label }) };
}

/** The rating buttons: `nr:<needId>:<1-3>`. */
export async function rateButtonPressed(ctx: Ctx, data: string): Promise<CommandResult> {
  const m = /^nr:(\d{1,9}):([1-3])$/.exec(data);
  if (!m) return refuse('BAD_BUTTON');
  return rateNeed(ctx, Number(m[1]), Number(m[2]));
}
