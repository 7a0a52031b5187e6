/** Member units and their contacts: who may report and answer for a unit, and where to tell them. */
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.js';
import { identities, memberUnits, unitContacts } from '../db/schema.js';
import { oneLine } from '../domain/text.js';

export type MemberUnit = typeof memberUnits.$inferSelect;

/** The unit called `name` at the first of `nodeIds` that has one (nearest level first); case and spaces ignored. */
export async function findUnitByName(db: Db | Tx, nodeIds: number[], name: string): Promise<MemberUnit | undefined> {
  if (!nodeIds.length) return undefined;
  const wanted = norm(name);
  const rows = await db.select().from(memberUnits).where(inArray(memberUnits.nodeId, nodeIds));
  for (const id of nodeIds) {
    const hit = rows.find((u) => u.nodeId === id && norm(u.name) === wanted);
    if (hit) return hit;
  }
  return undefined;
}

const norm = (s: string) => oneLine(s).replace(/\s+/g, '').toLowerCase();

/** The persons known to be contacts of a unit (a contact who never wrote to the bot is not a person yet). */
export async function contactPersonIds(db: Db | Tx, unitId: number): Promise<number[]> {
  const rows = await db
    .selectDistinct({ personId: identities.personId })
    .from(unitContacts)
    .innerJoin(identities, and(eq(identities.platform, unitContacts.platform), eq(identities.platformUserId, unitContacts.platformUserId)))
    .where(eq(unitContacts.unitId, unitId));
  return rows.map((r) => r.personId);
}

/** How many contacts a unit has, known as persons or not. */
export async function contactCount(db: Db | Tx, unitId: number): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(unitContacts).where(eq(unitContacts.unitId, unitId));
  return Number(row?.n ?? 0);
}

/** The ids of the units this person is a contact of (on any of their identities). */
export async function unitIdsOfPerson(db: Db | Tx, personId: number): Promise<number[]> {
  const rows = await db
    .selectDistinct({ unitId: unitContacts.unitId })
    .from(unitContacts)
    .innerJoin(identities, and(eq(identities.platform, unitContacts.platform), eq(identities.platformUserId, unitContacts.platformUserId)))
    .where(eq(identities.personId, personId));
  return rows.map((r) => r.unitId);
}
