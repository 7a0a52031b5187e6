/** 民事民提 and 民事民议: suggest, support, comment, withdraw. */
import { and, count, eq, max, sql } from 'drizzle-orm';
import { comments, communities, suggestions, supports } from '../db/schema.js';
import { refuse } from '../domain/errors.js';
import { clip, oneLine } from '../domain/text.js';
import { getSuggestion, requireStage, type CommandResult, type Ctx, type Suggestion } from '../kernel/context.js';
import { tellGridWorkers } from '../org/grids.js';
import { markAnswered } from '../kernel/answered.js';
import { isAreaStaff } from '../org/staff.js';
import { encodeProfile, profile } from '../domain/similarity.js';
import { similarOpenItems, withSimilar } from './similar.js';
import { SUPPORT_STAGES } from './stages.js';

/** Records a suggestion, numbered per community (the community row is locked to allocate the number). */
export async function suggest(ctx: Ctx, text: string): Promise<CommandResult> {
  // NO KEY UPDATE serializes numbering without blocking the foreign-key checks of concurrent ballots.
  await ctx.tx.select({ id: communities.id }).from(communities).where(eq(communities.id, ctx.community.id)).for('no key update');
  const [{ last }] = await ctx.tx.select({ last: max(suggestions.number) }).from(suggestions).where(eq(suggestions.communityId, ctx.community.id));
  const n = (last ?? 0) + 1;
  const features = profile(text);
  const similar = await similarOpenItems(ctx, features);
  const [s] = await ctx.tx
    .insert(suggestions)
    .values({ communityId: ctx.community.id, number: n, authorId: ctx.personId, chatId: ctx.chat?.id, gridId: ctx.chat?.gridId ?? null, threadId: ctx.threadId ?? null, text, similarity: encodeProfile(features), createdAt: ctx.now, updatedAt: ctx.now })
    .returning();
  await ctx.audit('suggestion.raised', { number: n, text, ...(similar.length ? { similar: similar.map((x) => x.number) } : {}) }, s.id);
  await tellGridWorkers(ctx, s);
  ctx.emit({ type: 'suggestion.raised', suggestionId: s.id });
  return { reply: withSimilar(ctx, { text: ctx.t('suggest.ok', { n, text: clip(oneLine(text), 100), threshold: ctx.community.supportThreshold }) }, n, similar) };
}

/** One support per person, never by the author; reaching the threshold moves raised -> supported. */
export async function support(ctx: Ctx, n: number): Promise<CommandResult> {
  const s = await getSuggestion(ctx, n, true);
  requireStage(ctx, s, SUPPORT_STAGES);
  if (s.authorId === ctx.personId) refuse('OWN_SUGGESTION', { n });
  const inserted = await ctx.tx.insert(supports).values({ suggestionId: s.id, personId: ctx.personId, createdAt: ctx.now }).onConflictDoNothing().returning();
  if (!inserted.length) refuse('ALREADY_SUPPORTED', { n });
  const { count, reached } = await countSupports(ctx, s, 1);
  await ctx.audit('suggestion.supported', { number: n, count, reached }, s.id);
  return { reply: { text: ctx.t(reached ? 'support.reached' : 'support.ok', { n, count, threshold: ctx.community.supportThreshold }) } };
}

/**
 * The threshold rule, for supports given one by one or moved by a merge: `added` more supports on the
 * locked `s`; reaching the community's threshold moves raised -> supported.
 */
export async function countSupports(ctx: Ctx, s: Suggestion, added: number): Promise<{ count: number; reached: boolean }> {
  const reached = s.stage === 'raised' && s.supportCount + added >= ctx.community.supportThreshold;
  const [row] = await ctx.tx
    .update(suggestions)
    .set({ supportCount: sql`${suggestions.supportCount} + ${added}`, stage: reached ? 'supported' : s.stage, updatedAt: ctx.now })
    .where(eq(suggestions.id, s.id))
    .returning({ supportCount: suggestions.supportCount });
  s.supportCount = row!.supportCount;
  if (reached) s.stage = 'supported';
  return { count: row!.supportCount, reached };
}

export async function comment(ctx: Ctx, n: number, text: string): Promise<CommandResult> {
  const s = await getSuggestion(ctx, n);
  requireStage(ctx, s, ['raised', 'supported', 'on_agenda', 'voting', 'approved', 'rejected', 'in_progress', 'evaluating', 'evaluated']);
  await ctx.tx.insert(comments).values({ suggestionId: s.id, personId: ctx.personId, text, createdAt: ctx.now });
  const [{ c }] = await ctx.tx.select({ c: count() }).from(comments).where(eq(comments.suggestionId, s.id));
  // A comment by the community's (or its street's, district's) staff answers the item.
  if (await isAreaStaff(ctx.tx, ctx.community.id, ctx.personId)) await markAnswered(ctx.tx, s.id, ctx.now);
  await ctx.audit('comment.added', { number: n, text }, s.id);
  return { reply: { text: ctx.t('comment.ok', { n, count: Number(c) }) } };
}

/** The author may withdraw a suggestion until the vote opens. */
export async function withdraw(ctx: Ctx, n: number): Promise<CommandResult> {
  const s = await getSuggestion(ctx, n, true);
  if (s.authorId !== ctx.personId) refuse('NOT_AUTHOR', { n });
  requireStage(ctx, s, ['raised', 'supported', 'on_agenda']);
  await ctx.tx.update(suggestions).set({ stage: 'withdrawn', updatedAt: ctx.now }).where(and(eq(suggestions.id, s.id)));
  await markAnswered(ctx.tx, s.id, ctx.now);
  await ctx.audit('suggestion.withdrawn', { number: n, from: s.stage }, s.id);
  return { reply: { text: ctx.t('withdraw.ok', { n }) } };
}
