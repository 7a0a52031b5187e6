/** Where an item's messages go when nobody asked in a chat (a staff action on the web page). */
import { and, asc, eq, isNotNull, like, not } from 'drizzle-orm';
import { isFollowersChat } from '../domain/platforms.js';
import type { Tx } from '../db/client.js';
import { chats, suggestions } from '../db/schema.js';
import type { Chat, Community } from '../kernel/context.js';

/**
 * The group chat an item's messages go to: where it was raised (in its forum topic, if it was raised in
 * one), else the community's first bound group. Never the Official Account's followers' chat: what goes
 * there reaches every follower, and its votes and results reach them anyway (poll-posts.ts).
 */
export async function itemChat(tx: Tx, community: Community, n: number): Promise<{ chat?: Chat; threadId?: string }> {
  const [s] = await tx.select({ chatId: suggestions.chatId, threadId: suggestions.threadId }).from(suggestions).where(and(eq(suggestions.communityId, community.id), eq(suggestions.number, n)));
  if (s?.chatId) {
    const [c] = await tx.select().from(chats).where(eq(chats.id, s.chatId));
    if (c?.communityId === community.id && !isFollowersChat(c.platformChatId)) return { chat: c, ...(s.threadId ? { threadId: s.threadId } : {}) };
  }
  const [c] = await tx
    .select()
    .from(chats)
    .where(and(eq(chats.communityId, community.id), eq(chats.kind, 'group'), isNotNull(chats.boundAt), not(and(eq(chats.platform, 'wechat-mp'), like(chats.platformChatId, 'c:%'))!)))
    .orderBy(asc(chats.id))
    .limit(1);
  return { chat: c };
}
