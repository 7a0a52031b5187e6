/** 民事民评: progress while carried out, then the residents' satisfaction rating. */
import { progressUpdates } from '../db/schema.js';
import { getSuggestion, requireStaff, requireStage, setStage, type CommandResult, type Ctx } from '../kernel/context.js';
import { RATING_CHOICES } from '../domain/outcome.js';
import { ballotButtons, openPoll } from './poll.js';
import { markAnswered } from '../kernel/answered.js';
import { tellFollowers } from './followers.js';
import { clip, oneLine } from '../domain/text.js';

export async function progress(ctx: Ctx, n: number, percent: number, text: string): Promise<CommandResult> {
  await requireStaff(ctx);
  const s = await getSuggestion(ctx, n, true);
  requireStage(ctx, s, ['approved', 'in_progress']);
  const [row] = await ctx.tx.insert(progressUpdates).values({ suggestionId: s.id, personId: ctx.personId, percent, text, createdAt: ctx.now }).returning();
  await markAnswered(ctx.tx, s.id, ctx.now);
  await tellFollowers(ctx.tx, { suggestion: s, what: `progress-${row!.id}`, key: 'follow.progress', params: { n, percent, text: clip(oneLine(text), 300) }, except: ctx.personId, events: ctx.events });
  const from = s.stage;
  if (s.stage !== 'in_progress') await setStage(ctx, s, 'in_progress');
  await ctx.audit('progress.reported', { number: n, percent, text, from }, s.id);
  return { reply: { text: ctx.t('progress.ok', { n, percent, text }) } };
}

/** Staff mark it carried out: the stage becomes evaluating and a rating round opens. */
export async function done(ctx: Ctx, n: number, durationMs: number): Promise<CommandResult> {
  await requireStaff(ctx);
  const s = await getSuggestion(ctx, n, true);
  requireStage(ctx, s, ['approved', 'in_progress']);
  const { poll, reply } = await openPoll(ctx, s, 'rating', [...RATING_CHOICES], durationMs);
  await setStage(ctx, s, 'evaluating');
  // Followers rate with one tap, privately.
  await tellFollowers(ctx.tx, { suggestion: s, what: `rating-${poll.id}`, key: 'follow.rating', params: { n, text: clip(oneLine(s.text), 80) }, buttons: ballotButtons('rating', poll.id, [...RATING_CHOICES]), events: ctx.events });
  await ctx.audit('poll.opened', { number: n, pollId: poll.id, kind: 'rating', deadline: poll.deadline.toISOString() }, s.id);
  return { reply: { ...reply, text: ctx.t('done.ok', { n }) + '\n' + reply.text } };
}
