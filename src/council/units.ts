/**
 * Council member units (社区党建联席会成员单位) in rotation order. The order is the order they were added;
 * the first unit ever added fixes the quarter the rotation starts in (communities.rotation_start).
 */
import { and, eq, max } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.js';
import { isPgUniqueViolation } from '../db/errors.js';
import { auditLog, communities, councilUnits, type Platform } from '../db/schema.js';
import { quarterOf, type Quarter } from '../domain/time.js';
import { inTransaction } from '../kernel/unit-of-work.js';

export type CouncilUnitRow = typeof councilUnits.$inferSelect;

export interface NewUnit {
  name: string;
  contact?: { platform: Platform; platformUserId: string };
}

export interface UnitAdded {
  unit: CouncilUnitRow;
  /** The quarter the rotation starts in (set now when this is the first unit). */
  rotationStart: Quarter;
  startedRotation: boolean;
}

/** Thrown when the community already has a unit with this name. */
export class UnitExistsError extends Error {
  readonly code = 'UNIT_EXISTS';
  constructor(name: string) {
    super(`a council unit named "${name}" already exists; nothing changed`);
    this.name = 'UnitExistsError';
  }
}

/** Appends a unit at the end of the rotation, with its audit row, in the given transaction. */
export async function addCouncilUnitTx(tx: Tx, communityId: number, unit: NewUnit, now: Date, tz: string, via: string): Promise<UnitAdded> {
  // Locking the community serialises concurrent adds, so positions stay dense and ordered.
  const [community] = await tx.select().from(communities).where(eq(communities.id, communityId)).for('update');
  if (!community) throw new Error(`no community with id ${communityId}`);
  const [{ last }] = await tx.select({ last: max(councilUnits.position) }).from(councilUnits).where(eq(councilUnits.communityId, communityId));
  const position = (last ?? 0) + 1;
  const [row] = await tx
    .insert(councilUnits)
    .values({
      communityId,
      name: unit.name,
      position,
      contactPlatform: unit.contact?.platform ?? null,
      contactUserId: unit.contact?.platformUserId ?? null,
    })
    .returning();
  let rotationStart = community.rotationStart;
  const startedRotation = !rotationStart;
  if (!rotationStart) {
    rotationStart = quarterOf(now, tz);
    await tx.update(communities).set({ rotationStart }).where(eq(communities.id, communityId));
  }
  await tx.insert(auditLog).values({
    communityId,
    action: 'council.unit_added',
    data: {
      via,
      unitId: row.id,
      name: row.name,
      position,
      contact: unit.contact ? `${unit.contact.platform}:${unit.contact.platformUserId}` : null,
      ...(startedRotation ? { rotationStart } : {}),
    },
  });
  return { unit: row, rotationStart, startedRotation };
}

/** Adds a unit in its own transaction; UnitExistsError when the name is taken in this community. */
export async function addCouncilUnit(db: Db, communityId: number, unit: NewUnit, now: Date, tz: string): Promise<UnitAdded> {
  try {
    return await inTransaction(db, async (tx) => {
      // A taken name is a refusal, not a race to retry: looked up first (the unique index still decides a race).
      const [taken] = await tx
        .select({ id: councilUnits.id })
        .from(councilUnits)
        .where(and(eq(councilUnits.communityId, communityId), eq(councilUnits.name, unit.name)));
      if (taken) throw new UnitExistsError(unit.name);
      return addCouncilUnitTx(tx, communityId, unit, now, tz, 'cli');
    });
  } catch (err) {
    if (isPgUniqueViolation(err)) throw new UnitExistsError(unit.name);
    throw err;
  }
}
