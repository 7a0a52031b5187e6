/** Closing a vote or rating: freeze the counts, decide the outcome, move the stage, post the result. */
import { count, eq, sql, type SQL } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.js';
import { auditLog, polls, roles, suggestions } from '../db/schema.js';
import type { CoreEvent, Reply } from '../commands/types.js';
import { t, type Lang } from '../i18n/index.js';
import type { Community, Suggestion } from './context.js';
import { percent, ratingPasses, satisfactionRate, voteOutcome } from './outcome.js';
import { choicesOf, countsOf, formatCounts, type Poll } from './poll.js';

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
export async function membersOf(db: Db | Tx, communityId: number | SQL): Promise<number> {
  const [row] = await db.select({ members: count() }).from(roles).where(eq(roles.communityId, communityId));
  return Number(row?.members ?? 0);
}

/** The same count, knowing only the poll (so it can run before the poll is locked). */
export const membersOfPoll = (db: Db | Tx, pollId: number) =>
  // A scalar subquery, so the planner filters roles by one community id rather than joining 100,000 rows.
  membersOf(db, sql`(select ${suggestions.communityId} from ${polls} join ${suggestions} on ${suggestions.id} = ${polls.suggestionId} where ${polls.id} = ${pollId})`);

/**
 * Closes `poll`, which the caller has locked FOR UPDATE and checked to be open. `actorId` is null
 * when the deadline closed it. Writes the poll, the stage and one audit row; returns the result message.
 */
export async function closeLockedPoll(
  tx: Tx,
  opts: {
    poll: Poll; suggestion: Suggestion; community: Community; now: Date; lang: Lang; actorId: number | null; byDeadline: boolean; events: CoreEvent[];
    /**
     * The community's member count, already being counted on another connection. Counting 100,000
     * residents costs about half as much as the tally itself, so a caller with a connection pool runs
     * it beside the tally instead of after it; without it the count runs in `tx`.
     */
    members?: Promise<number>;
  },
): Promise<{ reply: Reply; result: PollResult }> {
  const { poll, suggestion: s, community, now, lang } = opts;
  const labels = await choicesOf(tx, poll.id);
  const counts = await countsOf(tx, poll, labels.length);
  const total = counts.reduce((a, b) => a + b, 0);
  const members = opts.members ? await opts.members : await membersOf(tx, community.id);
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
  await tx.update(polls).set({ status: 'closed', closedAt: now, closedBy: opts.actorId, result, outcome: result.outcome }).where(eq(polls.id, poll.id));
  await tx.update(suggestions).set({ stage, updatedAt: now }).where(eq(suggestions.id, s.id));
  s.stage = stage;
  await tx.insert(auditLog).values({
    communityId: community.id,
    actorId: opts.actorId,
    action: 'poll.closed',
    suggestionId: s.id,
    data: { pollId: poll.id, kind: poll.kind, byDeadline: opts.byDeadline, ...result },
    at: now,
  });
  opts.events.push({ type: 'poll.closed', pollId: poll.id });
  return { reply: { text, pollId: poll.id }, result };
}
