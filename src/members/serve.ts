/**
 * `/served <id> [hours] [note]` (已服务): the claimer reports the service, in the group or privately;
 * staff then confirm it into points or return it. Said in the need's group when reported elsewhere.
 */
import { and, eq } from 'drizzle-orm';
import { chats, communities, needClaims, persons } from '../db/schema.js';
import { refuse } from '../domain/errors.js';
import { writeOutbox } from '../messaging/outbox.js';
import type { CommandResult } from '../kernel/context.js';
import { t } from '../i18n/index.js';
import { auditIn, type Actor } from './actor.js';
import { loadNeed } from './needs.js';
import { memberOutboxKeys } from '../messaging/outbox-keys.js';

export async function reportServed(a: Actor, needId: number, hours: number | undefined, note: string | undefined, communityId?: number): Promise<CommandResult> {
  const need = await loadNeed(a.tx, needId, communityId);
  const [claim] = await a.tx.select().from(needClaims).where(and(eq(needClaims.needId, need.id), eq(needClaims.personId, a.personId))).for('update');
  if (!claim) return refuse('NOT_CLAIMER', { id: need.id });
  if (claim.status === 'abandoned') return refuse('CLAIM_ABANDONED', { id: need.id });
  if (claim.status !== 'claimed') return refuse('ALREADY_SERVED', { id: need.id });
  await a.tx.update(needClaims).set({ status: 'served', servedAt: a.now, hours: hours ?? null, note: note ?? null }).where(eq(needClaims.id, claim.id));
  await auditIn(a, need.communityId, 'need.served', { needId: need.id, claimId: claim.id, hours: hours ?? null, note: note ?? null });
  a.emit({ type: 'need.changed', needId: need.id });
  const [who] = await a.tx.select({ name: persons.displayName }).from(persons).where(eq(persons.id, a.personId));
  const say = (lang: string) => t(lang, 'need.served', { name: who?.name ?? '', id: need.id, hours: hours ?? '—' });
  if (need.chatId && need.chatId !== a.chatId) {
    const [chat] = await a.tx.select({ platform: chats.platform, platformChatId: chats.platformChatId, lang: communities.lang }).from(chats).innerJoin(communities, eq(communities.id, need.communityId)).where(eq(chats.id, need.chatId));
    if (chat) {
      const written = await writeOutbox(a.tx, [
        { platform: chat.platform, platformChatId: chat.platformChatId, dedupeKey: memberOutboxKeys.servedToChat(claim.id, a.now), payload: { text: say(chat.lang) } },
      ]);
      if (written.length) a.emit({ type: 'outbox.queued', dedupeKeys: written });
    }
  }
  return { reply: { text: say(a.lang) } };
}
