/**
 * Every suggestion answered (社区通's "every post answered"): the first staff answer (a staff comment,
 * the agenda, a whistle, progress, a vote) or the author's withdrawal is recorded once on the item. A raised
 * suggestion without one is reminded and escalated by src/consultation/answer-time.ts. One home for
 * what "unanswered" means: UNANSWERED_STAGES and answered_at null.
 */
import { and, eq, isNull } from 'drizzle-orm';
import type { Tx } from '../db/client.js';
import { suggestions, type Stage } from '../db/schema.js';

/** Stages in which an item still waits for an answer (a merged or withdrawn item, or one on the agenda, does not). */
export const UNANSWERED_STAGES: readonly Stage[] = ['raised', 'supported'];

/** Records the item's first answer, if it has none yet. */
export async function markAnswered(tx: Tx, suggestionId: number, now: Date): Promise<void> {
  await tx.update(suggestions).set({ answeredAt: now }).where(and(eq(suggestions.id, suggestionId), isNull(suggestions.answeredAt)));
}
