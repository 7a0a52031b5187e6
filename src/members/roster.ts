/** Who is a party member where: lookups for the use cases and the `yishi members` list. */
import { and, asc, eq } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.js';
import { grids, partyMembers, persons } from '../db/schema.js';
import { refuse } from '../domain/errors.js';

export type PartyMember = typeof partyMembers.$inferSelect;

/** The person's confirmed membership in the community, or the refusal that says why there is none. */
export async function requireConfirmedMember(db: Db | Tx, personId: number, communityId: number): Promise<PartyMember> {
  const [m] = await db.select().from(partyMembers).where(eq(partyMembers.personId, personId));
  if (!m || m.communityId !== communityId) return refuse('NOT_PARTY_MEMBER');
  if (m.status !== 'confirmed') return refuse('MEMBER_NOT_CONFIRMED');
  return m;
}

/** The confirmed members of a community, or of one of its grids. */
export async function confirmedMemberPersons(db: Db | Tx, communityId: number, gridId?: number | null): Promise<number[]> {
  const rows = await db
    .select({ personId: partyMembers.personId })
    .from(partyMembers)
    .where(and(eq(partyMembers.communityId, communityId), eq(partyMembers.status, 'confirmed'), gridId ? eq(partyMembers.gridId, gridId) : undefined));
  return rows.map((r) => r.personId);
}

export interface RosterRow {
  id: number;
  name: string;
  grid: string;
  unit: string;
  typed: boolean;
  status: PartyMember['status'];
  registeredAt: Date;
  confirmedAt: Date | null;
}

/** Every member of a community (pending too), by grid, then unit, then name. */
export async function roster(db: Db | Tx, communityId: number): Promise<RosterRow[]> {
  const rows = await db
    .select({ m: partyMembers, name: persons.displayName, grid: grids.name })
    .from(partyMembers)
    .innerJoin(persons, eq(persons.id, partyMembers.personId))
    .leftJoin(grids, eq(grids.id, partyMembers.gridId))
    .where(eq(partyMembers.communityId, communityId))
    .orderBy(asc(partyMembers.id));
  return rows
    .map(({ m, name, grid }) => ({ id: m.id, name, grid: grid ?? '', unit: m.unitName, typed: m.unitId === null, status: m.status, registeredAt: m.registeredAt, confirmedAt: m.confirmedAt }))
    .sort((a, b) => a.grid.localeCompare(b.grid, 'zh-CN') || a.unit.localeCompare(b.unit, 'zh-CN') || a.name.localeCompare(b.name, 'zh-CN') || a.id - b.id);
}
