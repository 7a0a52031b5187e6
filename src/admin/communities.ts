/** Creating and finding communities from the admin CLI. */
import { eq } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.js';
import { isPgUniqueViolation } from '../db/errors.js';
import { auditLog, communities } from '../db/schema.js';
import { AdminError } from './errors.js';

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

/** Creates a community; COMMUNITY_EXISTS when the slug is taken. `via` names the caller in the audit row. */
export async function addCommunity(db: Db, c: NewCommunity, via = 'cli'): Promise<Community> {
  try {
    return await db.transaction((tx) => insertCommunity(tx, c, via));
  } catch (err) {
    if (isPgUniqueViolation(err)) throw new AdminError('COMMUNITY_EXISTS', `community "${c.slug}" already exists; nothing changed`);
    throw err;
  }
}
