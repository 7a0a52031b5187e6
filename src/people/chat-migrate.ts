/**
 * A group upgraded to a supergroup gets a new chat id (Telegram: migrate_to_chat_id /
 * migrate_from_chat_id). The chat row keeps its id and takes the new platform id, so its binding, the
 * suggestions, open polls (and their ballots) and meetings that point at it follow; pending outbox
 * rows are readdressed. Idempotent: a second call (the other service message, or a send answered
 * "migrated") finds nothing left under the old id and changes nothing.
 */
import { and, eq } from 'drizzle-orm';
import type { Tx } from '../db/client.js';
import { auditLog, chats, outboundMessages, polls, type Platform } from '../db/schema.js';
import { savepoint } from '../kernel/unit-of-work.js';

export interface ChatMigration {
  /** The open polls of the chat: their ballots are posted again in the new chat. */
  openPollIds: number[];
}

export async function migrateChat(tx: Tx, platform: Platform, fromChatId: string, toChatId: string, now: Date): Promise<ChatMigration> {
  if (fromChatId === toChatId) return { openPollIds: [] };
  const [old] = await tx.select().from(chats).where(and(eq(chats.platform, platform), eq(chats.platformChatId, fromChatId))).for('update');
  // Pending messages follow even for a chat the core never stored (the jobs may have queued to it).
  const moved = await tx
    .update(outboundMessages)
    .set({ platformChatId: toChatId })
    .where(and(eq(outboundMessages.platform, platform), eq(outboundMessages.platformChatId, fromChatId), eq(outboundMessages.status, 'pending')))
    .returning({ id: outboundMessages.id });
  if (!old) return { openPollIds: [] };
  const [twin] = await tx.select().from(chats).where(and(eq(chats.platform, platform), eq(chats.platformChatId, toChatId))).for('update');
  if (twin) {
    // A row for the new id written before the migration was seen (an unbound group): the old row wins
    // when nothing points at the twin; otherwise both stay and the audit row says so.
    try {
      await savepoint(tx, async (sp) => {
        await sp.delete(chats).where(eq(chats.id, twin.id));
      });
    } catch {
      await tx.insert(auditLog).values({ communityId: old.communityId, action: 'chat.migrate_conflict', data: { platform, from: fromChatId, to: toChatId, chatId: old.id, twinId: twin.id }, at: now });
      return { openPollIds: [] };
    }
  }
  await tx
    .update(chats)
    .set({ platformChatId: toChatId, kind: 'group', active: true, inactiveReason: null, inactiveSince: null })
    .where(eq(chats.id, old.id));
  const open = await tx.select({ id: polls.id }).from(polls).where(and(eq(polls.chatId, old.id), eq(polls.status, 'open')));
  // The ballot messages stay in the old chat's history: forget them until posted again.
  if (open.length) await tx.update(polls).set({ messageId: null }).where(and(eq(polls.chatId, old.id), eq(polls.status, 'open')));
  await tx.insert(auditLog).values({
    communityId: old.communityId,
    action: 'chat.migrated',
    data: { platform, chatId: old.id, from: fromChatId, to: toChatId, openPolls: open.map((p) => p.id), outboxMoved: moved.length },
    at: now,
  });
  return { openPollIds: open.map((p) => p.id) };
}

