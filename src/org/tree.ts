/**
 * The organisation tree: district → street → community (grids hang below communities, see grids.ts).
 * A node's parent is always of a higher level, so the tree can have no cycle.
 */
import { asc, eq } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.js';
import { orgNodes, type OrgLevel } from '../db/schema.js';
import { AdminError } from '../domain/admin-errors.js';

export type OrgNode = typeof orgNodes.$inferSelect;

const RANK: Record<OrgLevel, number> = { district: 0, street: 1, community: 2 };

/** Whether a node of level `parent` may hold a node of level `child` (a strictly higher level). */
export const canParent = (parent: OrgLevel, child: OrgLevel): boolean => RANK[parent] < RANK[child];

/** The level above (community → street → district), or undefined at the top. */
export const levelAbove = (level: OrgLevel): OrgLevel | undefined => (level === 'community' ? 'street' : level === 'street' ? 'district' : undefined);

export async function nodeBySlug(db: Db | Tx, slug: string): Promise<OrgNode | undefined> {
  const [row] = await db.select().from(orgNodes).where(eq(orgNodes.slug, slug));
  return row;
}

/** The node with this slug, or an UNKNOWN_NODE error (the admin CLI and the import file name nodes by slug). */
export async function requireNode(db: Db | Tx, slug: string): Promise<OrgNode> {
  const node = await nodeBySlug(db, slug);
  if (!node) throw new AdminError('UNKNOWN_NODE', `unknown node "${slug}" (see: npx yishi org show)`);
  return node;
}

export async function nodeById(db: Db | Tx, id: number): Promise<OrgNode | undefined> {
  const [row] = await db.select().from(orgNodes).where(eq(orgNodes.id, id));
  return row;
}

/** The node of a community (every community has one: migration 0007 keeps it so). */
export async function communityNode(db: Db | Tx, communityId: number): Promise<OrgNode> {
  const [row] = await db.select().from(orgNodes).where(eq(orgNodes.communityId, communityId));
  if (!row) throw new Error(`community ${communityId} has no org node`);
  return row;
}

/** The node and all its ancestors, nearest first (at most three levels). */
export async function pathUp(db: Db | Tx, nodeId: number): Promise<OrgNode[]> {
  const out: OrgNode[] = [];
  for (let id: number | null = nodeId; id !== null && out.length < 4; ) {
    const node = await nodeById(db, id);
    if (!node) break;
    out.push(node);
    id = node.parentId;
  }
  return out;
}

/** Every node of the tree, parents before children (for show and export). */
export async function allNodes(db: Db | Tx): Promise<OrgNode[]> {
  const rows = await db.select().from(orgNodes).orderBy(asc(orgNodes.id));
  const byParent = new Map<number | null, OrgNode[]>();
  for (const n of rows) byParent.set(n.parentId, [...(byParent.get(n.parentId) ?? []), n]);
  const out: OrgNode[] = [];
  const visit = (parent: number | null) => {
    for (const n of (byParent.get(parent) ?? []).sort((a, b) => RANK[a.level] - RANK[b.level] || a.slug.localeCompare(b.slug))) {
      out.push(n);
      visit(n.id);
    }
  };
  visit(null);
  return out;
}

/** The ids of a node and every node below it. */
export async function subtreeIds(db: Db | Tx, nodeId: number): Promise<number[]> {
  const rows = await db.select({ id: orgNodes.id, parentId: orgNodes.parentId }).from(orgNodes);
  const out = [nodeId];
  for (let i = 0; i < out.length; i++) for (const r of rows) if (r.parentId === out[i]) out.push(r.id);
  return out;
}
