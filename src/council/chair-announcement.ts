/**
 * The quarterly chair announcement: at the start of each quarter, every group chat of the community is
 * told which council unit chairs it (in the community's language), and the unit's contact is told in
 * private (in their own). Once per quarter: quarterly_chairs.announced_at is claimed in the transaction
 * that writes the messages and the audit row.
 */
import { and, eq } from 'drizzle-orm';
import type { Tx } from '../db/client.js';
import { auditLog, communities, quarterlyChairs } from '../db/schema.js';
import { t } from '../i18n/index.js';
import { contactAddress, groupChatsOf, type ScheduledResult, type ScheduledRun } from '../messaging/addresses.js';
import { outboxKeys } from '../messaging/outbox-keys.js';
import { writeOutbox, type OutboxMessage } from '../messaging/outbox.js';
import { quarterLabel, quarterOf, type Quarter } from '../domain/time.js';
import { chairOfQuarter, unitsInOrder } from '../kernel/rotation.js';
import { inTransaction } from '../kernel/unit-of-work.js';

/**
 * The quarter's row of a community's chair, created if missing and locked: the once-per-quarter flags
 * (announced_at, meeting_reminder_at) are claimed on it.
 */
export async function lockQuarterlyChair(tx: Tx, communityId: number, quarter: Quarter, unitId: number) {
  await tx.insert(quarterlyChairs).values({ communityId, quarter, unitId }).onConflictDoNothing();
  const [row] = await tx
    .select()
    .from(quarterlyChairs)
    .where(and(eq(quarterlyChairs.communityId, communityId), eq(quarterlyChairs.quarter, quarter)))
    .for('update');
  return row;
}

export async function announceChair(run: ScheduledRun, communityId: number): Promise<ScheduledResult> {
  const { db, now } = run;
  const quarter = quarterOf(now, run.tz);
  return inTransaction(db, async (tx) => {
    const [community] = await tx.select().from(communities).where(eq(communities.id, communityId));
    if (!community) return { note: 'no community', queued: [] };
    const unit = chairOfQuarter(await unitsInOrder(tx, community.id), community.rotationStart, quarter);
    if (!unit) return { note: 'no council', queued: [] };

    const groupChats = await groupChatsOf(tx, community.id);
    const params = (lang: string) => ({ community: community.name, quarter: quarterLabel(lang, quarter), unit: unit.name });
    const messages: OutboxMessage[] = groupChats.map((c) => ({
      platform: c.platform,
      platformChatId: c.platformChatId,
      dedupeKey: outboxKeys.chairToChat(community.id, quarter, c.id),
      payload: { text: t(community.lang, 'jobs.chair.announce', params(community.lang)) },
    }));
    const contact = await contactAddress(tx, unit, run.reachable);
    if (contact) {
      messages.push({
        platform: contact.platform,
        platformChatId: contact.platformChatId,
        dedupeKey: outboxKeys.chairToContact(community.id, quarter),
        payload: { text: t(contact.lang, 'jobs.chair.private', params(contact.lang)) },
      });
    }
    const queued = messages.map((m) => m.dedupeKey);

    const row = await lockQuarterlyChair(tx, community.id, quarter, unit.id);
    if (!row || row.announcedAt) return { note: 'already announced', queued };
    await tx.update(quarterlyChairs).set({ announcedAt: now }).where(eq(quarterlyChairs.id, row.id));
    await writeOutbox(tx, messages);
    await tx.insert(auditLog).values({
      communityId: community.id,
      action: 'chair.announced',
      data: { quarter, unitId: row.unitId, unit: unit.name, chats: groupChats.length, contact: Boolean(contact) },
      at: now,
    });
    return { note: `announced ${unit.name}`, queued };
  });
}
