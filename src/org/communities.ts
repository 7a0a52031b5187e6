/** Creating, finding and updating communities (the admin CLI, the import file, the console's demo). */
import { eq, inArray, or } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.js';
import { isPgUniqueViolation } from '../db/errors.js';
import { auditLog, communities } from '../db/schema.js';
import { AdminError } from '../domain/admin-errors.js';
import { refuse } from '../domain/errors.js';
import { clip, oneLine } from '../domain/text.js';
import { inTransaction } from '../kernel/unit-of-work.js';
import { nodeBySlug } from './tree.js';

export type Community = typeof communities.$inferSelect;

export interface NewCommunity {
  slug: string;
  name: string;
  supportThreshold?: number;
  satisfactionThreshold?: number;
  /** The language the jobs post in to its chats (default zh). */
  lang?: 'zh' | 'en';
}

/** The community with this slug, or an UNKNOWN_COMMUNITY error. */
export async function requireCommunity(db: Db | Tx, slug: string): Promise<Community> {
  const [row] = await db.select().from(communities).where(eq(communities.slug, slug));
  if (!row) throw new AdminError('UNKNOWN_COMMUNITY', `unknown community "${slug}" (create it with: npx yishi community add ${slug} <name>)`);
  return row;
}

/**
 * The community residents and staff name as typed: its name (`交道口社区`, or `交道口` for it) or its
 * slug (`jiaodaokou`, any case). Refuses UNKNOWN_COMMUNITY, or the same code naming the slugs when
 * one name fits several.
 */
export async function communityByName(db: Db | Tx, typed: string): Promise<Community> {
  const text = oneLine(typed);
  if (!text) return refuse('UNKNOWN_COMMUNITY', { slug: '' });
  const names = [...new Set([text, text.endsWith('社区') ? text.slice(0, -2) : `${text}社区`])];
  const rows = await db.select().from(communities).where(or(eq(communities.slug, text.toLowerCase()), inArray(communities.name, names)));
  const bySlug = rows.find((r) => r.slug === text.toLowerCase());
  if (bySlug) return bySlug;
  const exact = rows.filter((r) => r.name === text);
  const hits = exact.length ? exact : rows;
  if (hits.length === 1) return hits[0]!;
  if (!hits.length) return refuse('UNKNOWN_COMMUNITY', { slug: clip(text, 40) });
  return refuse('UNKNOWN_COMMUNITY', { slug: clip(text, 40), slugs: hits.map((r) => r.slug).join('、') }, 'err.AMBIGUOUS_COMMUNITY');
}

/** Inserts the community and its audit row in the given transaction. */
export async function insertCommunity(tx: Tx, c: NewCommunity, via: string): Promise<Community> {
  const [row] = await tx
    .insert(communities)
    .values({
      slug: c.slug,
      name: c.name,
      ...(c.supportThreshold !== undefined ? { supportThreshold: c.supportThreshold } : {}),
      ...(c.satisfactionThreshold !== undefined ? { satisfactionThreshold: c.satisfactionThreshold } : {}),
      ...(c.lang !== undefined ? { lang: c.lang } : {}),
    })
    .returning();
  await tx.insert(auditLog).values({
    communityId: row.id,
    action: 'community.created',
    data: { via, slug: row.slug, name: row.name, supportThreshold: row.supportThreshold, satisfactionThreshold: row.satisfactionThreshold, lang: row.lang },
  });
  return row;
}

const exists = (slug: string) => new AdminError('COMMUNITY_EXISTS', `community "${slug}" already exists; nothing changed`);

/** Creates a community; COMMUNITY_EXISTS when the slug is taken (by a community or another node of the tree). `via` names the caller in the audit row. */
export async function addCommunity(db: Db, c: NewCommunity, via = 'cli'): Promise<Community> {
  try {
    return await inTransaction(db, async (tx) => {
      // A taken slug is a refusal, not a race to retry: looked up first (the unique index still decides a race).
      if (await nodeBySlug(tx, c.slug)) throw exists(c.slug);
      return insertCommunity(tx, c, via);
    });
  } catch (err) {
    if (isPgUniqueViolation(err)) throw exists(c.slug);
    throw err;
  }
}

/**
 * The community of the import file, created or brought in line with it (name, thresholds), with its
 * audit row; the line that says what changed, if anything did.
 */
export async function upsertCommunityTx(tx: Tx, c: NewCommunity, via: string): Promise<{ community: Community; line?: string }> {
  const [community] = await tx.select().from(communities).where(eq(communities.slug, c.slug)).for('update');
  if (!community) {
    const node = await nodeBySlug(tx, c.slug);
    if (node) throw new AdminError('NODE_EXISTS', `"${c.slug}" is already a ${node.level}; nothing changed`);
    return { community: await insertCommunity(tx, c, via), line: `created community ${c.slug} (${c.name})` };
  }
  const changes: Partial<typeof communities.$inferInsert> = {};
  if (community.name !== c.name) changes.name = c.name;
  if (c.supportThreshold !== undefined && c.supportThreshold !== community.supportThreshold) changes.supportThreshold = c.supportThreshold;
  if (c.satisfactionThreshold !== undefined && c.satisfactionThreshold !== community.satisfactionThreshold) changes.satisfactionThreshold = c.satisfactionThreshold;
  if (!Object.keys(changes).length) return { community };
  const [updated] = await tx.update(communities).set(changes).where(eq(communities.id, community.id)).returning();
  await tx.insert(auditLog).values({ communityId: updated.id, action: 'community.updated', data: { via, ...changes } });
  return { community: updated, line: `updated community ${c.slug}: ${Object.keys(changes).join(', ')}` };
}

export interface CommunitySettings {
  supportThreshold?: number;
  satisfactionThreshold?: number;
  /** How long a raised suggestion may wait for a staff answer, in minutes. */
  answerWithinMinutes?: number;
}

/** `community set <slug> …`: changes the settings given, with one audit row; the line that says what changed. */
export async function setCommunity(db: Db, slug: string, settings: CommunitySettings, via = 'cli'): Promise<string> {
  return inTransaction(db, async (tx) => {
    const [community] = await tx.select().from(communities).where(eq(communities.slug, slug)).for('update');
    if (!community) throw new AdminError('UNKNOWN_COMMUNITY', `unknown community "${slug}" (create it with: npx yishi community add ${slug} <name>)`);
    const changes: Partial<typeof communities.$inferInsert> = {};
    for (const k of ['supportThreshold', 'satisfactionThreshold', 'answerWithinMinutes'] as const) {
      if (settings[k] !== undefined && settings[k] !== community[k]) changes[k] = settings[k];
    }
    if (!Object.keys(changes).length) return `community ${slug}: nothing changed`;
    await tx.update(communities).set(changes).where(eq(communities.id, community.id));
    await tx.insert(auditLog).values({ communityId: community.id, action: 'community.updated', data: { via, ...changes } });
    return `updated community ${slug}: ${Object.entries(changes).map(([k, v]) => `${k} ${v}`).join(', ')}`;
  });
}
