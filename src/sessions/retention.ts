/**
 * What is kept, and for how long (run daily by jobs/retention.ts; documented in the README):
 * - processed updates: 7 days after their replies were delivered (or, for replies answered at once,
 *   after they were processed); a platform re-delivers an update within a day, so the dedupe holds;
 * - sign-in links: a day after they were used or expired (the link's page says "used" meanwhile);
 * - sessions: once expired or revoked.
 * One transaction, with one audit row saying how many of each went.
 */
import { and, isNotNull, lt, or, sql } from 'drizzle-orm';
import { rowsOf, type Db } from '../db/client.js';
import { auditLog, processedUpdates, webSessions, webSignInLinks } from '../db/schema.js';
import { inTransaction } from '../kernel/unit-of-work.js';
import type { Logger } from '../lib/logger.js';

export const RETENTION = {
  processedUpdatesMs: 7 * 24 * 3600e3,
  signInLinksMs: 24 * 3600e3,
} as const;

export interface Pruned {
  processedUpdates: number;
  signInLinks: number;
  sessions: number;
}

export async function pruneAtRest(db: Db, now: Date, logger?: Logger): Promise<Pruned> {
  const updatesBefore = new Date(now.getTime() - RETENTION.processedUpdatesMs);
  const linksBefore = new Date(now.getTime() - RETENTION.signInLinksMs);
  return inTransaction(
    db,
    async (tx) => {
      // Counted in the database: a busy week's updates are not carried back one row each.
      const [updates] = rowsOf<{ n: number }>(
        await tx.execute(sql`with gone as (delete from ${processedUpdates} where coalesce(${processedUpdates.deliveredAt}, ${processedUpdates.processedAt}) < ${updatesBefore.toISOString()}::timestamptz returning 1) select count(*)::int as n from gone`),
      );
      const links = await tx
        .delete(webSignInLinks)
        .where(or(lt(webSignInLinks.expiresAt, linksBefore), and(isNotNull(webSignInLinks.usedAt), lt(webSignInLinks.usedAt, linksBefore))))
        .returning({ k: webSignInLinks.tokenHash });
      const sessions = await tx
        .delete(webSessions)
        .where(or(lt(webSessions.expiresAt, now), isNotNull(webSessions.revokedAt)))
        .returning({ k: webSessions.idHash });
      const pruned = { processedUpdates: Number(updates?.n ?? 0), signInLinks: links.length, sessions: sessions.length };
      if (pruned.processedUpdates + pruned.signInLinks + pruned.sessions > 0) await tx.insert(auditLog).values({ action: 'retention.pruned', data: pruned, at: now });
      return pruned;
    },
    logger,
  );
}
