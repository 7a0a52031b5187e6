/**
 * One-time owner codes: staff print one per owner (`yishi owner code <slug> <owner key>`) and hand it
 * over with the owner's papers; `/owner <code>` (in the group or privately) ties the sender's person to
 * that owner. A code works once and for 30 days.
 */
import { eq } from 'drizzle-orm';
import type { Tx } from '../db/client.js';
import { auditLog, ownerCodes, propertyOwners } from '../db/schema.js';
import { refuse } from '../domain/errors.js';
import { newLinkCode } from '../domain/codes.js';
import { linkOwnerPerson, unitCount } from './register.js';

export const OWNER_CODE_TTL_MS = 30 * 86400e3;

type Owner = typeof propertyOwners.$inferSelect;

/** A new one-time code for `owner`; a (rare) collision fails on the primary key: retry the transaction. */
export async function createOwnerCode(tx: Tx, owner: Owner, now: Date): Promise<{ code: string; expiresAt: Date }> {
  const code = newLinkCode();
  const expiresAt = new Date(now.getTime() + OWNER_CODE_TTL_MS);
  await tx.insert(ownerCodes).values({ code, ownerId: owner.id, expiresAt, createdAt: now });
  await tx.insert(auditLog).values({ communityId: owner.communityId, action: 'owner.code_created', data: { ownerId: owner.id, expiresAt: expiresAt.toISOString() }, at: now });
  return { code, expiresAt };
}

/**
 * Redeems `code` for `personId`: BAD_OWNER_CODE unless it exists, is unused and unexpired. Returns the
 * owner, its unit count and whether the person was linked already (the code is spent either way).
 */
export async function redeemOwnerCode(tx: Tx, code: string, personId: number, now: Date): Promise<{ owner: Owner; units: number; already: boolean }> {
  const [row] = await tx.select().from(ownerCodes).where(eq(ownerCodes.code, code.trim().toUpperCase())).for('update');
  if (!row || row.usedAt || row.expiresAt.getTime() <= now.getTime()) return refuse('BAD_OWNER_CODE');
  const [owner] = await tx.select().from(propertyOwners).where(eq(propertyOwners.id, row.ownerId));
  await tx.update(ownerCodes).set({ usedAt: now, usedBy: personId }).where(eq(ownerCodes.code, row.code));
  const linked = await linkOwnerPerson(tx, owner, personId, 'code', now);
  if (!linked) await tx.insert(auditLog).values({ communityId: owner.communityId, actorId: personId, action: 'owner.code_used', data: { ownerId: owner.id, already: true }, at: now });
  return { owner, units: await unitCount(tx, owner.id), already: !linked };
}
