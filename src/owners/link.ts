/**
 * Who speaks for an owner of the property register: staff link a chat user to the owner directly
 * (`owner link`), or print a one-time code the owner sends as `/owner <code>` (`owner code`). Each is
 * one transaction with its audit row.
 */
import type { Db, Tx } from '../db/client.js';
import { propertyOwners } from '../db/schema.js';
import { AdminError } from '../domain/admin-errors.js';
import type { UserRef } from '../domain/admin-args.js';
import { normalizeOwnerKey } from '../domain/owners.js';
import { ensureIdentity } from '../kernel/persons.js';
import { inTransaction } from '../kernel/unit-of-work.js';
import { createOwnerCode } from './codes.js';
import { findOwner, linkOwnerPerson } from './register.js';

type Owner = typeof propertyOwners.$inferSelect;

/** The owner with this key (as typed) in the community's register, or UNKNOWN_OWNER. */
export async function requireOwner(db: Db | Tx, community: { id: number; slug: string }, rawKey: string): Promise<Owner> {
  const key = normalizeOwnerKey(rawKey);
  const owner = key ? await findOwner(db, community.id, key) : undefined;
  if (!owner) throw new AdminError('UNKNOWN_OWNER', `${community.slug} has no owner ${JSON.stringify(rawKey.slice(0, 64))} in its property register; nothing changed`);
  return owner;
}

/** Ties the user (a person created if never seen) to the owner; `linked` is false when they already were. */
export async function linkOwnerToUser(db: Db, community: { id: number; slug: string }, rawKey: string, user: UserRef, now: Date): Promise<{ owner: Owner; personId: number; linked: boolean }> {
  const owner = await requireOwner(db, community, rawKey);
  return inTransaction(db, async (tx) => {
    const { identity } = await ensureIdentity(tx, user.platform, { platformUserId: user.platformUserId });
    const linked = await linkOwnerPerson(tx, owner, identity.personId, 'cli', now);
    return { owner, personId: identity.personId, linked };
  });
}

/** A new one-time code for the owner (a rare collision of codes is retried with a new one). */
export async function issueOwnerCode(db: Db, community: { id: number; slug: string }, rawKey: string, now: Date): Promise<{ owner: Owner; code: string; expiresAt: Date }> {
  const owner = await requireOwner(db, community, rawKey);
  return { owner, ...(await inTransaction(db, (tx) => createOwnerCode(tx, owner, now))) };
}
