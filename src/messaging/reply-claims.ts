/**
 * Claiming an update's kept replies once (processed_updates.delivered_at), for an adapter that may
 * answer the same update from several places: the request that is still waiting, a retry of it on
 * another instance, or a customer-service message once the waiting is over (bots/wechat-mp). Whoever
 * claims first sends; everyone else stays silent.
 */
import { and, eq, isNotNull, isNull } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { processedUpdates, type Platform } from '../db/schema.js';
import type { Reply } from '../domain/messages.js';

/** The update's kept replies, marked delivered in the same statement; undefined when already claimed (or none kept). */
export async function claimReplies(db: Db, platform: Platform, updateKey: string, at: Date): Promise<Reply[] | undefined> {
  const rows = await db
    .update(processedUpdates)
    .set({ deliveredAt: at })
    .where(and(eq(processedUpdates.platform, platform), eq(processedUpdates.updateKey, updateKey), isNotNull(processedUpdates.delivery), isNull(processedUpdates.deliveredAt)))
    .returning({ replies: processedUpdates.replies });
  return rows[0] ? ((rows[0].replies ?? []) as Reply[]) : undefined;
}
