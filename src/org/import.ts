/** The tree part of the import file (see src/people/import.ts for the whole file): districts and streets, units, grids. */
import { z } from 'zod';
import type { Tx } from '../db/client.js';
import { communityNameSchema, slugSchema, unitNameSchema, userRefSchema } from '../domain/admin-args.js';
import { addNodeTx, moveNodeTx } from './add-node.js';
import { addGridTx } from './grids.js';
import { addNodeStaffTx } from './staff.js';
import { requireNode } from './tree.js';
import { addUnitTx, unitKindSchema } from './units.js';

export const orgImportSchema = z
  .object({
    nodes: z
      .array(z.object({ level: z.enum(['district', 'street']), slug: slugSchema, name: communityNameSchema, parent: slugSchema.optional(), staff: z.array(userRefSchema).default([]) }).strict())
      .default([]),
    units: z
      .array(z.object({ at: slugSchema, name: unitNameSchema, kind: unitKindSchema, contacts: z.array(userRefSchema).default([]) }).strict())
      .default([]),
  })
  .strict();
export type OrgImport = z.infer<typeof orgImportSchema>;

export const gridImportSchema = z.object({ slug: slugSchema, name: communityNameSchema, workers: z.array(userRefSchema).default([]) }).strict();

/**
 * The tree part of an import, after the communities exist: districts and streets (parents first),
 * the communities' parents and grids, then units. One line per change.
 */
export async function importOrg(
  tx: Tx,
  org: OrgImport | undefined,
  placed: Array<{ slug: string; parent?: string; grids: Array<z.infer<typeof gridImportSchema>> }>,
): Promise<string[]> {
  const lines: string[] = [];
  const nodes = [...(org?.nodes ?? [])].sort((a, b) => (a.level === b.level ? 0 : a.level === 'district' ? -1 : 1));
  for (const n of nodes) {
    const line = await addNodeTx(tx, n, 'import');
    if (line) lines.push(line);
    for (const s of n.staff) {
      const l = await addNodeStaffTx(tx, n.slug, s, 'import');
      if (l) lines.push(l);
    }
  }
  for (const c of placed) {
    if (c.parent) {
      const node = await requireNode(tx, c.slug);
      const parent = await requireNode(tx, c.parent);
      if (node.parentId !== parent.id) lines.push(await moveNodeTx(tx, c.slug, c.parent, 'import'));
    }
    for (const g of c.grids) lines.push(...(await addGridTx(tx, { community: c.slug, ...g }, 'import')));
  }
  for (const u of org?.units ?? []) lines.push(...(await addUnitTx(tx, u, 'import')));
  return lines;
}
