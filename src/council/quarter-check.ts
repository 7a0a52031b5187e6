/**
 * The quarter checks: a quarter needs at least one consultation meeting held (with minutes). At the
 * quarter's midpoint (09:00 on its 45th day) and two weeks before its end, when no meeting of the quarter
 * is held and none is still to come, the chair unit's contact and the community's staff are reminded in
 * private, once per check (quarterly_chairs.meeting_reminder_at / meeting_late_reminder_at, claimed with
 * the messages and the audit row). A meeting that started without minutes is named: record them.
 */
import { and, asc, eq, gt } from 'drizzle-orm';
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
import { formatLocal } from '../domain/time.js';
import { meetingHeldIn } from './quarters-met.js';

export type QuarterCheck = 'mid' | 'late';

/** Whether the quarter needs no reminder at `now`: a meeting of it was held, or one is still to come. */
export async function quarterCheckSettled(db: Db | Tx, communityId: number, quarter: Quarter, now: Date): Promise<boolean> {
  if (await meetingHeldIn(db, communityId, quarter)) return true;
  const [ahead] = await db
    .select({ id: meetings.id })
    .from(meetings)
    .where(and(eq(meetings.communityId, communityId), eq(meetings.quarter, quarter), eq(meetings.status, 'scheduled'), gt(meetings.startsAt, now)))
    .limit(1);
  return Boolean(ahead);
}

/** A meeting of the quarter that started but has no minutes yet. */
async function startedWithoutMinutes(db: Db | Tx, communityId: number, quarter: Quarter) {
  const [m] = await db
    .select()
    .from(meetings)
    .where(and(eq(meetings.communityId, communityId), eq(meetings.quarter, quarter), eq(meetings.status, 'scheduled')))
    .orderBy(asc(meetings.startsAt))
    .limit(1);
  return m;
}

export async function remindMeetingDue(run: ScheduledRun, communityId: number, quarter: Quarter, check: QuarterCheck = 'mid'): Promise<ScheduledResult> {
  const { db, now } = run;
  return inTransaction(db, async (tx) => {
    const [community] = await tx.select().from(communities).where(eq(communities.id, communityId));
    if (!community) return { note: 'no community', queued: [] };
    if (await quarterCheckSettled(tx, community.id, quarter, now)) return { note: 'meeting held or ahead', queued: [] };
    const unheld = await startedWithoutMinutes(tx, community.id, quarter);
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
        dedupeKey: check === 'mid' ? outboxKeys.meetingDue(community.id, quarter, r.personId) : outboxKeys.meetingDueLate(community.id, quarter, r.personId),
        payload: {
          text:
            t(r.lang, check === 'mid' ? 'jobs.meetingDue' : 'jobs.meetingDueLate', { community: community.name, quarter: quarterLabel(r.lang, quarter), unit: unit.name }) +
            (unheld ? '\n' + t(r.lang, 'jobs.meetingNoMinutes', { id: unheld.id, when: formatLocal(unheld.startsAt, run.tz) }) : ''),
        },
      });
    }
    const queued = messages.map((m) => m.dedupeKey);

    const row = await lockQuarterlyChair(tx, community.id, quarter, unit.id);
    if (!row || (check === 'mid' ? row.meetingReminderAt : row.meetingLateReminderAt)) return { note: 'already reminded', queued };
    await tx.update(quarterlyChairs).set(check === 'mid' ? { meetingReminderAt: now } : { meetingLateReminderAt: now }).where(eq(quarterlyChairs.id, row.id));
    await writeOutbox(tx, messages);
    await tx.insert(auditLog).values({ communityId: community.id, action: 'chair.meeting_reminded', data: { quarter, check, unitId: row.unitId, recipients: messages.length }, at: now });
    return { note: `reminded ${messages.length}`, queued };
  });
}
