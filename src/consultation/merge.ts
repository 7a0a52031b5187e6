/**
 * `/merge <n> <k>` (合并): staff say `n` is a duplicate of `k`. `n` becomes merged into `k`; its
 * supporters (and its author, unless they wrote `k`) support `k`, once each; its comments move to `k`;
 * `k`'s threshold is checked again by the support rule; `n`'s author is told privately.
 */
import { and, eq, inArray } from 'drizzle-orm';
import { comments, ownersVotes, polls, suggestions, supports } from '../db/schema.js';
import { refuse } from '../domain/errors.js';
import { clip, oneLine } from '../domain/text.js';
import { t } from '../i18n/index.js';
import { getSuggestion, requireStaff, requireStage, type CommandResult, type Ctx, type Suggestion } from '../kernel/context.js';
import { privateAddressesOf } from '../messaging/addresses.js';
import { outboxKeys } from '../messaging/outbox-keys.js';
import { writeOutbox } from '../messaging/outbox.js';
import { countSupports } from './raise.js';
import { OPEN_STAGES } from './stages.js';

export async function merge(ctx: Ctx, n: number, k: number): Promise<CommandResult> {
  await requireStaff(ctx);
  if (n === k) return refuse('MERGE_INTO_ITSELF', { n });
  // Locked in number order, so two merges of the same pair cannot deadlock.
  const [low, high] = [await getSuggestion(ctx, Math.min(n, k), true), await getSuggestion(ctx, Math.max(n, k), true)];
  const [from, into] = n < k ? [low, high] : [high, low];
  requireStage(ctx, from, OPEN_STAGES);
  requireStage(ctx, into, OPEN_STAGES);
  await refuseOpenPoll(ctx, from, into);

  const supporters = await ctx.tx.select({ personId: supports.personId }).from(supports).where(eq(supports.suggestionId, from.id));
  const movers = [...new Set([...supporters.map((r) => r.personId), from.authorId])].filter((p) => p !== into.authorId);
  const added = movers.length
    ? await ctx.tx
        .insert(supports)
        .values(movers.map((personId) => ({ suggestionId: into.id, personId, createdAt: ctx.now })))
        .onConflictDoNothing()
        .returning({ personId: supports.personId })
    : [];
  await ctx.tx.delete(supports).where(eq(supports.suggestionId, from.id));
  const moved = await ctx.tx.update(comments).set({ suggestionId: into.id }).where(eq(comments.suggestionId, from.id)).returning({ id: comments.id });
  await ctx.tx.update(suggestions).set({ stage: 'merged', mergedInto: into.number, supportCount: 0, updatedAt: ctx.now }).where(eq(suggestions.id, from.id));
  const { count, reached } = await countSupports(ctx, into, added.length);
  await ctx.audit(
    'suggestion.merged',
    {
      number: n,
      into: k,
      from: from.stage,
      supportersMoved: added.map((r) => r.personId),
      alreadySupporting: movers.filter((p) => !added.some((r) => r.personId === p)),
      commentsMoved: moved.map((r) => r.id),
      count,
      reached,
    },
    from.id,
  );
  await tellAuthor(ctx, from, into);
  const threshold = ctx.community.supportThreshold;
  return { reply: { text: ctx.t(reached ? 'merge.reached' : 'merge.ok', { n, k, moved: added.length, comments: moved.length, count, threshold }) } };
}

/** A vote or rating (or an owners' vote) open on either item refuses the merge. */
async function refuseOpenPoll(ctx: Ctx, ...items: Suggestion[]): Promise<void> {
  const ids = items.map((s) => s.id);
  const open = [
    ...(await ctx.tx.select({ id: polls.suggestionId }).from(polls).where(and(inArray(polls.suggestionId, ids), eq(polls.status, 'open')))),
    ...(await ctx.tx.select({ id: ownersVotes.suggestionId }).from(ownersVotes).where(and(inArray(ownersVotes.suggestionId, ids), eq(ownersVotes.status, 'open')))),
  ];
  const busy = items.find((s) => open.some((o) => o.id === s.id));
  if (busy) refuse('POLL_OPEN', { n: busy.number });
}

/** The author of the merged item, privately (when they have a private chat with the bot), in their language. */
async function tellAuthor(ctx: Ctx, from: Suggestion, into: Suggestion): Promise<void> {
  if (from.authorId === ctx.personId) return;
  const [to] = await privateAddressesOf(ctx.tx, [from.authorId], () => true, ctx.chat?.platform);
  if (!to) return;
  const text = t(to.lang, 'merge.toAuthor', { n: from.number, k: into.number, text: clip(oneLine(from.text), 60), target: clip(oneLine(into.text), 60) });
  const written = await writeOutbox(ctx.tx, [{ platform: to.platform, platformChatId: to.platformChatId, dedupeKey: outboxKeys.mergedToAuthor(from.id), payload: { text } }]);
  if (written.length) ctx.emit({ type: 'outbox.queued', dedupeKeys: written });
}
