/** Which platform message carries a poll's ballot, so live counts can be edited into it. */
import { and, eq, exists } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { chats, polls } from '../db/schema.js';

/**
 * Delivery bookkeeping, not a consultation change: no audit row. Only a message posted in the poll's
 * chat as it is now counts: a send to a group's old id, answered after the group moved to a new id,
 * must not replace the ballot posted again there.
 */
export async function setPollMessage(db: Db, pollId: number, platformChatId: string, messageId: string): Promise<void> {
  const inPollChat = db
    .select({ one: chats.id })
    .from(chats)
    .where(and(eq(chats.id, polls.chatId), eq(chats.platformChatId, platformChatId)));
  await db.update(polls).set({ messageId }).where(and(eq(polls.id, pollId), exists(inPollChat)));
}
