/**
 * Anyone who writes in a bound chat is a resident of its community: ordinary chatter is not answered,
 * but its writer joins (with an audit row) the first time.
 */
import { and, eq } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.js';
import { auditLog, chats, type Platform } from '../db/schema.js';
import type { Chat } from '../kernel/context.js';
import { ensureMember, findIdentity, roleOf } from '../kernel/persons.js';

export async function findChat(db: Db | Tx, platform: Platform, platformChatId: string): Promise<Chat | undefined> {
  const [row] = await db.select().from(chats).where(and(eq(chats.platform, platform), eq(chats.platformChatId, platformChatId)));
  return row;
}

/** The bound community of a group chat, and whether the writer already has a role there (no write needed). */
export async function chatterNeedsJoin(db: Db, platform: Platform, platformChatId: string, platformUserId: string): Promise<number | undefined> {
  const chat = await findChat(db, platform, platformChatId);
  if (!chat?.communityId) return undefined;
  const identity = await findIdentity(db, platform, platformUserId);
  if (identity && (await roleOf(db, chat.communityId, identity.personId))) return undefined;
  return chat.communityId;
}

/** Makes the writer a resident of the community, audited once. */
export async function joinByChatter(tx: Tx, platform: Platform, communityId: number, sender: { platformUserId: string; displayName: string; lang?: string }, now: Date): Promise<void> {
  const { identity, joined } = await ensureMember(tx, platform, sender, communityId);
  if (joined)
    await tx.insert(auditLog).values({ communityId, actorId: identity.personId, action: 'member.joined', data: { platform, via: 'message' }, at: now });
}
