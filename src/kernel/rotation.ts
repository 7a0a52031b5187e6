/**
 * The quarterly rotating chair (轮值主席): council units chair the joint meeting in the order they were
 * added, one unit a quarter; the unit added first chairs the quarter in which it was added.
 */
import { and, asc, eq } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.js';
import { councilUnits, communities } from '../db/schema.js';
import { addQuarters, quarterOf, quartersBetween, type Quarter } from '../domain/time.js';

export type CouncilUnit = typeof councilUnits.$inferSelect;

/** The unit chairing `quarter`, given the units in rotation order and the quarter rotation started. */
export function chairOfQuarter<U>(units: U[], rotationStart: Quarter | null, quarter: Quarter): U | undefined {
  if (!units.length || !rotationStart) return undefined;
  const n = quartersBetween(rotationStart, quarter);
  const i = ((n % units.length) + units.length) % units.length;
  return units[i];
}

export interface ChairInfo {
  quarter: Quarter;
  unit: CouncilUnit;
}

/** The active council units of a community, in rotation order. */
export async function unitsInOrder(db: Db | Tx, communityId: number): Promise<CouncilUnit[]> {
  return db
    .select()
    .from(councilUnits)
    .where(and(eq(councilUnits.communityId, communityId), eq(councilUnits.active, true)))
    .orderBy(asc(councilUnits.position));
}

/** The chairs of `count` quarters starting with the one `now` falls in (in `tz`). */
export async function rotation(db: Db | Tx, communityId: number, now: Date, tz: string, count = 4): Promise<ChairInfo[]> {
  const [community] = await db.select({ rotationStart: communities.rotationStart }).from(communities).where(eq(communities.id, communityId));
  const units = await unitsInOrder(db, communityId);
  const first = quarterOf(now, tz);
  const out: ChairInfo[] = [];
  for (let k = 0; k < count; k++) {
    const quarter = addQuarters(first, k);
    const unit = chairOfQuarter(units, community?.rotationStart ?? null, quarter);
    if (unit) out.push({ quarter, unit });
  }
  return out;
}

/** This quarter's chair unit, if the community has a council. */
export async function currentChair(db: Db | Tx, communityId: number, now: Date, tz: string): Promise<ChairInfo | undefined> {
  return (await rotation(db, communityId, now, tz, 1))[0];
}
