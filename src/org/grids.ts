/** Grids (网格) of a community: a chat bound to a grid files its items there and its grid workers are told. */
import { and, asc, eq, or } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.js';
import { communities, gridWorkers, grids, identities } from '../db/schema.js';
import { AdminError } from '../domain/admin-errors.js';
import { userRefText, type UserRef } from '../domain/admin-args.js';
import { refuse } from '../domain/errors.js';
import { clip, oneLine } from '../domain/text.js';
import { t } from '../i18n/index.js';
import { privateAddressesOf } from '../messaging/addresses.js';
import { writeOutbox, type OutboxMessage } from '../messaging/outbox.js';
import { outboxKeys } from '../messaging/outbox-keys.js';
import type { Ctx, Suggestion } from '../kernel/context.js';
import { ensureIdentity } from '../kernel/persons.js';
import { orgAudit } from './audit.js';

export type Grid = typeof grids.$inferSelect;

/** The grid named by `typed` (its name, `第一网格`, or its slug, any case), or a refusal UNKNOWN_GRID (for `/bind <community> <grid>`, /list, /stats). */
export async function resolveGrid(db: Db | Tx, communityId: number, typed: string): Promise<Grid> {
  const row = await findGrid(db, communityId, typed);
  if (!row) return refuse('UNKNOWN_GRID', { slug: clip(oneLine(typed), 40) });
  return row;
}

/** The grid named by `typed` (name or slug) if there is one (no refusal: callers use it to tell a grid from another argument). */
export async function findGrid(db: Db | Tx, communityId: number, typed: string): Promise<Grid | undefined> {
  const text = typed.trim();
  if (!text) return undefined;
  const [row] = await db.select().from(grids).where(and(eq(grids.communityId, communityId), or(eq(grids.slug, text.toLowerCase()), eq(grids.name, text))));
  return row;
}

export async function gridsOf(db: Db | Tx, communityId: number): Promise<Grid[]> {
  return db.select().from(grids).where(eq(grids.communityId, communityId)).orderBy(asc(grids.slug));
}

/** The persons among a grid's workers (a worker who never wrote to the bot is not a person yet). */
export async function gridWorkerPersons(db: Db | Tx, gridId: number): Promise<number[]> {
  const rows = await db
    .selectDistinct({ personId: identities.personId })
    .from(gridWorkers)
    .innerJoin(identities, and(eq(identities.platform, gridWorkers.platform), eq(identities.platformUserId, gridWorkers.platformUserId)))
    .where(eq(gridWorkers.gridId, gridId));
  return rows.map((r) => r.personId);
}

/**
 * Tells the grid's workers privately of a new item raised in their grid: outbox rows in the item's own
 * transaction (one per worker, by dedupe key), carried by the send queue after the commit.
 */
export async function tellGridWorkers(ctx: Ctx, s: Suggestion): Promise<void> {
  if (!s.gridId) return;
  const [grid] = await ctx.tx.select().from(grids).where(eq(grids.id, s.gridId));
  if (!grid) return;
  const workers = (await gridWorkerPersons(ctx.tx, grid.id)).filter((p) => p !== s.authorId);
  const addresses = await privateAddressesOf(ctx.tx, workers, () => true, ctx.chat?.platform);
  const messages: OutboxMessage[] = addresses.map((a) => ({
    platform: a.platform,
    platformChatId: a.platformChatId,
    dedupeKey: outboxKeys.gridItem(s.id, a.personId),
    payload: { text: t(a.lang, 'org.grid.newItem', { grid: grid.name, community: ctx.community.name, n: s.number, text: clip(oneLine(s.text), 200), who: ctx.displayName }) },
  }));
  const written = await writeOutbox(ctx.tx, messages);
  if (written.length) ctx.emit({ type: 'outbox.queued', dedupeKeys: written });
}

/** Splits a trailing grid slug off a command's arguments (`/list voting g3`, `/stats g3`); no grid: args unchanged. */
export async function gridFilter(ctx: Ctx, args: string): Promise<{ rest: string; grid?: Grid }> {
  const m = /^([\s\S]*?)\s*(\S+)$/.exec(args.trim());
  if (!m) return { rest: args };
  const grid = await findGrid(ctx.tx, ctx.community.id, m[2]!);
  return grid ? { rest: m[1]!, grid } : { rest: args };
}

/** Adds a grid to a community (or workers to the grid of that slug), audited in the caller's transaction; one line per change. */
export async function addGridTx(tx: Tx, g: { community: string; slug: string; name: string; workers: UserRef[] }, via: string): Promise<string[]> {
  const [community] = await tx.select().from(communities).where(eq(communities.slug, g.community));
  if (!community) throw new AdminError('UNKNOWN_COMMUNITY', `unknown community "${g.community}"`);
  const lines: string[] = [];
  let [grid] = await tx.select().from(grids).where(and(eq(grids.communityId, community.id), eq(grids.slug, g.slug)));
  if (!grid) {
    [grid] = await tx.insert(grids).values({ communityId: community.id, slug: g.slug, name: g.name }).returning();
    await orgAudit(tx, 'org.grid_added', { via, slug: g.slug, name: g.name }, community.id);
    lines.push(`added grid ${g.slug} (${g.name}) to ${g.community}`);
  } else if (grid.name !== g.name) {
    await tx.update(grids).set({ name: g.name }).where(eq(grids.id, grid.id));
    await orgAudit(tx, 'org.grid_renamed', { via, slug: g.slug, from: grid.name, to: g.name }, community.id);
    lines.push(`renamed grid ${g.slug} of ${g.community} to ${g.name}`);
  }
  for (const w of g.workers) {
    const added = await tx.insert(gridWorkers).values({ gridId: grid!.id, platform: w.platform, platformUserId: w.platformUserId }).onConflictDoNothing().returning();
    if (!added.length) continue;
    await ensureIdentity(tx, w.platform, { platformUserId: w.platformUserId });
    await orgAudit(tx, 'org.grid_worker_added', { via, grid: g.slug, worker: userRefText(w) }, community.id);
    lines.push(`grid worker ${userRefText(w)} added to ${g.community}/${g.slug}`);
  }
  return lines;
}
