/**
 * The import file: communities with their council units, roles and the tree, in one transaction.
 * Creating is idempotent by key: a community by slug, a unit by name, a role by user.
 *
 * {
 *   "communities": [{
 *     "slug": "demo", "name": "示范社区", "supportThreshold": 3, "satisfactionThreshold": 0.6,
 *     "councilUnits": [{ "name": "街道办事处", "contact": "telegram:123456" }],
 *     "roles": [{ "user": "telegram:123456", "role": "staff" }]
 *   }]
 * }
 */
import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../db/client.js';
import { councilUnits } from '../db/schema.js';
import {
  communityNameSchema,
  roleSchema,
  satisfactionThresholdSchema,
  slugSchema,
  supportThresholdSchema,
  unitNameSchema,
  userRefSchema,
} from '../domain/admin-args.js';
import { addCouncilUnitTx } from '../council/units.js';
import { inTransaction } from '../kernel/unit-of-work.js';
import { upsertCommunityTx } from '../org/communities.js';
import { gridImportSchema, importOrg, orgImportSchema } from '../org/import.js';
import { grantRoleTx } from './roles.js';

export const importFileSchema = z
  .object({
    communities: z
      .array(
        z
          .object({
            slug: slugSchema,
            name: communityNameSchema,
            supportThreshold: supportThresholdSchema.optional(),
            satisfactionThreshold: satisfactionThresholdSchema.optional(),
            councilUnits: z.array(z.object({ name: unitNameSchema, contact: userRefSchema.optional() }).strict()).default([]),
            roles: z.array(z.object({ user: userRefSchema, role: roleSchema }).strict()).default([]),
            /** The street (or district) the community sits under, and its grids (see src/org/import.ts). */
            parent: slugSchema.optional(),
            grids: z.array(gridImportSchema).default([]),
          })
          .strict(),
      )
      .min(1, 'list at least one community'),
    org: orgImportSchema.optional(),
  })
  .strict();

export type ImportFile = z.infer<typeof importFileSchema>;

/** Applies the file in one transaction and returns one line per change. */
export async function importData(db: Db, data: ImportFile, now: Date, tz: string): Promise<string[]> {
  return inTransaction(db, async (tx) => {
    const lines: string[] = [];
    for (const c of data.communities) {
      const { community, line } = await upsertCommunityTx(tx, c, 'import');
      if (line) lines.push(line);
      for (const u of c.councilUnits) {
        const [exists] = await tx
          .select({ id: councilUnits.id })
          .from(councilUnits)
          .where(and(eq(councilUnits.communityId, community.id), eq(councilUnits.name, u.name)));
        if (exists) continue;
        const added = await addCouncilUnitTx(tx, community.id, { name: u.name, contact: u.contact }, now, tz, 'import');
        lines.push(`added council unit ${u.name} to ${c.slug} at position ${added.unit.position}`);
      }
      for (const r of c.roles) {
        const change = await grantRoleTx(tx, community, r.user, r.role, 'import');
        if (change.before !== change.after) lines.push(`granted ${r.role} in ${c.slug} to ${r.user.platform}:${r.user.platformUserId}`);
      }
    }
    lines.push(...(await importOrg(tx, data.org, data.communities)));
    if (!lines.length) lines.push('nothing to change: everything in the file is already there');
    return lines;
  });
}
