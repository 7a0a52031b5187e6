/**
 * Placing districts, streets and communities in the tree (a community is a node by itself, see
 * migration 0007): adding a node, renaming it by adding it again, moving it under another. Every write
 * is idempotent by slug and audited in the caller's transaction.
 */
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Tx } from '../db/client.js';
import { communities, orgNodes, ORG_LEVELS, type OrgLevel } from '../db/schema.js';
import { AdminError } from '../domain/admin-errors.js';
import { orgAudit } from './audit.js';
import { insertCommunity, type NewCommunity } from './communities.js';
import { canParent, nodeBySlug, requireNode, type OrgNode } from './tree.js';

export const levelSchema = z.enum(ORG_LEVELS, { message: `the level is ${ORG_LEVELS.join(', ')}` });

function checkParent(parent: OrgNode, level: OrgLevel, slug: string) {
  if (!canParent(parent.level, level)) throw new AdminError('BAD_ARGUMENT', `a ${level} (${slug}) cannot be placed under the ${parent.level} ${parent.slug}`);
}

/** Adds a district, street or community node (a community also as a community, like `community add`). Returns a line, or undefined when it was there. */
export async function addNodeTx(tx: Tx, n: { level: OrgLevel; slug: string; name: string; parent?: string } & Partial<NewCommunity>, via: string): Promise<string | undefined> {
  const parent = n.parent ? await requireNode(tx, n.parent) : undefined;
  if (parent) checkParent(parent, n.level, n.slug);
  const existing = await nodeBySlug(tx, n.slug);
  if (existing) {
    if (existing.level !== n.level) throw new AdminError('NODE_EXISTS', `"${n.slug}" is already a ${existing.level}; nothing changed`);
    const lines: string[] = [];
    if (existing.name !== n.name) {
      if (existing.communityId !== null) await tx.update(communities).set({ name: n.name }).where(eq(communities.id, existing.communityId));
      else await tx.update(orgNodes).set({ name: n.name }).where(eq(orgNodes.id, existing.id));
      await orgAudit(tx, 'org.node_renamed', { via, slug: n.slug, from: existing.name, to: n.name }, existing.communityId);
      lines.push(`renamed ${n.level} ${n.slug} to ${n.name}`);
    }
    if (parent && existing.parentId !== parent.id) lines.push(await moveNodeTx(tx, n.slug, parent.slug, via));
    return lines.length ? lines.join('; ') : undefined;
  }
  if (n.level === 'community') {
    // The trigger of migration 0007 creates the community's node.
    const c = await insertCommunity(tx, { slug: n.slug, name: n.name, supportThreshold: n.supportThreshold, satisfactionThreshold: n.satisfactionThreshold }, via);
    if (parent) await tx.update(orgNodes).set({ parentId: parent.id }).where(eq(orgNodes.communityId, c.id));
    await orgAudit(tx, 'org.node_created', { via, level: n.level, slug: n.slug, parent: parent?.slug ?? null }, c.id);
  } else {
    await tx.insert(orgNodes).values({ level: n.level, slug: n.slug, name: n.name, parentId: parent?.id ?? null });
    await orgAudit(tx, 'org.node_created', { via, level: n.level, slug: n.slug, name: n.name, parent: parent?.slug ?? null });
  }
  return `created ${n.level} ${n.slug} (${n.name})${parent ? ` under ${parent.slug}` : ''}`;
}

export async function moveNodeTx(tx: Tx, slug: string, parentSlug: string, via: string): Promise<string> {
  const node = await requireNode(tx, slug);
  const parent = await requireNode(tx, parentSlug);
  checkParent(parent, node.level, slug);
  if (node.parentId === parent.id) return `${slug} is already under ${parentSlug}; nothing changed`;
  await tx.update(orgNodes).set({ parentId: parent.id }).where(eq(orgNodes.id, node.id));
  await orgAudit(tx, 'org.node_moved', { via, slug, from: node.parentId, to: parent.slug }, node.communityId);
  return `moved ${node.level} ${slug} under ${parent.level} ${parentSlug}`;
}
