/** The whistles of a community with their times, for the staff page and the exports. */
import { asc, eq } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.js';
import { memberUnits, suggestions, whistles } from '../db/schema.js';
import { isOverdue } from './figures.js';
import type { Whistle } from './respond.js';

export interface WhistleRow {
  whistle: Whistle;
  number: number;
  text: string;
  unit: string;
  /** Open and past a running deadline now. */
  overdue: boolean;
}

/** Every whistle on the community's items, oldest first (`open` only: not answered yet). */
export async function communityWhistles(db: Db | Tx, communityId: number, now: Date, opts: { open?: boolean } = {}): Promise<WhistleRow[]> {
  const rows = await db
    .select({ whistle: whistles, number: suggestions.number, text: suggestions.text, unit: memberUnits.name })
    .from(whistles)
    .innerJoin(suggestions, eq(suggestions.id, whistles.suggestionId))
    .innerJoin(memberUnits, eq(memberUnits.id, whistles.unitId))
    .where(eq(whistles.communityId, communityId))
    .orderBy(asc(whistles.createdAt), asc(whistles.id));
  return rows.filter((r) => !opts.open || !r.whistle.answeredAt).map((r) => ({ ...r, overdue: isOverdue(r.whistle, now) }));
}
