/** Persons, their platform identities and their role in a community. */
import { and, eq } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.js';
import { identities, persons, roles, type Platform } from '../db/schema.js';
import { LIMITS, clip, oneLine } from '../domain/text.js';
import { currentChair } from '../council/rotation.js';

export type Identity = typeof identities.$inferSelect;
export type Role = 'resident' | 'staff';

/** A display name safe to store and echo: one line, no control or bidi characters, bounded. */
export function safeName(name: string | undefined, fallback: string): string {
  const v = clip(oneLine(name ?? ''), LIMITS.displayName);
  return v || fallback;
}

export async function findIdentity(db: Db | Tx, platform: Platform, platformUserId: string): Promise<Identity | undefined> {
  const [row] = await db.select().from(identities).where(and(eq(identities.platform, platform), eq(identities.platformUserId, platformUserId)));
  return row;
}

/**
 * The identity of a platform user, created with a new person on first sight; the display name is
 * refreshed when it changed. Identity is by platform user id, never by name.
 */
export async function ensureIdentity(
  tx: Tx,
  platform: Platform,
  sender: { platformUserId: string; displayName: string; lang?: string },
): Promise<{ identity: Identity; created: boolean }> {
  const name = safeName(sender.displayName, sender.platformUserId);
  const existing = await findIdentity(tx, platform, sender.platformUserId);
  if (existing) {
    if (existing.displayName !== name) {
      await tx.update(identities).set({ displayName: name }).where(eq(identities.id, existing.id));
      await tx.update(persons).set({ displayName: name }).where(eq(persons.id, existing.personId));
      existing.displayName = name;
    }
    return { identity: existing, created: false };
  }
  const lang = sender.lang && /^en/i.test(sender.lang) ? 'en' : 'zh';
  const [person] = await tx.insert(persons).values({ displayName: name, lang }).returning();
  // A concurrent first message of the same user fails here on the unique index; the caller's
  // transaction is retried and then finds the identity.
  const [identity] = await tx.insert(identities).values({ personId: person.id, platform, platformUserId: sender.platformUserId, displayName: name }).returning();
  return { identity, created: true };
}

/** Makes the person a resident of the community unless they already have a role there. True if it did. */
export async function ensureResident(tx: Tx, communityId: number, personId: number): Promise<boolean> {
  const inserted = await tx.insert(roles).values({ communityId, personId, role: 'resident' }).onConflictDoNothing().returning();
  return inserted.length > 0;
}

export async function roleOf(db: Db | Tx, communityId: number, personId: number): Promise<Role | undefined> {
  const [row] = await db.select({ role: roles.role }).from(roles).where(and(eq(roles.communityId, communityId), eq(roles.personId, personId)));
  return row?.role;
}

/** True when one of the person's identities is the contact of this quarter's chair unit. */
export async function isChair(db: Db | Tx, communityId: number, personId: number, now: Date, tz: string): Promise<boolean> {
  const chair = await currentChair(db, communityId, now, tz);
  if (!chair?.unit.contactPlatform || !chair.unit.contactUserId) return false;
  const identity = await findIdentity(db, chair.unit.contactPlatform, chair.unit.contactUserId);
  return identity?.personId === personId;
}
