/**
 * Owners' votes as the exports and the 公示 notice show them: the four art. 278 figures (frozen at close,
 * counted live while open), never a ballot per unit (those stay for staff in `yishi property`).
 */
import { and, asc, desc, eq } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.js';
import { communities, ownersVotes, suggestions } from '../db/schema.js';
import type { OwnersCount } from '../domain/owners.js';
import type { Community, Suggestion } from '../kernel/context.js';
import { countVote } from './close.js';
import type { OwnersVote } from './vote.js';

export interface OwnersVoteStanding {
  vote: OwnersVote;
  suggestion: Suggestion;
  community: Community;
  count: OwnersCount;
}

async function withCount(db: Db | Tx, row: { vote: OwnersVote; suggestion: Suggestion; community: Community }): Promise<OwnersVoteStanding> {
  const frozen = row.vote.status === 'closed' ? (row.vote.result as OwnersCount | null) : null;
  return { ...row, count: frozen ?? (await countVote(db, row.vote)) };
}

const base = (db: Db | Tx) =>
  db
    .select({ vote: ownersVotes, suggestion: suggestions, community: communities })
    .from(ownersVotes)
    .innerJoin(suggestions, eq(suggestions.id, ownersVotes.suggestionId))
    .innerJoin(communities, eq(communities.id, ownersVotes.communityId));

export async function ownersVoteStanding(db: Db | Tx, voteId: number): Promise<OwnersVoteStanding | undefined> {
  const [row] = await base(db).where(eq(ownersVotes.id, voteId));
  return row && withCount(db, row);
}

/** Every owners' vote of a community, oldest first. */
export async function communityOwnersVotes(db: Db | Tx, communityId: number): Promise<OwnersVoteStanding[]> {
  const rows = await base(db).where(eq(ownersVotes.communityId, communityId)).orderBy(asc(ownersVotes.openedAt), asc(ownersVotes.id));
  const out: OwnersVoteStanding[] = [];
  for (const r of rows) out.push(await withCount(db, r));
  return out;
}

/** The owners' votes of one suggestion, newest first. */
export async function suggestionOwnersVotes(db: Db | Tx, suggestionId: number): Promise<OwnersVoteStanding[]> {
  const rows = await base(db).where(eq(ownersVotes.suggestionId, suggestionId)).orderBy(desc(ownersVotes.openedAt), desc(ownersVotes.id));
  const out: OwnersVoteStanding[] = [];
  for (const r of rows) out.push(await withCount(db, r));
  return out;
}

/** The latest closed owners' vote of a suggestion. */
export async function latestClosedOwnersVote(db: Db | Tx, suggestionId: number): Promise<OwnersVote | undefined> {
  const [v] = await db
    .select()
    .from(ownersVotes)
    .where(and(eq(ownersVotes.suggestionId, suggestionId), eq(ownersVotes.status, 'closed')))
    .orderBy(desc(ownersVotes.closedAt), desc(ownersVotes.id))
    .limit(1);
  return v;
}

/** An owners' vote for machines (the JSON export): areas in hundredths of m², times ISO, ratios unreduced. */
export function ownersVoteJson(s: OwnersVoteStanding) {
  const c = s.count;
  return {
    number: s.suggestion.number,
    matter: c.matter,
    status: s.vote.status,
    openedAt: s.vote.openedAt.toISOString(),
    deadline: s.vote.deadline.toISOString(),
    closedAt: s.vote.closedAt?.toISOString() ?? null,
    outcome: s.vote.outcome ?? null,
    heads: c.heads,
    participationAreaHundredths: c.participationArea,
    participationHeads: c.participationHeads,
    approvalAreaHundredths: c.approvalArea,
    approvalHeads: c.approvalHeads,
    failed: c.failed,
    passed: c.passed,
  };
}
