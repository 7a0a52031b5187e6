/** The tree (or the part under a node) with what hangs on each node: units, grids, nodes below. */
import { count } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { grids, memberUnits } from '../db/schema.js';
import { allNodes, requireNode, subtreeIds, type OrgNode } from './tree.js';

export interface TreeRow {
  node: OrgNode;
  /** 0 for a node whose parent is not shown. */
  depth: number;
  units: number;
  /** A community's grids. */
  grids: number;
  /** The nodes directly below. */
  below: number;
}

/** Parents before children; `unplaced` counts the communities under no street (the whole tree only). */
export async function treeOverview(db: Db, slug?: string): Promise<{ rows: TreeRow[]; unplaced: number }> {
  const nodes = await allNodes(db);
  const root = slug ? await requireNode(db, slug) : undefined;
  const inTree = root ? new Set(await subtreeIds(db, root.id)) : undefined;
  const units = await db.select({ nodeId: memberUnits.nodeId, n: count() }).from(memberUnits).groupBy(memberUnits.nodeId);
  const gridCounts = await db.select({ communityId: grids.communityId, n: count() }).from(grids).groupBy(grids.communityId);
  const depth = new Map<number, number>();
  const rows: TreeRow[] = [];
  for (const n of nodes) {
    if (inTree && !inTree.has(n.id)) continue;
    const d = n.parentId !== null && depth.has(n.parentId) ? depth.get(n.parentId)! + 1 : 0;
    depth.set(n.id, d);
    rows.push({
      node: n,
      depth: d,
      units: Number(units.find((u) => u.nodeId === n.id)?.n ?? 0),
      grids: Number(gridCounts.find((g) => g.communityId === n.communityId)?.n ?? 0),
      below: nodes.filter((x) => x.parentId === n.id).length,
    });
  }
  const unplaced = root ? 0 : nodes.filter((n) => n.level === 'community' && n.parentId === null).length;
  return { rows, unplaced };
}
