/**
 * What the staff page may show read-only: the communities where the person sits on the supervision
 * committee (role supervisor) and those below a street or district where they are staff (`org staff`).
 * Writes stay with the community's own staff (sessions.ts staffCommunities).
 */
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.js';
import { communities, orgNodes, orgStaff, roles } from '../db/schema.js';
import { subtreeIds } from '../org/tree.js';
import type { StaffCommunity } from './sessions.js';

export async function readableCommunities(db: Db | Tx, personId: number): Promise<StaffCommunity[]> {
  const supervised = await db
    .select({ c: communities })
    .from(roles)
    .innerJoin(communities, eq(communities.id, roles.communityId))
    .where(and(eq(roles.personId, personId), eq(roles.role, 'supervisor')));
  const out = new Map(supervised.map((r) => [r.c.id, r.c]));
  for (const { nodeId } of await db.select({ nodeId: orgStaff.nodeId }).from(orgStaff).where(eq(orgStaff.personId, personId))) {
    const ids = await subtreeIds(db, nodeId);
    const below = await db.select({ c: communities }).from(orgNodes).innerJoin(communities, eq(communities.id, orgNodes.communityId)).where(inArray(orgNodes.id, ids));
    for (const r of below) out.set(r.c.id, r.c);
  }
  return [...out.values()].sort((a, b) => a.slug.localeCompare(b.slug));
}
