/**
 * Platform updates already handled: the record that makes a second delivery change nothing. For an
 * adapter that keeps its replies (Incoming.delivery), the record also holds where they go until the
 * adapter says they went out; what a killed process never sent is claimed at the next start.
 */
import { and, eq, gte, isNotNull, isNull, lte, sql } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.js';
import { processedUpdates, type Platform } from '../db/schema.js';
import type { Reply } from '../domain/messages.js';
import { storedReply } from './redact.js';

export async function alreadyProcessed(tx: Db | Tx, platform: Platform, updateKey: string): Promise<boolean> {
  const [row] = await tx.select({ k: processedUpdates.updateKey }).from(processedUpdates).where(and(eq(processedUpdates.platform, platform), eq(processedUpdates.updateKey, updateKey)));
  return !!row;
}

/**
 * Records the update as handled; false when another delivery recorded it first. `delivery` (the
 * adapter's address for the replies) is kept only when there are replies to send. The replies are
 * stored without their sign-in and personal links (redact.ts): the adapter sends the live ones; a copy
 * re-sent after a crash leads to the page that says how to ask for a new link.
 */
export async function markProcessed(tx: Db | Tx, platform: Platform, updateKey: string, replies: Reply[], at: Date, delivery?: Record<string, unknown>): Promise<boolean> {
  const kept = delivery && replies.length ? { delivery } : {};
  const rows = await tx.insert(processedUpdates).values({ platform, updateKey, replies: replies.map(storedReply), processedAt: at, ...kept }).onConflictDoNothing().returning({ k: processedUpdates.updateKey });
  return rows.length > 0;
}

/** The adapter sent (or finally gave up on) every reply of the update. */
export async function markRepliesDelivered(db: Db, platform: Platform, updateKey: string, at: Date): Promise<void> {
  await db
    .update(processedUpdates)
    .set({ deliveredAt: at })
    .where(and(eq(processedUpdates.platform, platform), eq(processedUpdates.updateKey, updateKey), isNotNull(processedUpdates.delivery), isNull(processedUpdates.deliveredAt)));
}

/** Replies kept for an adapter (Incoming.delivery) and never marked delivered. */
export interface UndeliveredReplies {
  updateKey: string;
  replies: Reply[];
  delivery: Record<string, unknown>;
  processedAt: Date;
}

/** Kept replies claimed at once, at most; any beyond wait for the next start. */
const CLAIM_LIMIT = 500;

/**
 * Claims the kept replies never marked delivered, processed between `since` and `before`: marked
 * delivered in the same statement, so two processes starting at once never both send them.
 */
export async function claimUndelivered(db: Db, platform: Platform, range: { since: Date; before: Date; at: Date; limit?: number }): Promise<UndeliveredReplies[]> {
  const due = db
    .select({ k: processedUpdates.updateKey })
    .from(processedUpdates)
    .where(and(
      eq(processedUpdates.platform, platform),
      isNotNull(processedUpdates.delivery),
      isNull(processedUpdates.deliveredAt),
      gte(processedUpdates.processedAt, range.since),
      lte(processedUpdates.processedAt, range.before),
    ))
    .orderBy(processedUpdates.processedAt)
    .limit(range.limit ?? CLAIM_LIMIT)
    .for('update', { skipLocked: true });
  const rows = await db
    .update(processedUpdates)
    .set({ deliveredAt: range.at })
    .where(and(eq(processedUpdates.platform, platform), sql`${processedUpdates.updateKey} in (${due})`, isNull(processedUpdates.deliveredAt)))
    .returning({ updateKey: processedUpdates.updateKey, replies: processedUpdates.replies, delivery: processedUpdates.delivery, processedAt: processedUpdates.processedAt });
  return rows
    .map((r) => ({ updateKey: r.updateKey, replies: (r.replies ?? []) as Reply[], delivery: r.delivery as Record<string, unknown>, processedAt: r.processedAt }))
    .sort((a, b) => a.processedAt.getTime() - b.processedAt.getTime());
}
