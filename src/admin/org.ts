/**
 * The organisation tree from the admin CLI and the import file: nodes (district, street; a community is a
 * node by itself, see migration 0007), member units with contacts, grids with workers, staff of streets
 * and districts. Every write is idempotent by key and audited in its transaction.
 */
import { and, asc, count, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import type { Db, Tx } from '../db/client.js';
import { auditLog, communities, gridWorkers, grids, identities, memberUnits, orgNodes, orgStaff, unitContacts, ORG_LEVELS, UNIT_KINDS, type OrgLevel, type UnitKind } from '../db/schema.js';
import { ensureIdentity } from '../kernel/persons.js';
import { allNodes, canParent, nodeBySlug, subtreeIds, type OrgNode } from '../org/tree.js';
import { insertCommunity, type NewCommunity } from './communities.js';
import { AdminError } from './errors.js';
import { communityNameSchema, slugSchema, unitNameSchema, userRefSchema, type UserRef } from './validation.js';

export const levelSchema = z.enum(ORG_LEVELS, { message: `the level is ${ORG_LEVELS.join(', ')}` });
export const unitKindSchema = z.enum(UNIT_KINDS, { message: `the kind is ${UNIT_KINDS.join(', ')}` });

const ref = (u: UserRef) => `${u.platform}:${u.platformUserId}`;

async function audit(tx: Tx, action: string, data: Record<string, unknown>, communityId: number | null = null) {
  await tx.insert(auditLog).values({ communityId, action, data });
}

export async function requireNode(db: Db | Tx, slug: string): Promise<OrgNode> {
  const node = await nodeBySlug(db, slug);
  if (!node) throw new AdminError('UNKNOWN_NODE', `unknown node "${slug}" (see: npx yishi org show)`);
  return node;
}

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
      await audit(tx, 'org.node_renamed', { via, slug: n.slug, from: existing.name, to: n.name }, existing.communityId);
      lines.push(`renamed ${n.level} ${n.slug} to ${n.name}`);
    }
    if (parent && existing.parentId !== parent.id) lines.push(await moveNodeTx(tx, n.slug, parent.slug, via));
    return lines.length ? lines.join('; ') : undefined;
  }
  if (n.level === 'community') {
    // The trigger of migration 0007 creates the community's node.
    const c = await insertCommunity(tx, { slug: n.slug, name: n.name, supportThreshold: n.supportThreshold, satisfactionThreshold: n.satisfactionThreshold }, via);
    if (parent) await tx.update(orgNodes).set({ parentId: parent.id }).where(eq(orgNodes.communityId, c.id));
    await audit(tx, 'org.node_created', { via, level: n.level, slug: n.slug, parent: parent?.slug ?? null }, c.id);
  } else {
    await tx.insert(orgNodes).values({ level: n.level, slug: n.slug, name: n.name, parentId: parent?.id ?? null });
    await audit(tx, 'org.node_created', { via, level: n.level, slug: n.slug, name: n.name, parent: parent?.slug ?? null });
  }
  return `created ${n.level} ${n.slug} (${n.name})${parent ? ` under ${parent.slug}` : ''}`;
}

export async function moveNodeTx(tx: Tx, slug: string, parentSlug: string, via: string): Promise<string> {
  const node = await requireNode(tx, slug);
  const parent = await requireNode(tx, parentSlug);
  checkParent(parent, node.level, slug);
  if (node.parentId === parent.id) return `${slug} is already under ${parentSlug}; nothing changed`;
  await tx.update(orgNodes).set({ parentId: parent.id }).where(eq(orgNodes.id, node.id));
  await audit(tx, 'org.node_moved', { via, slug, from: node.parentId, to: parent.slug }, node.communityId);
  return `moved ${node.level} ${slug} under ${parent.level} ${parentSlug}`;
}

/** Adds a unit at a node (or adds contacts to the unit of that name there). */
export async function addUnitTx(tx: Tx, u: { at: string; name: string; kind: UnitKind; contacts: UserRef[] }, via: string): Promise<string[]> {
  const node = await requireNode(tx, u.at);
  const lines: string[] = [];
  let [unit] = await tx.select().from(memberUnits).where(and(eq(memberUnits.nodeId, node.id), eq(memberUnits.name, u.name)));
  if (!unit) {
    [unit] = await tx.insert(memberUnits).values({ nodeId: node.id, name: u.name, kind: u.kind }).returning();
    await audit(tx, 'org.unit_added', { via, at: node.slug, name: u.name, kind: u.kind }, node.communityId);
    lines.push(`added ${u.kind} unit ${u.name} at ${node.level} ${node.slug}`);
  } else if (unit.kind !== u.kind) {
    await tx.update(memberUnits).set({ kind: u.kind }).where(eq(memberUnits.id, unit.id));
    await audit(tx, 'org.unit_changed', { via, at: node.slug, name: u.name, kind: u.kind, was: unit.kind }, node.communityId);
    lines.push(`unit ${u.name} at ${node.slug} is now ${u.kind}`);
  }
  for (const c of u.contacts) {
    const added = await tx.insert(unitContacts).values({ unitId: unit!.id, platform: c.platform, platformUserId: c.platformUserId }).onConflictDoNothing().returning();
    if (!added.length) continue;
    await ensureIdentity(tx, c.platform, { platformUserId: c.platformUserId });
    await audit(tx, 'org.unit_contact_added', { via, at: node.slug, unit: u.name, contact: ref(c) }, node.communityId);
    lines.push(`contact ${ref(c)} added to ${u.name}`);
  }
  return lines;
}

