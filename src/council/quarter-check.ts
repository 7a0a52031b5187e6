/**
 * The 45th-day check: a quarter needs at least one consultation meeting. When none is scheduled by the
 * 45th day, the chair unit's contact and the community's staff are reminded in private, once per quarter
 * (quarterly_chairs.meeting_reminder_at, claimed with the messages and the audit row).
 */
import { and, eq, ne } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.js';
import { auditLog, communities, meetings, quarterlyChairs, roles } from '../db/schema.js';
import { t } from '../i18n/index.js';
import { contactAddress, privateAddressesOf, type ScheduledResult, type ScheduledRun } from '../messaging/addresses.js';
import { outboxKeys } from '../messaging/outbox-keys.js';
import { writeOutbox, type OutboxMessage } from '../messaging/outbox.js';
import { quarterLabel, type Quarter } from '../domain/time.js';
import { lockQuarterlyChair } from './chair-announcement.js';
import { chairOfQuarter, unitsInOrder } from '../kernel/rotation.js';
import { inTransaction } from '../kernel/unit-of-work.js';

/** Whether the community has a meeting (scheduled or held, not cancelled) in `quarter`. */
export async function meetingScheduledIn(db: Db | Tx, communityId: number, quarter: Quarter): Promise<boolean> {
  const [meeting] = await db
    .select({ id: meetings.id })
    .from(meetings)
    .where(and(eq(meetings.communityId, communityId), eq(meetings.quarter, quarter), ne(meetings.status, 'cancelled')))
    .limit(1);
  return Boolean(meeting);
}

export async function remindMeetingDue(run: ScheduledRun, communityId: number, quarter: Quarter): Promise<ScheduledResult> {
  const { db, now } = run;
  return inTransaction(db, async (tx) => {
    const [community] = await tx.select().from(communities).where(eq(communities.id, communityId));
    if (!community) return { note: 'no community', queued: [] };
    if (await meetingScheduledIn(tx, community.id, quarter)) return { note: 'meeting scheduled', queued: [] };
    const unit = chairOfQuarter(await unitsInOrder(tx, community.id), community.rotationStart, quarter);
    if (!unit) return { note: 'no council', queued: [] };

    const staff = await tx.select({ personId: roles.personId }).from(roles).where(and(eq(roles.communityId, community.id), eq(roles.role, 'staff')));
    const contact = await contactAddress(tx, unit, run.reachable);
    const recipients = [...(contact ? [contact] : []), ...(await privateAddressesOf(tx, staff.map((s) => s.personId), run.reachable))];
    const seen = new Set<string>();
    const messages: OutboxMessage[] = [];
    for (const r of recipients) {
      const where = `${r.platform}\u0000${r.platformChatId}`;
      if (seen.has(where)) continue;
      seen.add(where);
      messages.push({
        platform: r.platform,
        platformChatId: r.platformChatId,
        dedupeKey: outboxKeys.meetingDue(community.id, quarter, r.personId),
        payload: { text: t(r.lang, 'jobs.meetingDue', { community: community.name, quarter: quarterLabel(r.lang, quarter), unit: unit.name }) },
      });
    }
    const queued = messages.map((m) => m.dedupeKey);

    const row = await lockQuarterlyChair(tx, community.id, quarter, unit.id);
    if (!row || row.meetingReminderAt) return { note: 'already reminded', queued };
    await tx.update(quarterlyChairs).set({ meetingReminderAt: now }).where(eq(quarterlyChairs.id, row.id));
    await writeOutbox(tx, messages);
    await tx.insert(auditLog).values({ communityId: community.id, action: 'chair.meeting_reminded', data: { quarter, unitId: row.unitId, recipients: messages.length }, at: now });
    return { note: `reminded ${messages.length}`, queued };
  });
}
