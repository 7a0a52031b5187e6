/**
 * The bot's standing in a chat: inactive when it was removed, kicked or may not write there (told by a
 * my_chat_member update or a send refused with 403 / "not enough rights"), active again when added
 * back. Nothing is sent to an inactive chat (src/messaging/addresses.ts skips it). Idempotent: only a
 * change writes, with its audit row.
 */
import { and, asc, eq } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.js';
import { auditLog, chats, type Platform } from '../db/schema.js';

export async function setChatActive(tx: Tx, platform: Platform, platformChatId: string, active: boolean, reason: string | undefined, now: Date): Promise<boolean> {
  const [chat] = await tx.select().from(chats).where(and(eq(chats.platform, platform), eq(chats.platformChatId, platformChatId))).for('update');
  if (!chat || chat.kind !== 'group' || chat.active === active) return false;
  await tx
    .update(chats)
    .set(active ? { active, inactiveReason: null, inactiveSince: null } : { active, inactiveReason: reason ?? 'unknown', inactiveSince: now })
    .where(eq(chats.id, chat.id));
  await tx.insert(auditLog).values({ communityId: chat.communityId, action: active ? 'chat.active' : 'chat.inactive', data: { platform, chatId: chat.id, platformChatId, reason: reason ?? null }, at: now });
  return true;
}

export type Chat = typeof chats.$inferSelect;

/** A community's chats, active or not, in the order they were first seen (`yishi chats <slug>`). */
export async function chatsOf(db: Db | Tx, communityId: number): Promise<Chat[]> {
  return db.select().from(chats).where(eq(chats.communityId, communityId)).orderBy(asc(chats.id));
}