/** Adds a grid to a community (or workers to the grid of that slug). */
export async function addGridTx(tx: Tx, g: { community: string; slug: string; name: string; workers: UserRef[] }, via: string): Promise<string[]> {
  const [community] = await tx.select().from(communities).where(eq(communities.slug, g.community));
  if (!community) throw new AdminError('UNKNOWN_COMMUNITY', `unknown community "${g.community}"`);
  const lines: string[] = [];
  let [grid] = await tx.select().from(grids).where(and(eq(grids.communityId, community.id), eq(grids.slug, g.slug)));
  if (!grid) {
    [grid] = await tx.insert(grids).values({ communityId: community.id, slug: g.slug, name: g.name }).returning();
    await audit(tx, 'org.grid_added', { via, slug: g.slug, name: g.name }, community.id);
    lines.push(`added grid ${g.slug} (${g.name}) to ${g.community}`);
  } else if (grid.name !== g.name) {
    await tx.update(grids).set({ name: g.name }).where(eq(grids.id, grid.id));
    await audit(tx, 'org.grid_renamed', { via, slug: g.slug, from: grid.name, to: g.name }, community.id);
    lines.push(`renamed grid ${g.slug} of ${g.community} to ${g.name}`);
  }
  for (const w of g.workers) {
    const added = await tx.insert(gridWorkers).values({ gridId: grid!.id, platform: w.platform, platformUserId: w.platformUserId }).onConflictDoNothing().returning();
    if (!added.length) continue;
    await ensureIdentity(tx, w.platform, { platformUserId: w.platformUserId });
    await audit(tx, 'org.grid_worker_added', { via, grid: g.slug, worker: ref(w) }, community.id);
    lines.push(`grid worker ${ref(w)} added to ${g.community}/${g.slug}`);
  }
  return lines;
}

/** Makes a user staff of a street or district (community staff are granted with `role grant`). */
export async function addNodeStaffTx(tx: Tx, slug: string, user: UserRef, via: string): Promise<string | undefined> {
  const node = await requireNode(tx, slug);
  if (node.level === 'community') throw new AdminError('BAD_ARGUMENT', `${slug} is a community: use npx yishi role grant ${slug} ${ref(user)} staff`);
  const { identity } = await ensureIdentity(tx, user.platform, { platformUserId: user.platformUserId });
  const added = await tx.insert(orgStaff).values({ nodeId: node.id, personId: identity.personId }).onConflictDoNothing().returning();
  if (!added.length) return undefined;
  await audit(tx, 'org.staff_added', { via, at: slug, user: ref(user), personId: identity.personId });
  return `${ref(user)} is now staff of ${node.level} ${slug}`;
}

/** The tree as indented lines with counts (units, grids, communities below, staff). */
export async function showTree(db: Db, slug?: string): Promise<string[]> {
  const nodes = await allNodes(db);
  const root = slug ? await requireNode(db, slug) : undefined;
  const inTree = root ? new Set(await subtreeIds(db, root.id)) : undefined;
  const units = await db.select({ nodeId: memberUnits.nodeId, n: count() }).from(memberUnits).groupBy(memberUnits.nodeId);
  const gridCounts = await db.select({ communityId: grids.communityId, n: count() }).from(grids).groupBy(grids.communityId);
  const depth = new Map<number, number>();
  const lines: string[] = [];
  for (const n of nodes) {
    if (inTree && !inTree.has(n.id)) continue;
    const d = n.parentId !== null && depth.has(n.parentId) ? depth.get(n.parentId)! + 1 : 0;
    depth.set(n.id, d);
    const below = nodes.filter((x) => x.parentId === n.id).length;
    const parts = [`${Number(units.find((u) => u.nodeId === n.id)?.n ?? 0)} units`];
    if (n.level === 'community') parts.push(`${Number(gridCounts.find((g) => g.communityId === n.communityId)?.n ?? 0)} grids`);
    else parts.push(`${below} ${n.level === 'district' ? 'streets' : 'communities'}`);
    lines.push(`${'  '.repeat(d)}${n.level} ${n.slug} ${n.name} (${parts.join(', ')})`);
  }
  const orphans = nodes.filter((n) => n.level === 'community' && n.parentId === null).length;
  if (!root && orphans) lines.push(`${orphans} communit${orphans === 1 ? 'y is' : 'ies are'} not placed yet: npx yishi org move <slug> --parent <street>`);
  return lines.length ? lines : ['the tree is empty: npx yishi org add district <slug> <name>'];
}

// ---- import and export of the whole tree ----

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
 * the communities' parents and grids, then units.
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

/** The tree (or the part under `slug`) in the import file's shape: importing it changes nothing. */
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
