/** Grids (网格) of a community: a chat bound to a grid files its items there and its grid workers are told. */
import { and, asc, eq } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.js';
import { gridWorkers, grids, identities } from '../db/schema.js';
import { refuse } from '../domain/errors.js';
import { clip, oneLine } from '../domain/text.js';
import { t } from '../i18n/index.js';
import { privateAddressesOf } from '../messaging/addresses.js';
import { writeOutbox, type OutboxMessage } from '../messaging/outbox.js';
import { outboxKeys } from '../messaging/outbox-keys.js';
import type { Ctx, Suggestion } from '../kernel/context.js';

export type Grid = typeof grids.$inferSelect;

/** The grid `slug` of the community, or a refusal UNKNOWN_GRID (for `/bind <community> <grid>`, /list, /stats). */
export async function resolveGrid(db: Db | Tx, communityId: number, slug: string): Promise<Grid> {
  const [row] = await db.select().from(grids).where(and(eq(grids.communityId, communityId), eq(grids.slug, slug.trim().toLowerCase())));
  if (!row) return refuse('UNKNOWN_GRID', { slug: clip(oneLine(slug), 40) });
  return row;
}

/** The grid with this slug if there is one (no refusal: callers use it to tell a grid from another argument). */
export async function findGrid(db: Db | Tx, communityId: number, slug: string): Promise<Grid | undefined> {
  const [row] = await db.select().from(grids).where(and(eq(grids.communityId, communityId), eq(grids.slug, slug.trim().toLowerCase())));
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
