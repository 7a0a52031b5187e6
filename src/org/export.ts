/** The tree (or the part under a node) in the import file's shape: importing it changes nothing. */
import { asc, inArray } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { communities, gridWorkers, grids, identities, memberUnits, orgStaff, unitContacts } from '../db/schema.js';
import { allNodes, requireNode, subtreeIds, type OrgNode } from './tree.js';

export async function exportTree(db: Db, slug?: string) {
  const root = slug ? await requireNode(db, slug) : undefined;
  const ids = root ? new Set(await subtreeIds(db, root.id)) : undefined;
  const nodes = (await allNodes(db)).filter((n) => !ids || ids.has(n.id));
  const bySlug = new Map((await allNodes(db)).map((n) => [n.id, n.slug]));
  const nodeIds = nodes.map((n) => n.id);
  const staff = nodeIds.length ? await db.select({ nodeId: orgStaff.nodeId, personId: orgStaff.personId }).from(orgStaff).where(inArray(orgStaff.nodeId, nodeIds)) : [];
  const staffRefs = await userRefsOf(db, staff.map((s) => s.personId));
  const units = nodeIds.length ? await db.select().from(memberUnits).where(inArray(memberUnits.nodeId, nodeIds)).orderBy(asc(memberUnits.id)) : [];
  const contacts = units.length ? await db.select().from(unitContacts).where(inArray(unitContacts.unitId, units.map((u) => u.id))) : [];
  const communityIds = nodes.map((n) => n.communityId).filter((c): c is number => c !== null);
  const cs = communityIds.length ? await db.select().from(communities).where(inArray(communities.id, communityIds)).orderBy(asc(communities.id)) : [];
  const gs = communityIds.length ? await db.select().from(grids).where(inArray(grids.communityId, communityIds)).orderBy(asc(grids.id)) : [];
  const ws = gs.length ? await db.select().from(gridWorkers).where(inArray(gridWorkers.gridId, gs.map((g) => g.id))) : [];
  const parentOf = (n: OrgNode) => (n.parentId !== null && (!ids || ids.has(n.parentId)) ? bySlug.get(n.parentId) : undefined);
  return {
    org: {
      nodes: nodes
        .filter((n) => n.level !== 'community')
        .map((n) => ({
          level: n.level,
          slug: n.slug,
          name: n.name,
          ...(parentOf(n) ? { parent: parentOf(n) } : {}),
          staff: staff.filter((s) => s.nodeId === n.id).flatMap((s) => staffRefs.get(s.personId) ?? []),
        })),
      units: units.map((u) => ({
        at: bySlug.get(u.nodeId)!,
        name: u.name,
        kind: u.kind,
        contacts: contacts.filter((c) => c.unitId === u.id).map((c) => `${c.platform}:${c.platformUserId}`),
      })),
    },
    communities: cs.map((c) => {
      const n = nodes.find((x) => x.communityId === c.id)!;
      return {
        slug: c.slug,
        name: c.name,
        supportThreshold: c.supportThreshold,
        satisfactionThreshold: c.satisfactionThreshold,
        ...(parentOf(n) ? { parent: parentOf(n) } : {}),
        grids: gs
          .filter((g) => g.communityId === c.id)
          .map((g) => ({ slug: g.slug, name: g.name, workers: ws.filter((w) => w.gridId === g.id).map((w) => `${w.platform}:${w.platformUserId}`) })),
      };
    }),
  };
}

async function userRefsOf(db: Db, personIds: number[]): Promise<Map<number, string[]>> {
  const out = new Map<number, string[]>();
  if (!personIds.length) return out;
  for (const i of await db.select().from(identities).where(inArray(identities.personId, personIds)).orderBy(asc(identities.id))) {
    out.set(i.personId, [...(out.get(i.personId) ?? []), `${i.platform}:${i.platformUserId}`]);
  }
  return out;
}
