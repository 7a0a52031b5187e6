/**
 * `yishi import <file.json>`: communities with their council units and roles, in one transaction.
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
import fs from 'node:fs';
import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../db/client.js';
import { auditLog, communities, councilUnits } from '../db/schema.js';
import { addCouncilUnitTx } from '../council/units.js';
import { insertCommunity } from './communities.js';
import { AdminError } from './errors.js';
import { grantRoleTx } from './roles.js';
import { gridImportSchema, importOrg, orgImportSchema } from './org.js';
import {
  communityNameSchema,
  roleSchema,
  satisfactionThresholdSchema,
  slugSchema,
  supportThresholdSchema,
  unitNameSchema,
  userRefSchema,
} from './validation.js';

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
            /** The street (or district) the community sits under, and its grids (see ./org.ts). */
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

/** Reads and validates the file; BAD_FILE with one line naming the first problem. */
export function readImportFile(file: string): ImportFile {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new AdminError('BAD_FILE', `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new AdminError('BAD_FILE', `${file} is not valid JSON: ${(err as Error).message}`);
  }
  const r = importFileSchema.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const where = issue.path.length ? issue.path.join('.') : 'the file';
    throw new AdminError('BAD_FILE', `${file}: ${where}: ${issue.message}`);
  }
  return r.data;
}

/** Applies the file in one transaction and returns one line per change. */
export async function importData(db: Db, data: ImportFile, now: Date, tz: string): Promise<string[]> {
  return db.transaction(async (tx) => {
    const lines: string[] = [];
    for (const c of data.communities) {
      let [community] = await tx.select().from(communities).where(eq(communities.slug, c.slug)).for('update');
      if (!community) {
        community = await insertCommunity(tx, c, 'import');
        lines.push(`created community ${c.slug} (${c.name})`);
      } else {
        const changes: Partial<typeof communities.$inferInsert> = {};
        if (community.name !== c.name) changes.name = c.name;
        if (c.supportThreshold !== undefined && c.supportThreshold !== community.supportThreshold) changes.supportThreshold = c.supportThreshold;
        if (c.satisfactionThreshold !== undefined && c.satisfactionThreshold !== community.satisfactionThreshold)
          changes.satisfactionThreshold = c.satisfactionThreshold;
        if (Object.keys(changes).length) {
          [community] = await tx.update(communities).set(changes).where(eq(communities.id, community.id)).returning();
          await tx.insert(auditLog).values({ communityId: community.id, action: 'community.updated', data: { via: 'import', ...changes } });
          lines.push(`updated community ${c.slug}: ${Object.keys(changes).join(', ')}`);
        }
      }
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
