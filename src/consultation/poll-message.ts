/** Which platform message carries a poll's ballot, so live counts can be edited into it. */
import { eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { polls } from '../db/schema.js';

/** Delivery bookkeeping, not a consultation change: no audit row. */
export async function setPollMessage(db: Db, pollId: number, messageId: string): Promise<void> {
  await db.update(polls).set({ messageId }).where(eq(polls.id, pollId));
}
