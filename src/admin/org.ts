/**
 * The organisation tree as the admin CLI prints it (`org show`). The use cases (adding and moving nodes,
 * units, grids, staff; import and export of the tree) are in src/org; the ones tests import from here
 * are re-exported.
 */
import type { Db } from '../db/client.js';
import { treeOverview } from '../org/show.js';

export { exportTree } from '../org/export.js';
export { addGridTx } from '../org/grids.js';
export { addUnitTx } from '../org/units.js';

/** The tree as indented lines with counts (units, grids, communities below, staff). */
export async function showTree(db: Db, slug?: string): Promise<string[]> {
  const { rows, unplaced } = await treeOverview(db, slug);
  const lines = rows.map(({ node: n, depth, units, grids, below }) => {
    const parts = [`${units} units`, n.level === 'community' ? `${grids} grids` : `${below} ${n.level === 'district' ? 'streets' : 'communities'}`];
    return `${'  '.repeat(depth)}${n.level} ${n.slug} ${n.name} (${parts.join(', ')})`;
  });
  if (unplaced) lines.push(`${unplaced} communit${unplaced === 1 ? 'y is' : 'ies are'} not placed yet: npx yishi org move <slug> --parent <street>`);
  return lines.length ? lines : ['the tree is empty: npx yishi org add district <slug> <name>'];
}
