/** The property register as staff read it (`property show`, `owner ballots`): units, owners with their units and identities, ballots per unit. */
import { eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { ownerBallots } from '../db/schema.js';
import type { OwnersCount } from '../domain/owners.js';
import { countVote, latestOwnersVote } from './close.js';
import { ownerIdentities, registerTotals, unitsOf, type RegisterUnit } from './register.js';
import type { OwnersVote } from './vote.js';

export interface RegisterOwner {
  id: number;
  key: string;
  units: number;
  /** Hundredths of m². */
  area: number;
  /** `platform:userId` of the persons who speak for the owner. */
  linked: string[];
}

/** Every unit, every owner by key order with their units and area, and the totals (owners by head). */
export async function registerListing(db: Db, communityId: number): Promise<{ units: RegisterUnit[]; owners: RegisterOwner[]; totals: { units: number; owners: number; area: number } }> {
  const units = await unitsOf(db, communityId);
  const byOwner = new Map<number, RegisterOwner>();
  for (const u of units) {
    const o = byOwner.get(u.ownerId) ?? { id: u.ownerId, key: u.ownerKey, units: 0, area: 0, linked: [] };
    o.units++;
    o.area += u.area;
    byOwner.set(u.ownerId, o);
  }
  const linked = await ownerIdentities(db, [...byOwner.keys()]);
  const owners = [...byOwner.values()].sort((a, b) => a.key.localeCompare(b.key)).map((o) => ({ ...o, linked: linked.get(o.id) ?? [] }));
  return { units, owners, totals: await registerTotals(db, communityId) };
}

export interface UnitBallot extends RegisterUnit {
  ballot?: { choice: number; at: Date };
}

/**
 * The latest owners' vote on suggestion `n`, its count (frozen at its close, or so far while open) and
 * per unit the ballot its owner cast; undefined when there is none.
 */
export async function ownerBallotsOf(db: Db, communityId: number, n: number): Promise<{ vote: OwnersVote; count: OwnersCount; units: UnitBallot[] } | undefined> {
  const found = await latestOwnersVote(db, communityId, n);
  if (!found) return undefined;
  const { vote } = found;
  const ballots = new Map((await db.select().from(ownerBallots).where(eq(ownerBallots.voteId, vote.id))).map((b) => [b.ownerId, b]));
  const count = vote.status === 'closed' && vote.result ? (vote.result as OwnersCount) : await countVote(db, vote);
  const units = (await unitsOf(db, communityId)).map((u): UnitBallot => {
    const b = ballots.get(u.ownerId);
    return b ? { ...u, ballot: { choice: b.choice, at: b.changedAt ?? b.castAt } } : u;
  });
  return { vote, count, units };
}
