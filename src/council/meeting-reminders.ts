/**
 * Meeting reminders: 24 hours and 1 hour before a scheduled meeting, its chat (or, for a meeting set up
 * elsewhere, every group chat of the community) is reminded, in the community's language. A reminder
 * for a time the meeting no longer has, or past its use, sends nothing; each reminder goes once per
 * chat (its outbox key), with one audit row when it is first written.
 */
import { eq } from 'drizzle-orm';
import { auditLog, chats, communities, meetings } from '../db/schema.js';
import { t } from '../i18n/index.js';
import { groupChatsOf, type ScheduledResult, type ScheduledRun } from '../messaging/addresses.js';
import { outboxKeys, type MeetingOffset } from '../messaging/outbox-keys.js';
import { writeOutbox, type OutboxMessage } from '../messaging/outbox.js';
import { formatLocal } from '../domain/time.js';
import { inTransaction } from '../kernel/unit-of-work.js';

export type { MeetingOffset };

/** How long before a meeting each reminder goes. */
export const MEETING_OFFSETS: Record<MeetingOffset, number> = { '24h': 24 * 3600e3, '1h': 3600e3 };

export interface MeetingReminder {
  meetingId: number;
  before: MeetingOffset;
  /** The start time (ms) the reminder was planned for: a moved meeting's old reminders send nothing. */
  startsAt: number;
}

export async function remindMeeting(run: ScheduledRun, r: MeetingReminder): Promise<ScheduledResult> {
  const { db } = run;
  const now = run.now.getTime();
  return inTransaction(db, async (tx) => {
    const [m] = await tx.select().from(meetings).where(eq(meetings.id, r.meetingId));
    if (!m || m.status !== 'scheduled') return { note: 'no meeting', queued: [] };
    const starts = m.startsAt.getTime();
    if (starts !== r.startsAt) return { note: 'moved', queued: [] };
    if (now >= starts) return { note: 'too late', queued: [] };
    // A late 24-hour reminder is pointless once the 1-hour one is due.
    if (r.before === '24h' && now >= starts - MEETING_OFFSETS['1h']) return { note: 'superseded', queued: [] };

    const [community] = await tx.select({ lang: communities.lang }).from(communities).where(eq(communities.id, m.communityId));
    const targets = m.chatId
      ? await tx.select({ id: chats.id, platform: chats.platform, platformChatId: chats.platformChatId }).from(chats).where(eq(chats.id, m.chatId))
      : await groupChatsOf(tx, m.communityId);
    const lang = community?.lang ?? 'zh';
    const text = t(lang, r.before === '24h' ? 'jobs.meeting.24h' : 'jobs.meeting.1h', { id: m.id, time: formatLocal(m.startsAt, run.tz), place: m.place });
    const messages: OutboxMessage[] = targets.map((c) => ({
      platform: c.platform,
      platformChatId: c.platformChatId,
      dedupeKey: outboxKeys.meetingReminderToChat(m.id, m.startsAt, r.before, c.id),
      payload: { text },
    }));
    const written = await writeOutbox(tx, messages);
    if (written.length) {
      await tx.insert(auditLog).values({ communityId: m.communityId, action: 'meeting.reminded', data: { meetingId: m.id, before: r.before, chats: written.length }, at: run.now });
    }
    return { note: `reminded ${targets.length}`, queued: messages.map((x) => x.dedupeKey) };
  });
}
