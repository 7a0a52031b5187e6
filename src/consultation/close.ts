/** Closing a vote or rating: freeze the counts, decide the outcome, move the stage, post the result. */
import { count, eq, sql } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.js';
import { auditLog, ballots, polls, ratings, roles, suggestions } from '../db/schema.js';
import type { CoreEvent, Reply } from '../domain/messages.js';
import { t, type Lang } from '../i18n/index.js';
import type { Community, Suggestion } from '../kernel/context.js';
import { percent, ratingPasses, satisfactionRate, voteOutcome } from '../domain/outcome.js';
import { choicesOf, formatCounts, type Poll } from './poll.js';
import { tellFollowers } from './followers.js';

export interface PollResult {
  labels: string[];
  counts: number[];
  total: number;
  /** Residents of the community at close: the turnout's denominator. */
  members: number;
  outcome: string;
  winner?: number;
  satisfaction?: number | null;
}

/** Residents (and staff) of the community: the turnout's denominator. */
async function membersOf(db: Db | Tx, communityId: number): Promise<number> {
  const [row] = await db.select({ members: count() }).from(roles).where(eq(roles.communityId, communityId));
  return Number(row?.members ?? 0);
}

/**
 * The counts per choice and the community's member count in one statement: closing a 100,000-ballot
 * poll is two scans of 100,000 index entries, and a round trip less (no pooled second connection: a
 * fresh one cost more than the overlap won on 2 shared cores).
 */
async function countsAndMembers(tx: Tx, poll: Pick<Poll, 'id' | 'kind'>, communityId: number): Promise<{ counts: Map<number, number>; members: number }> {
  const members = sql<number>`(${tx.select({ n: count() }).from(roles).where(eq(roles.communityId, communityId))})`;
  const rows =
    poll.kind === 'vote'
      ? await tx.select({ k: ballots.choice, c: count(), members }).from(ballots).where(eq(ballots.pollId, poll.id)).groupBy(ballots.choice)
      : await tx.select({ k: ratings.level, c: count(), members }).from(ratings).where(eq(ratings.pollId, poll.id)).groupBy(ratings.level);
  const counts = new Map(rows.map((r) => [r.k, Number(r.c)]));
  // No ballot at all: no row carried the member count.
  return { counts, members: rows.length ? Number(rows[0]!.members) : await membersOf(tx, communityId) };
}

/**
 * Closes `poll`, which the caller has locked FOR UPDATE and checked to be open. `actorId` is null
 * when the deadline closed it. Writes the poll, the stage and one audit row; returns the result message.
 */
export async function closeLockedPoll(
  tx: Tx,
  opts: {
    poll: Poll; suggestion: Suggestion; community: Community; now: Date; lang: Lang; actorId: number | null; byDeadline: boolean; events: CoreEvent[];
  },
): Promise<{ reply: Reply; result: PollResult }> {
  const { poll, suggestion: s, community, now, lang } = opts;
  // Statements issued together go to Postgres as one pipeline (postgres-js; PGlite runs them in
  // turn): under CPU contention each round trip costs milliseconds, and the close used a dozen.
  const [labels, tally] = await Promise.all([choicesOf(tx, poll.id), countsAndMembers(tx, poll, community.id)]);
  const n = labels.length;
  const counts = Array.from({ length: n }, (_, i) => tally.counts.get(i + 1) ?? 0);
  const members = tally.members;
  const total = counts.reduce((a, b) => a + b, 0);
  const countsText = formatCounts(labels, counts);
  let text: string;
  let result: PollResult;
  let stage: Suggestion['stage'];
  if (poll.kind === 'vote') {
    const decided = voteOutcome(community.outcomeRule, labels, counts);
    stage = decided.outcome;
    const outcomeText =
      decided.winner !== undefined
        ? `${t(lang, 'outcome.winner', { choice: labels[decided.winner] })}（${t(lang, 'outcome.approved')}）`
        : decided.tie
          ? t(lang, 'outcome.tie')
          : t(lang, `outcome.${decided.outcome}`);
    text = t(lang, 'result.vote', { n: s.number, counts: countsText, total, members: Number(members), turnout: percent(members ? total / Number(members) : undefined), outcome: outcomeText });
    result = { labels, counts, total, members: Number(members), outcome: decided.outcome, winner: decided.winner };
  } else {
    const rate = satisfactionRate(counts);
    const passes = ratingPasses(counts, community.satisfactionThreshold);
    stage = passes ? 'evaluated' : 'in_progress';
    const outcomeText = t(lang, passes ? 'outcome.evaluated' : total ? 'outcome.reopened' : 'outcome.noRatings', { n: s.number });
    text = t(lang, 'result.rating', { n: s.number, counts: countsText, total, rate: percent(rate), threshold: percent(community.satisfactionThreshold), outcome: outcomeText });
    result = { labels, counts, total, members: Number(members), outcome: passes ? 'evaluated' : 'reopened', satisfaction: rate ?? null };
  }
  if (opts.byDeadline) text += '\n' + t(lang, 'result.byDeadline');
  await Promise.all([
    tx.update(polls).set({ status: 'closed', closedAt: now, closedBy: opts.actorId, result, outcome: result.outcome }).where(eq(polls.id, poll.id)),
    tx.update(suggestions).set({ stage, updatedAt: now }).where(eq(suggestions.id, s.id)),
    tx.insert(auditLog).values({
      communityId: community.id,
      actorId: opts.actorId,
      action: 'poll.closed',
      suggestionId: s.id,
      data: { pollId: poll.id, kind: poll.kind, byDeadline: opts.byDeadline, ...result },
      at: now,
    }),
  ]);
  s.stage = stage;
  opts.events.push({ type: 'poll.closed', pollId: poll.id });
  // The result (a rating's, a reopening's) reaches the followers and the supervisors privately.
  await tellFollowers(tx, { suggestion: s, what: `result-${poll.id}`, key: 'follow.result', params: { n: s.number, result: text }, supervisors: true, events: opts.events });
  // The result picture goes with the result message (adapters that can send pictures draw it).
  // No pollId: the result is not the ballot, and must never become the message live counts are edited into.
  return { reply: { text, attachment: { kind: 'poll-chart', pollId: poll.id } }, result };
}
