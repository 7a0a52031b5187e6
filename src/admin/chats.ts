/** `yishi chats <slug>`: a community's chats and whether the bot may write there. */
import type { Db } from '../db/client.js';
import { requireCommunity } from '../org/communities.js';
import { chatsOf } from '../people/chat-state.js';

/** One line per chat: platform, id, title, grid, and active or inactive (why, since when). */
export async function chatsReport(db: Db, slug: string): Promise<string[]> {
  const community = await requireCommunity(db, slug);
  const rows = await chatsOf(db, community.id);
  if (!rows.length) return [`${community.slug}: no chats bound`];
  return [
    `${community.slug}: ${rows.length} chat(s)`,
    ...rows.map((c) => {
      const state = c.active ? 'active' : `inactive (${c.inactiveReason ?? 'unknown'}${c.inactiveSince ? ` since ${c.inactiveSince.toISOString()}` : ''})`;
      return `  ${c.platform}:${c.platformChatId}  ${state}  ${c.title ?? '(no title)'}${c.gridId ? `  grid ${c.gridId}` : ''}`;
    }),
  ];
}
