/**
 * The property register of a community: units with their exclusive areas, owners by stable key, and
 * the chat persons who speak for an owner. Writes run in the caller's transaction with their audit row.
 */
import { and, asc, count, eq, inArray, sql } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.js';
import { auditLog, identities, ownerPersons, ownersVotes, propertyOwners, propertyUnits } from '../db/schema.js';

export interface RegisterRow {
  /** The file's line number, for messages. */
  line: number;
  building: string;
  unit: string;
  /** Hundredths of m². */
  area: number;
  ownerKey: string;
}

export interface RegisterChange {
  inserted: number;
  changed: number;
  unchanged: number;
  ownersCreated: number;
  /** Units in the register that the file does not list (kept as they are). */
  notInFile: number;
}

const unitKey = (building: string, unit: string) => `${building}\u0000${unit}`;
const CHUNK = 1000;

/** True while an owners' vote of the community is open (the register must not move under a count). */
export async function hasOpenOwnersVote(db: Db | Tx, communityId: number): Promise<boolean> {
  const [row] = await db.select({ c: count() }).from(ownersVotes).where(and(eq(ownersVotes.communityId, communityId), eq(ownersVotes.status, 'open')));
  return Number(row?.c ?? 0) > 0;
}

/**
 * Brings the register in line with `rows` (already validated, unique by building and unit): new units
 * are added, a changed area or owner is updated, the same rows change nothing (no audit row either).
 */
export async function applyRegister(tx: Tx, communityId: number, rows: readonly RegisterRow[], now: Date, source: string): Promise<RegisterChange> {
  const keys = [...new Set(rows.map((r) => r.ownerKey))];
  const ownerIds = new Map<string, number>();
  for (const o of await tx.select({ id: propertyOwners.id, key: propertyOwners.key }).from(propertyOwners).where(eq(propertyOwners.communityId, communityId)))
    ownerIds.set(o.key, o.id);
  const missing = keys.filter((k) => !ownerIds.has(k));
  for (let i = 0; i < missing.length; i += CHUNK) {
    const created = await tx
      .insert(propertyOwners)
      .values(missing.slice(i, i + CHUNK).map((key) => ({ communityId, key, createdAt: now })))
      .returning({ id: propertyOwners.id, key: propertyOwners.key });
    for (const o of created) ownerIds.set(o.key, o.id);
  }
  const existing = new Map<string, { id: number; area: number; ownerId: number }>();
  for (const u of await tx
    .select({ id: propertyUnits.id, building: propertyUnits.building, unit: propertyUnits.unit, area: propertyUnits.areaHundredths, ownerId: propertyUnits.ownerId })
    .from(propertyUnits)
    .where(eq(propertyUnits.communityId, communityId)))
    existing.set(unitKey(u.building, u.unit), u);
  const toInsert: (typeof propertyUnits.$inferInsert)[] = [];
  let changed = 0;
  let unchanged = 0;
  const seen = new Set<string>();
  for (const r of rows) {
    const k = unitKey(r.building, r.unit);
    seen.add(k);
    const ownerId = ownerIds.get(r.ownerKey)!;
    const old = existing.get(k);
    if (!old) toInsert.push({ communityId, building: r.building, unit: r.unit, areaHundredths: r.area, ownerId, createdAt: now, updatedAt: now });
    else if (old.area !== r.area || old.ownerId !== ownerId) {
      await tx.update(propertyUnits).set({ areaHundredths: r.area, ownerId, updatedAt: now }).where(eq(propertyUnits.id, old.id));
      changed++;
    } else unchanged++;
  }
  for (let i = 0; i < toInsert.length; i += CHUNK) await tx.insert(propertyUnits).values(toInsert.slice(i, i + CHUNK));
  const change: RegisterChange = {
    inserted: toInsert.length,
    changed,
    unchanged,
    ownersCreated: missing.length,
    notInFile: [...existing.keys()].filter((k) => !seen.has(k)).length,
  };
  if (change.inserted || change.changed || change.ownersCreated)
    await tx.insert(auditLog).values({ communityId, action: 'property.imported', data: { source, ...change }, at: now });
  return change;
}

export interface RegisterUnit {
  building: string;
  unit: string;
  area: number;
  ownerId: number;
  ownerKey: string;
}

