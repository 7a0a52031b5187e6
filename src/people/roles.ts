/**
 * Granting and revoking community roles (the admin CLI, the import file, the console's `/as <name> staff`);
 * an unseen user gets a person and identity by the same rule as a first message or press (ensureIdentity:
 * yishi_ensure_member, no name known). Each change is one transaction with its audit row.
 */
import { and, eq } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.js';
import { auditLog, roles } from '../db/schema.js';
import { AdminError } from '../domain/admin-errors.js';
import type { RoleName, UserRef } from '../domain/admin-args.js';
import { ensureIdentity, findIdentity } from '../kernel/persons.js';
import { inTransaction } from '../kernel/unit-of-work.js';
import type { Community } from '../org/communities.js';

/** The person behind a platform identity, creating both when this user was never seen (no name known). */
export async function ensurePerson(tx: Tx, user: UserRef): Promise<{ personId: number; created: boolean }> {
  const { identity, created } = await ensureIdentity(tx, user.platform, { platformUserId: user.platformUserId });
  return { personId: identity.personId, created };
}

export interface RoleChange {
  personId: number;
  before: RoleName | null;
  after: RoleName | null;
}

/** Gives the user `role` in the community (replacing a previous role), in the given transaction. */
export async function grantRoleTx(tx: Tx, community: Community, user: UserRef, role: RoleName, via: string): Promise<RoleChange> {
  const { personId } = await ensurePerson(tx, user);
  const [existing] = await tx
    .select({ role: roles.role })
    .from(roles)
    .where(and(eq(roles.communityId, community.id), eq(roles.personId, personId)))
    .for('update');
  const before = existing?.role ?? null;
  if (before === role) return { personId, before, after: role };
  await tx
    .insert(roles)
    .values({ communityId: community.id, personId, role })
    .onConflictDoUpdate({ target: [roles.communityId, roles.personId], set: { role } });
  await tx.insert(auditLog).values({
    communityId: community.id,
    action: 'role.granted',
    data: { via, platform: user.platform, platformUserId: user.platformUserId, personId, role, before },
  });
  return { personId, before, after: role };
}

/** grantRoleTx in its own transaction; `via` names the caller in the audit row. */
export async function grantRole(db: Db, community: Community, user: UserRef, role: RoleName, via = 'cli'): Promise<RoleChange> {
  return inTransaction(db, (tx) => grantRoleTx(tx, community, user, role, via));
}

/**
 * Takes `role` away. Revoking staff (or supervisor) leaves a resident (anyone who writes in a bound chat is one anyway);
 * revoking resident removes the membership. NO_SUCH_ROLE when the user does not hold that role.
 */
export async function revokeRole(db: Db, community: Community, user: UserRef, role: RoleName): Promise<RoleChange> {
  return inTransaction(db, async (tx) => {
    const identity = await findIdentity(tx, user.platform, user.platformUserId);
    const [existing] = identity
      ? await tx
          .select({ role: roles.role })
          .from(roles)
          .where(and(eq(roles.communityId, community.id), eq(roles.personId, identity.personId)))
          .for('update')
      : [];
    if (!identity || existing?.role !== role) {
      throw new AdminError(
        'NO_SUCH_ROLE',
        `${user.platform}:${user.platformUserId} is not ${role} in ${community.slug} (current role: ${existing?.role ?? 'none'}); nothing changed`,
      );
    }
    const personId = identity.personId;
    const after: RoleName | null = role === 'staff' || role === 'supervisor' ? 'resident' : null;
    const where = and(eq(roles.communityId, community.id), eq(roles.personId, personId));
    if (after) await tx.update(roles).set({ role: after }).where(where);
    else await tx.delete(roles).where(where);
    await tx.insert(auditLog).values({
      communityId: community.id,
      action: 'role.revoked',
      data: { via: 'cli', platform: user.platform, platformUserId: user.platformUserId, personId, role, after },
    });
    return { personId, before: role, after };
  });
}
