/**
 * Opening an owners' vote (staff) and casting an owner's ballot (buttons and /ownervote). One ballot per
 * owner for all the owner's units; a person who speaks for several owners casts for each of them. The
 * vote row is locked FOR SHARE while ballots are written and FOR UPDATE by the close, so no ballot lands
 * after a close and none is missed by it.
 */
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import { communities, ownerBallots, ownerPersons, ownersVotes, propertyUnits, suggestions } from '../db/schema.js';
import { refuse } from '../domain/errors.js';
import type { Matter, OwnerChoice } from '../domain/owners.js';
import { getSuggestion, requireStaff, requireStage, setStage, type CommandResult, type Ctx, type Suggestion } from '../kernel/context.js';
import { buildingsOf, registerTotals } from './register.js';
import { buildingsNote, choiceName, ownersBallot } from './render.js';
import { markAnswered } from '../kernel/answered.js';

export type OwnersVote = typeof ownersVotes.$inferSelect;

/** Staff open an owners' vote on suggestion `n` about art. 278 item `matter`; the reply is the ballot. */
export async function openOwnersVote(ctx: Ctx, n: number, matter: Matter, durationMs: number, buildings?: string[]): Promise<CommandResult> {
  await requireStaff(ctx);
  const s = await getSuggestion(ctx, n, true);
  requireStage(ctx, s, ['raised', 'supported', 'on_agenda']);
  // FOR SHARE on the community: an import (FOR UPDATE) cannot change the register while a vote opens.
  await ctx.tx.select({ id: communities.id }).from(communities).where(eq(communities.id, ctx.community.id)).for('share');
  if (buildings?.length) {
    const known = await buildingsOf(ctx.tx, ctx.community.id);
    const unknown = buildings.filter((b) => !known.includes(b));
    if (unknown.length) return refuse('UNKNOWN_BUILDING', { buildings: unknown.join('、'), known: known.join('、') || '—' });
  }
  const totals = await registerTotals(ctx.tx, ctx.community.id, buildings);
  if (!totals.units) return refuse('NO_PROPERTY');
  const deadline = new Date(ctx.now.getTime() + durationMs);
  const [vote] = await ctx.tx
    .insert(ownersVotes)
    .values({ communityId: ctx.community.id, suggestionId: s.id, matter, buildings: buildings?.length ? buildings : null, chatId: ctx.chat?.id ?? s.chatId, deadline, openedBy: ctx.personId, openedAt: ctx.now })
    .returning();
  await setStage(ctx, s, 'voting');
  await markAnswered(ctx.tx, s.id, ctx.now);
  await ctx.audit('owners_vote.opened', { number: n, voteId: vote.id, matter, buildings: buildings ?? null, deadline: deadline.toISOString(), ...totals }, s.id);
  ctx.emit({ type: 'owners_vote.opened', voteId: vote.id, deadline });
  const ballot = ownersBallot(ctx.lang, ctx.tz, { id: vote.id, matter, deadline }, s, totals);
  return { reply: { ...ballot, text: ballot.text + buildingsNote(ctx.lang, buildings) } };
}

/** The open owners' vote on `s`, locked as asked; POLL_CLOSED when the last one closed, NO_OPEN_POLL when none was opened. */
export async function requireOpenOwnersVote(ctx: Ctx, s: Suggestion, lock: 'share' | 'update'): Promise<OwnersVote> {
  const [vote] = await ctx.tx.select().from(ownersVotes).where(and(eq(ownersVotes.suggestionId, s.id), eq(ownersVotes.status, 'open'))).for(lock);
  if (vote && vote.status === 'open') return vote;
  const [last] = await ctx.tx.select({ id: ownersVotes.id }).from(ownersVotes).where(eq(ownersVotes.suggestionId, s.id)).orderBy(desc(ownersVotes.id)).limit(1);
  return last ? refuse('POLL_CLOSED', { n: s.number }) : refuse('NO_OPEN_POLL', { n: s.number });
}

/** The open owners' vote on suggestion `n`, or undefined (for /close, which closes either kind). */
export async function openOwnersVoteOn(ctx: Ctx, n: number): Promise<OwnersVote | undefined> {
  const s = await getSuggestion(ctx, n);
  const [vote] = await ctx.tx.select().from(ownersVotes).where(and(eq(ownersVotes.suggestionId, s.id), eq(ownersVotes.status, 'open')));
  return vote;
}