/** The community's units with their owners' keys, in building and unit order. */
/** The register's units, or only those of `buildings` (a building-scoped vote). */
export async function unitsOf(db: Db | Tx, communityId: number, buildings?: readonly string[] | null): Promise<RegisterUnit[]> {
  return db
    .select({ building: propertyUnits.building, unit: propertyUnits.unit, area: propertyUnits.areaHundredths, ownerId: propertyUnits.ownerId, ownerKey: propertyOwners.key })
    .from(propertyUnits)
    .innerJoin(propertyOwners, eq(propertyUnits.ownerId, propertyOwners.id))
    .where(and(eq(propertyUnits.communityId, communityId), buildings?.length ? inArray(propertyUnits.building, [...buildings]) : undefined))
    .orderBy(asc(propertyUnits.building), asc(propertyUnits.unit));
}

/** Units, owners by head (owners holding at least one unit) and total area in hundredths. */
export async function registerTotals(db: Db | Tx, communityId: number, buildings?: readonly string[] | null): Promise<{ units: number; owners: number; area: number }> {
  const [row] = await db
    .select({
      units: count(),
      owners: sql<number>`count(distinct ${propertyUnits.ownerId})::int`,
      area: sql<string>`coalesce(sum(${propertyUnits.areaHundredths}), 0)::bigint`,
    })
    .from(propertyUnits)
    .where(and(eq(propertyUnits.communityId, communityId), buildings?.length ? inArray(propertyUnits.building, [...buildings]) : undefined));
  return { units: Number(row.units), owners: Number(row.owners), area: Number(row.area) };
}

/** The owner with `key` in the community, if registered. */
export async function findOwner(db: Db | Tx, communityId: number, key: string) {
  const [row] = await db.select().from(propertyOwners).where(and(eq(propertyOwners.communityId, communityId), eq(propertyOwners.key, key)));
  return row;
}

/** How many units an owner holds. */
export async function unitCount(db: Db | Tx, ownerId: number): Promise<number> {
  const [row] = await db.select({ c: count() }).from(propertyUnits).where(eq(propertyUnits.ownerId, ownerId));
  return Number(row?.c ?? 0);
}

/** Ties a person to an owner (idempotent). True when the link is new; writes its audit row then. */
export async function linkOwnerPerson(tx: Tx, owner: { id: number; communityId: number; key: string }, personId: number, via: 'cli' | 'code', now: Date): Promise<boolean> {
  const rows = await tx.insert(ownerPersons).values({ ownerId: owner.id, personId, via, createdAt: now }).onConflictDoNothing().returning();
  if (!rows.length) return false;
  await tx.insert(auditLog).values({ communityId: owner.communityId, actorId: via === 'code' ? personId : null, action: 'owner.linked', data: { ownerId: owner.id, personId, via }, at: now });
  return true;
}

/** The chat identities (`platform:userId`) of each owner's persons, for the register listing. */
export async function ownerIdentities(db: Db | Tx, ownerIdList: number[]): Promise<Map<number, string[]>> {
  const out = new Map<number, string[]>();
  if (!ownerIdList.length) return out;
  const rows = await db
    .select({ ownerId: ownerPersons.ownerId, platform: identities.platform, userId: identities.platformUserId })
    .from(ownerPersons)
    .innerJoin(identities, eq(identities.personId, ownerPersons.personId))
    .where(inArray(ownerPersons.ownerId, ownerIdList))
    .orderBy(asc(identities.id));
  for (const r of rows) out.set(r.ownerId, [...(out.get(r.ownerId) ?? []), `${r.platform}:${r.userId}`]);
  return out;
}

/** When two persons become one (/link), the owners either spoke for stay with the one kept. */
export async function mergeOwnerLinks(tx: Tx, keep: number, gone: number): Promise<void> {
  await tx.execute(sql`insert into owner_persons (owner_id, person_id, via, created_at)
    select owner_id, ${keep}, via, created_at from owner_persons where person_id = ${gone} on conflict do nothing`);
  await tx.execute(sql`delete from owner_persons where person_id = ${gone}`);
  await tx.execute(sql`update owner_ballots set person_id = ${keep} where person_id = ${gone}`);
  await tx.execute(sql`update owner_codes set used_by = ${keep} where used_by = ${gone}`);
  await tx.execute(sql`update owners_votes set opened_by = ${keep} where opened_by = ${gone}`);
  await tx.execute(sql`update owners_votes set closed_by = ${keep} where closed_by = ${gone}`);
}

/** The buildings (楼栋) of a community's register, in order. */
export async function buildingsOf(db: Db | Tx, communityId: number): Promise<string[]> {
  const rows = await db.selectDistinct({ b: propertyUnits.building }).from(propertyUnits).where(eq(propertyUnits.communityId, communityId)).orderBy(asc(propertyUnits.building));
  return rows.map((r) => r.b);
}
