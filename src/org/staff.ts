/**
 * Who is staff where. Community staff hold the `staff` role of the community (roles); street and district
 * staff are rows of org_staff on their node and act on the items of every community below it.
 */
import { and, eq, inArray } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.js';
import { orgStaff, roles } from '../db/schema.js';
import { AdminError } from '../domain/admin-errors.js';
import { userRefText, type UserRef } from '../domain/admin-args.js';
import { ensureIdentity, roleOf } from '../kernel/persons.js';
import { orgAudit } from './audit.js';
import { communityNode, pathUp, requireNode, type OrgNode } from './tree.js';

/** Staff of the community, or of a street or district above it. */
export async function isAreaStaff(db: Db | Tx, communityId: number, personId: number): Promise<boolean> {
  if ((await roleOf(db, communityId, personId)) === 'staff') return true;
  const up = (await pathUp(db, (await communityNode(db, communityId)).id)).slice(1);
  if (!up.length) return false;
  const [row] = await db
    .select({ nodeId: orgStaff.nodeId })
    .from(orgStaff)
    .where(and(eq(orgStaff.personId, personId), inArray(orgStaff.nodeId, up.map((n) => n.id))))
    .limit(1);
  return Boolean(row);
}

/** The staff of a node: the community's staff role holders, or the street's or district's org_staff. */
export async function staffOfNode(db: Db | Tx, node: OrgNode): Promise<number[]> {
  if (node.communityId !== null) {
    const rows = await db.select({ personId: roles.personId }).from(roles).where(and(eq(roles.communityId, node.communityId), eq(roles.role, 'staff')));
    return rows.map((r) => r.personId);
  }
  const rows = await db.select({ personId: orgStaff.personId }).from(orgStaff).where(eq(orgStaff.nodeId, node.id));
  return rows.map((r) => r.personId);
}

/** Makes a user staff of a street or district (community staff are granted with `role grant`), audited in the caller's transaction. */
export async function addNodeStaffTx(tx: Tx, slug: string, user: UserRef, via: string): Promise<string | undefined> {
  const node = await requireNode(tx, slug);
  if (node.level === 'community') throw new AdminError('BAD_ARGUMENT', `${slug} is a community: use npx yishi role grant ${slug} ${userRefText(user)} staff`);
  const { identity } = await ensureIdentity(tx, user.platform, { platformUserId: user.platformUserId });
  const added = await tx.insert(orgStaff).values({ nodeId: node.id, personId: identity.personId }).onConflictDoNothing().returning();
  if (!added.length) return undefined;
  await orgAudit(tx, 'org.staff_added', { via, at: slug, user: userRefText(user), personId: identity.personId });
  return `${userRefText(user)} is now staff of ${node.level} ${slug}`;
}
