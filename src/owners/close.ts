/**
 * Closing an owners' vote: count the register and the ballots by art. 278 (src/domain/owners.ts), freeze
 * the figures, move the suggestion to approved or rejected, audit, and post the result (counts only).
 */
import { and, eq } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.js';
import { auditLog, chats, communities, outboundMessages, ownerBallots, ownersVotes, suggestions } from '../db/schema.js';
import type { ChatAddress, CoreEvent, Reply } from '../domain/messages.js';
import { countOwnersVote, type Matter, type OwnerChoice, type OwnersCount } from '../domain/owners.js';
import { langOf, t, type Lang } from '../i18n/index.js';
import { outboxKeys } from '../messaging/outbox-keys.js';
import { itemAddress, replyMessage, writeOutbox } from '../messaging/outbox.js';
import { getSuggestion, requireStaff, type CommandResult, type Community, type Ctx, type Suggestion } from '../kernel/context.js';
import { unitsOf } from './register.js';
import { ownersResultText } from './render.js';
import { requireOpenOwnersVote, type OwnersVote } from './vote.js';
import { tellFollowers } from '../consultation/followers.js';

/** The count of a vote as the register and its ballots stand now. */
export async function countVote(tx: Db | Tx, vote: Pick<OwnersVote, 'id' | 'communityId' | 'matter' | 'buildings'>): Promise<OwnersCount> {
  const [units, ballots] = await Promise.all([
    unitsOf(tx, vote.communityId, vote.buildings),
    tx.select({ ownerId: ownerBallots.ownerId, choice: ownerBallots.choice }).from(ownerBallots).where(eq(ownerBallots.voteId, vote.id)),
  ]);
  return countOwnersVote(
    vote.matter as Matter,
    units.map((u) => ({ owner: u.ownerId, area: u.area })),
    new Map(ballots.map((b) => [b.ownerId, b.choice as OwnerChoice])),
  );
}

/**
 * Closes `vote`, which the caller locked FOR UPDATE and found open. `actorId` is null when its deadline
 * closed it. Writes the vote, the stage and one audit row; returns the result message.
 */
export async function closeLockedOwnersVote(
  tx: Tx,
  opts: { vote: OwnersVote; suggestion: Suggestion; community: Community; now: Date; lang: Lang; actorId: number | null; byDeadline: boolean; events: CoreEvent[] },
): Promise<{ reply: Reply; count: OwnersCount }> {
  const { vote, suggestion: s, now, lang } = opts;
  const count = await countVote(tx, vote);
  const outcome = count.passed ? 'passed' : 'failed';
  let text = ownersResultText(lang, s.number, count, vote.buildings);
  if (opts.byDeadline) text += '\n' + t(lang, 'result.byDeadline');
  await tx.update(ownersVotes).set({ status: 'closed', closedAt: now, closedBy: opts.actorId, result: count, outcome }).where(eq(ownersVotes.id, vote.id));
  await tx.update(suggestions).set({ stage: count.passed ? 'approved' : 'rejected', updatedAt: now }).where(eq(suggestions.id, s.id));
  s.stage = count.passed ? 'approved' : 'rejected';
  await tx.insert(auditLog).values({
    communityId: opts.community.id,
    actorId: opts.actorId,
    action: 'owners_vote.closed',
    suggestionId: s.id,
    data: { voteId: vote.id, byDeadline: opts.byDeadline, outcome, ...count },
    at: now,
  });
  opts.events.push({ type: 'owners_vote.closed', voteId: vote.id });
  await tellFollowers(tx, { suggestion: s, what: `owners-result-${vote.id}`, key: 'follow.result', params: { n: s.number, result: text }, supervisors: true, events: opts.events });
  return { reply: { text, standalone: true }, count };
}

/** Staff close the open owners' vote on suggestion `n`; the result is a new message in the chat. */
export async function closeOwnersVote(ctx: Ctx, n: number): Promise<CommandResult> {
  await requireStaff(ctx);
  const s = await getSuggestion(ctx, n, true);
  const vote = await requireOpenOwnersVote(ctx, s, 'update');
  ctx.audits.count++;
  const { reply } = await closeLockedOwnersVote(ctx.tx, { vote, suggestion: s, community: ctx.community, now: ctx.now, lang: ctx.lang, actorId: ctx.personId, byDeadline: false, events: ctx.events });
  return { reply };
}

/**
 * For the jobs: closes owners' vote `voteId` if it is open and due at `now`, writing the result to the
 * outbox in the same transaction; undefined when it is not (closed by hand first, not yet due) or has no
 * chat to post to. `fit` bounds the text to what platforms accept.
 */
export async function closeDueOwnersVote(
  tx: Tx,
  voteId: number,
  now: Date,
  events: CoreEvent[],
  fit: (reply: Reply, lang: string) => Reply,
): Promise<{ to: ChatAddress; reply: Reply } | undefined> {
  const [vote] = await tx.select().from(ownersVotes).where(eq(ownersVotes.id, voteId)).for('update');
  if (!vote || vote.status !== 'open' || vote.deadline.getTime() > now.getTime()) return undefined;
  const [s] = await tx.select().from(suggestions).where(eq(suggestions.id, vote.suggestionId)).for('update');
  const [community] = await tx.select().from(communities).where(eq(communities.id, vote.communityId));
  const [chat] = vote.chatId ? await tx.select().from(chats).where(eq(chats.id, vote.chatId)) : [];
  const lang = langOf(community.lang);
  const { reply } = await closeLockedOwnersVote(tx, { vote, suggestion: s, community, now, lang, actorId: null, byDeadline: true, events });
  if (!chat) return undefined;
  // The result goes to the forum topic the item was raised in, like a poll's.
  const to = itemAddress(chat, s.threadId);
  const fitted = fit(reply, lang);
  await writeOutbox(tx, [replyMessage(to, outboxKeys.ownersVoteResult(voteId), { text: fitted.text })]);
  return { to, reply: fitted };
}

/** Open owners' votes and their deadlines, for the jobs to reconcile their timers from Postgres. */
export async function openOwnersVotes(db: Db | Tx): Promise<{ id: number; deadline: Date }[]> {
  return db.select({ id: ownersVotes.id, deadline: ownersVotes.deadline }).from(ownersVotes).where(eq(ownersVotes.status, 'open'));
}

/** The latest owners' vote on suggestion `n` of a community (for staff's per-unit listing). */
export async function latestOwnersVote(tx: Db | Tx, communityId: number, n: number): Promise<{ vote: OwnersVote; suggestion: Suggestion } | undefined> {
  const [s] = await tx.select().from(suggestions).where(and(eq(suggestions.communityId, communityId), eq(suggestions.number, n)));
  if (!s) return undefined;
  const rows = await tx.select().from(ownersVotes).where(eq(ownersVotes.suggestionId, s.id));
  const vote = rows.sort((a, b) => b.id - a.id)[0];
  return vote ? { vote, suggestion: s } : undefined;
}
