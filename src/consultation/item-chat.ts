/** Where an item's messages go when nobody asked in a chat (a staff action on the web page). */
import { and, asc, eq, isNotNull } from 'drizzle-orm';
import type { Tx } from '../db/client.js';
import { chats, suggestions } from '../db/schema.js';
import type { Chat, Community } from '../kernel/context.js';

/**
 * The group chat an item's messages go to: where it was raised (in its forum topic, if it was raised in
 * one), else the community's first bound group.
 */
export async function itemChat(tx: Tx, community: Community, n: number): Promise<{ chat?: Chat; threadId?: string }> {
  const [s] = await tx.select({ chatId: suggestions.chatId, threadId: suggestions.threadId }).from(suggestions).where(and(eq(suggestions.communityId, community.id), eq(suggestions.number, n)));
  if (s?.chatId) {
    const [c] = await tx.select().from(chats).where(eq(chats.id, s.chatId));
    if (c?.communityId === community.id) return { chat: c, ...(s.threadId ? { threadId: s.threadId } : {}) };
  }
  const [c] = await tx
    .select()
    .from(chats)
    .where(and(eq(chats.communityId, community.id), eq(chats.kind, 'group'), isNotNull(chats.boundAt)))
    .orderBy(asc(chats.id))
    .limit(1);
  return { chat: c };
}