/**
 * Records `choice` as the ballot of every owner the sender speaks for in this community (owners who
 * hold at least one unit), on a vote locked FOR SHARE and known to be open. One audit row per ballot.
 */
async function record(ctx: Ctx, vote: OwnersVote, n: number, choice: OwnerChoice): Promise<{ changed: boolean; units: number }> {
  if (vote.deadline.getTime() <= ctx.now.getTime()) refuse('POLL_CLOSED', { n });
  const owners = await ctx.tx
    .select({ ownerId: ownerPersons.ownerId, units: sql<number>`count(*)::int` })
    .from(ownerPersons)
    .innerJoin(propertyUnits, eq(propertyUnits.ownerId, ownerPersons.ownerId))
    .where(and(eq(ownerPersons.personId, ctx.personId), eq(propertyUnits.communityId, ctx.community.id), vote.buildings?.length ? inArray(propertyUnits.building, vote.buildings) : undefined))
    .groupBy(ownerPersons.ownerId);
  if (!owners.length) refuse('NOT_OWNER');
  const ids = owners.map((o) => o.ownerId);
  const before = new Map(
    (await ctx.tx.select({ ownerId: ownerBallots.ownerId, choice: ownerBallots.choice }).from(ownerBallots).where(and(eq(ownerBallots.voteId, vote.id), inArray(ownerBallots.ownerId, ids)))).map(
      (b) => [b.ownerId, b.choice],
    ),
  );
  await ctx.tx
    .insert(ownerBallots)
    .values(ids.map((ownerId) => ({ voteId: vote.id, ownerId, choice, personId: ctx.personId, castAt: ctx.now })))
    .onConflictDoUpdate({
      target: [ownerBallots.voteId, ownerBallots.ownerId],
      set: { choice, personId: ctx.personId, changedAt: ctx.now },
    });
  for (const ownerId of ids) {
    const from = before.get(ownerId);
    await ctx.audit(from === undefined ? 'owner_ballot.cast' : 'owner_ballot.changed', { voteId: vote.id, ownerId, choice, from: from ?? null }, vote.suggestionId);
  }
  return { changed: before.size > 0, units: owners.reduce((a, o) => a + Number(o.units), 0) };
}

/** A ballot button `o:<voteId>:<k>` pressed in a bound group; the answer (toast) names the choice to the presser only. */
export async function pressOwnerBallot(ctx: Ctx, data: string): Promise<CommandResult> {
  const m = /^o:(\d{1,9}):([1-3])$/.exec(data);
  if (!m) return refuse('BAD_BUTTON');
  const [vote] = await ctx.tx.select().from(ownersVotes).where(eq(ownersVotes.id, Number(m[1]))).for('share');
  if (!vote || vote.communityId !== ctx.community.id) return refuse('BAD_BUTTON');
  const [s] = await ctx.tx.select({ number: suggestions.number }).from(suggestions).where(eq(suggestions.id, vote.suggestionId));
  if (vote.status !== 'open') return refuse('POLL_CLOSED', { n: s.number });
  const choice = Number(m[2]) as OwnerChoice;
  const r = await record(ctx, vote, s.number, choice);
  return { toast: ctx.t(r.changed ? 'owners.toastChanged' : 'owners.toast', { choice: choiceName(ctx.lang, choice), units: r.units }) };
}

/** `/ownervote <n> <k>`: the reply in the group says a ballot was recorded, never which. */
export async function castOwnerBallot(ctx: Ctx, n: number, choice: OwnerChoice): Promise<CommandResult> {
  const s = await getSuggestion(ctx, n);
  const vote = await requireOpenOwnersVote(ctx, s, 'share');
  const r = await record(ctx, vote, n, choice);
  return {
    reply: { text: ctx.t(r.changed ? 'owners.castChanged' : 'owners.castOk', { n }) },
    toast: ctx.t(r.changed ? 'owners.toastChanged' : 'owners.toast', { choice: choiceName(ctx.lang, choice), units: r.units }),
  };
}
