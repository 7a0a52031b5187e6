/**
 * Read-only questions adapters ask about stored state (through the core's query port, src/core/queries.ts):
 * where a ballot message is, what kind of poll it carries, whether a chat is a group. Nothing here writes.
 */
import { and, eq, isNotNull } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { chats, pollPosts, polls, suggestions, type Platform } from '../db/schema.js';

/** The platform message that carries a poll's ballot, once an adapter remembered it. */
export async function pollMessage(db: Db, pollId: number): Promise<{ platform: Platform; platformChatId: string; messageId: string } | undefined> {
  const [row] = await db
    .select({ platform: chats.platform, platformChatId: chats.platformChatId, messageId: polls.messageId })
    .from(polls)
    .innerJoin(chats, eq(chats.id, polls.chatId))
    .where(eq(polls.id, pollId))
    .limit(1);
  return row?.messageId ? { platform: row.platform, platformChatId: row.platformChatId, messageId: row.messageId } : undefined;
}

/**
 * Every platform message that carries a poll's ballot: its own chat's and those of the other chats of its
 * community it was posted to (src/consultation/poll-posts.ts), once their adapters remembered them.
 */
export async function pollMessages(db: Db, pollId: number): Promise<{ platform: Platform; platformChatId: string; messageId: string }[]> {
  const own = await pollMessage(db, pollId);
  const rows = await db
    .select({ platform: chats.platform, platformChatId: chats.platformChatId, messageId: pollPosts.messageId })
    .from(pollPosts)
    .innerJoin(chats, eq(chats.id, pollPosts.chatId))
    .where(and(eq(pollPosts.pollId, pollId), isNotNull(pollPosts.messageId)));
  const out = own ? [own] : [];
  for (const r of rows) if (!out.some((m) => m.platform === r.platform && m.platformChatId === r.platformChatId)) out.push({ ...r, messageId: r.messageId! });
  return out;
}

/** A poll's kind and the number of its suggestion. */
export async function pollInfo(db: Db, pollId: number): Promise<{ kind: 'vote' | 'rating'; suggestionNumber: number } | undefined> {
  const [row] = await db
    .select({ kind: polls.kind, suggestionNumber: suggestions.number })
    .from(polls)
    .innerJoin(suggestions, eq(suggestions.id, polls.suggestionId))
    .where(eq(polls.id, pollId))
    .limit(1);
  return row;
}

/** 'group' or 'private' for a chat the core has stored; undefined for one it never saw. */
export async function chatKind(db: Db, platform: Platform, platformChatId: string): Promise<'group' | 'private' | undefined> {
  const [row] = await db
    .select({ kind: chats.kind })
    .from(chats)
    .where(and(eq(chats.platform, platform), eq(chats.platformChatId, platformChatId)))
    .limit(1);
  return row?.kind;
}
