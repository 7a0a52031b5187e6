/** Member units and their contacts: who may report and answer for a unit, and where to tell them. */
import { and, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db, Tx } from '../db/client.js';
import { identities, memberUnits, unitContacts, UNIT_KINDS, type UnitKind } from '../db/schema.js';
import { userRefText, type UserRef } from '../domain/admin-args.js';
import { oneLine } from '../domain/text.js';
import { ensureIdentity } from '../kernel/persons.js';
import { orgAudit } from './audit.js';
import { requireNode } from './tree.js';

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

export const unitKindSchema = z.enum(UNIT_KINDS, { message: `the kind is ${UNIT_KINDS.join(', ')}` });

/** Adds a unit at a node (or adds contacts to the unit of that name there), audited in the caller's transaction; one line per change. */
export async function addUnitTx(tx: Tx, u: { at: string; name: string; kind: UnitKind; contacts: UserRef[] }, via: string): Promise<string[]> {
  const node = await requireNode(tx, u.at);
  const lines: string[] = [];
  let [unit] = await tx.select().from(memberUnits).where(and(eq(memberUnits.nodeId, node.id), eq(memberUnits.name, u.name)));
  if (!unit) {
    [unit] = await tx.insert(memberUnits).values({ nodeId: node.id, name: u.name, kind: u.kind }).returning();
    await orgAudit(tx, 'org.unit_added', { via, at: node.slug, name: u.name, kind: u.kind }, node.communityId);
    lines.push(`added ${u.kind} unit ${u.name} at ${node.level} ${node.slug}`);
  } else if (unit.kind !== u.kind) {
    await tx.update(memberUnits).set({ kind: u.kind }).where(eq(memberUnits.id, unit.id));
    await orgAudit(tx, 'org.unit_changed', { via, at: node.slug, name: u.name, kind: u.kind, was: unit.kind }, node.communityId);
    lines.push(`unit ${u.name} at ${node.slug} is now ${u.kind}`);
  }
  for (const c of u.contacts) {
    const added = await tx.insert(unitContacts).values({ unitId: unit!.id, platform: c.platform, platformUserId: c.platformUserId }).onConflictDoNothing().returning();
    if (!added.length) continue;
    await ensureIdentity(tx, c.platform, { platformUserId: c.platformUserId });
    await orgAudit(tx, 'org.unit_contact_added', { via, at: node.slug, unit: u.name, contact: userRefText(c) }, node.communityId);
    lines.push(`contact ${userRefText(c)} added to ${u.name}`);
  }
  return lines;
}
