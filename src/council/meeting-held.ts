/**
 * A meeting that happens: check-in (签到) by anyone from 30 minutes before to 3 hours after the start,
 * once per person; the minutes (纪要) by the chair or staff after the start, which make the meeting held.
 * The minutes' message states attendance, the minutes and the items on its agenda.
 */
import { and, asc, count, eq } from 'drizzle-orm';
import { agendaItems, meetingCheckins, meetings, suggestions } from '../db/schema.js';
import { refuse } from '../domain/errors.js';
import { clip, oneLine } from '../domain/text.js';
import { formatLocal } from '../domain/time.js';
import { requireChairOrStaff, type CommandResult, type Ctx } from '../kernel/context.js';
import type { Meeting } from './meetings.js';

export const CHECKIN_BEFORE_MS = 30 * 60e3;
export const CHECKIN_AFTER_MS = 3 * 3600e3;

async function meetingOf(ctx: Ctx, id: number, lock = false): Promise<Meeting> {
  const q = ctx.tx.select().from(meetings).where(and(eq(meetings.id, id), eq(meetings.communityId, ctx.community.id)));
  const [m] = lock ? await q.for('update') : await q;
  if (!m || m.status === 'cancelled') return refuse('UNKNOWN_MEETING', { id });
  return m;
}

async function attendance(ctx: Ctx, meetingId: number): Promise<number> {
  const [{ c }] = await ctx.tx.select({ c: count() }).from(meetingCheckins).where(eq(meetingCheckins.meetingId, meetingId));
  return Number(c);
}

/** `/checkin <meeting id>`: once per person, inside the window. */
export async function checkIn(ctx: Ctx, id: number): Promise<CommandResult> {
  const m = await meetingOf(ctx, id);
  const t = ctx.now.getTime();
  const start = m.startsAt.getTime();
  if (t < start - CHECKIN_BEFORE_MS || t > start + CHECKIN_AFTER_MS) {
    return refuse('CHECKIN_CLOSED', { id, from: formatLocal(new Date(start - CHECKIN_BEFORE_MS), ctx.tz), to: formatLocal(new Date(start + CHECKIN_AFTER_MS), ctx.tz) });
  }
  const added = await ctx.tx.insert(meetingCheckins).values({ meetingId: m.id, personId: ctx.personId, at: ctx.now }).onConflictDoNothing().returning();
  if (!added.length) return refuse('ALREADY_CHECKED_IN', { id });
  const n = await attendance(ctx, m.id);
  await ctx.audit('meeting.checked_in', { meetingId: m.id, attendance: n });
  return { reply: { text: ctx.t('meeting.checkedIn', { name: ctx.displayName, id: m.id, count: n }) } };
}

/** `/minutes <meeting id> <text>`: the chair or staff, after the start; the meeting becomes held. */
export async function recordMinutes(ctx: Ctx, id: number, text: string): Promise<CommandResult> {
  await requireChairOrStaff(ctx);
  const m = await meetingOf(ctx, id, true);
  if (m.status === 'held') return refuse('MEETING_HELD', { id });
  if (ctx.now.getTime() < m.startsAt.getTime()) return refuse('MEETING_NOT_STARTED', { id, when: formatLocal(m.startsAt, ctx.tz) });
  await ctx.tx.update(meetings).set({ status: 'held', minutes: text, heldAt: ctx.now, heldBy: ctx.personId }).where(eq(meetings.id, m.id));
  const n = await attendance(ctx, m.id);
  const items = await ctx.tx
    .select({ n: suggestions.number, text: suggestions.text })
    .from(agendaItems)
    .innerJoin(suggestions, eq(suggestions.id, agendaItems.suggestionId))
    .where(eq(agendaItems.meetingId, m.id))
    .orderBy(asc(suggestions.number));
  ctx.emit({ type: 'meeting.held', meetingId: m.id });
  await ctx.audit('meeting.held', { meetingId: m.id, quarter: m.quarter, attendance: n, items: items.map((i) => i.n), minutes: text });
  const lines = [
    ctx.t('meeting.held', { id: m.id, when: formatLocal(m.startsAt, ctx.tz), place: m.place, count: n }),
    ctx.t('meeting.minutes', { text }),
    items.length ? ctx.t('meeting.items', { items: items.map((i) => `#${i.n} ${clip(oneLine(i.text), 40)}`).join('；') }) : ctx.t('meeting.noItems'),
  ];
  return { reply: { text: lines.join('\n'), standalone: true } };
}
