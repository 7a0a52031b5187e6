/** Which platform messages carry a poll's ballot, so live counts can be edited into each. */
import { and, eq, exists, inArray } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { chats, pollPosts, polls } from '../db/schema.js';

/**
 * Delivery bookkeeping, not a consultation change: no audit row. Only a message posted in one of the
 * poll's chats as they are now counts (its own chat, or a chat of its community it was posted to): a
 * send to a group's old id, answered after the group moved to a new id, must not replace the ballot
 * posted again there.
 */
export async function setPollMessage(db: Db, pollId: number, platformChatId: string, messageId: string): Promise<void> {
  const inPollChat = db
    .select({ one: chats.id })
    .from(chats)
    .where(and(eq(chats.id, polls.chatId), eq(chats.platformChatId, platformChatId)));
  await db.update(polls).set({ messageId }).where(and(eq(polls.id, pollId), exists(inPollChat)));
  const chatIds = db.select({ id: chats.id }).from(chats).where(eq(chats.platformChatId, platformChatId));
  await db.update(pollPosts).set({ messageId }).where(and(eq(pollPosts.pollId, pollId), inArray(pollPosts.chatId, chatIds)));
}
