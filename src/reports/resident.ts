/**
 * What the resident pages show: a community's open items, and one item as any resident may see it (its
 * story, supports, comments, progress, its open vote or rating with the counts and the reader's own
 * choice, its results) — never who voted how, never the staff's history or objections.
 */
import { and, asc, desc, eq, inArray, notInArray } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { ballots, comments, communities, persons, progressUpdates, ratings, roles, suggestions, supports } from '../db/schema.js';
import type { Community } from '../kernel/context.js';
import { itemPolls, type Item } from './board.js';
import type { PollStanding } from './results.js';
import { typedSlug } from '../domain/slug.js';

/** Stages no longer open (the list leaves them out; the item page still shows them). */
/** Not listed as open: done with, or merged into another item (issue 32), which is listed in its place. */
const FINISHED = ['withdrawn', 'evaluated', 'rejected', 'merged'] as const;

export async function communityBySlug(db: Db, slug: string): Promise<Community | undefined> {
  const typed = typedSlug(slug);
  if (!typed) return undefined;
  const [c] = await db.select().from(communities).where(eq(communities.slug, typed));
  return c;
}

/** The communities a person takes part in (any role), by name. */
export async function communitiesOfPerson(db: Db, personId: number): Promise<Community[]> {
  const rows = await db.select({ c: communities }).from(roles).innerJoin(communities, eq(communities.id, roles.communityId)).where(eq(roles.personId, personId)).orderBy(asc(communities.name));
  return rows.map((r) => r.c);
}

/** A community's open items, newest first (at most 100). */
export async function openItems(db: Db, community: Community): Promise<Item[]> {
  return db
    .select()
    .from(suggestions)
    .where(and(eq(suggestions.communityId, community.id), notInArray(suggestions.stage, [...FINISHED])))
    .orderBy(desc(suggestions.number))
    .limit(100);
}

export interface ResidentItem {
  item: Item;
  author: string | undefined;
  comments: { name: string; text: string; at: Date }[];
  progress: { percent: number; text: string; at: Date }[];
  /** Newest first; the open one (if any) first of all. */
  polls: PollStanding[];
  /** The reader's own choice (1-based) in each poll, by poll id. */
  mine: Map<number, number>;
  /** The reader supports it, or raised it. */
  supported: boolean;
  own: boolean;
}

export async function residentItem(db: Db, community: Community, n: number, personId: number | undefined): Promise<ResidentItem | undefined> {
  const [item] = await db.select().from(suggestions).where(and(eq(suggestions.communityId, community.id), eq(suggestions.number, n)));
  if (!item) return undefined;
  const [[author], said, progress, polls] = await Promise.all([
    db.select({ name: persons.displayName }).from(persons).where(eq(persons.id, item.authorId)),
    db
      .select({ name: persons.displayName, text: comments.text, at: comments.createdAt })
      .from(comments)
      .innerJoin(persons, eq(persons.id, comments.personId))
      .where(eq(comments.suggestionId, item.id))
      .orderBy(asc(comments.createdAt), asc(comments.id)),
    db
      .select({ percent: progressUpdates.percent, text: progressUpdates.text, at: progressUpdates.createdAt })
      .from(progressUpdates)
      .where(eq(progressUpdates.suggestionId, item.id))
      .orderBy(asc(progressUpdates.createdAt), asc(progressUpdates.id)),
    itemPolls(db, item.id),
  ]);
  polls.sort((a, b) => Number(b.poll.status === 'open') - Number(a.poll.status === 'open') || b.poll.id - a.poll.id);
  const mine = new Map<number, number>();
  let supported = false;
  if (personId !== undefined) {
    const ids = polls.map((p) => p.poll.id);
    if (ids.length) {
      const [b, r] = await Promise.all([
        db.select({ pollId: ballots.pollId, k: ballots.choice }).from(ballots).where(and(inArray(ballots.pollId, ids), eq(ballots.personId, personId))),
        db.select({ pollId: ratings.pollId, k: ratings.level }).from(ratings).where(and(inArray(ratings.pollId, ids), eq(ratings.personId, personId))),
      ]);
      for (const row of [...b, ...r]) mine.set(row.pollId, row.k);
    }
    const [s] = await db.select({ p: supports.personId }).from(supports).where(and(eq(supports.suggestionId, item.id), eq(supports.personId, personId)));
    supported = !!s;
  }
  return { item, author: author?.name, comments: said, progress, polls, mine, supported, own: personId === item.authorId };
}
