/** Consultation meetings (协商议事会): schedule, move, cancel; and who chairs this quarter and next. */
import { and, asc, eq, gt, inArray, isNull } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.js';
import { agendaItems, meetings, suggestions } from '../db/schema.js';
import { MEETING_EXAMPLE } from '../domain/args.js';
import { refuse } from '../domain/errors.js';
import { formatLocal, quarterLabel, quarterOf } from '../domain/time.js';
import { requireChairOrStaff, type CommandResult, type Ctx } from '../kernel/context.js';
import { rotation } from '../kernel/rotation.js';

export type Meeting = typeof meetings.$inferSelect;

/** The next scheduled meeting of a community after `now`. */
export async function nextMeeting(db: Db | Tx, communityId: number, now: Date): Promise<Meeting | undefined> {
  const [m] = await db
    .select()
    .from(meetings)
    .where(and(eq(meetings.communityId, communityId), eq(meetings.status, 'scheduled'), gt(meetings.startsAt, now)))
    .orderBy(asc(meetings.startsAt))
    .limit(1);
  return m;
}

function requireFuture(ctx: Ctx, when: Date | undefined): Date {
  if (!when || when.getTime() <= ctx.now.getTime()) return refuse('BAD_DATE', { example: MEETING_EXAMPLE });
  return when;
}

export async function scheduleMeeting(ctx: Ctx, when: Date | undefined, place: string): Promise<CommandResult> {
  await requireChairOrStaff(ctx);
  const startsAt = requireFuture(ctx, when);
  const [m] = await ctx.tx
    .insert(meetings)
    .values({ communityId: ctx.community.id, quarter: quarterOf(startsAt, ctx.tz), startsAt, place, chatId: ctx.chat?.id, createdBy: ctx.personId, createdAt: ctx.now })
    .returning();
  // Suggestions put on the agenda while no meeting was scheduled go to this one.
  const waiting = await ctx.tx
    .select({ id: agendaItems.id })
    .from(agendaItems)
    .innerJoin(suggestions, eq(agendaItems.suggestionId, suggestions.id))
    .where(and(isNull(agendaItems.meetingId), eq(suggestions.communityId, ctx.community.id), eq(suggestions.stage, 'on_agenda')));
  if (waiting.length) await ctx.tx.update(agendaItems).set({ meetingId: m.id }).where(inArray(agendaItems.id, waiting.map((w) => w.id)));
  await ctx.audit('meeting.scheduled', { meetingId: m.id, startsAt: startsAt.toISOString(), place, agendaItems: waiting.length });
  ctx.emit({ type: 'meeting.scheduled', meetingId: m.id });
  return { reply: { text: ctx.t('meeting.ok', { id: m.id, when: formatLocal(startsAt, ctx.tz), place }) } };
}

async function scheduledMeeting(ctx: Ctx, id: number): Promise<Meeting> {
  const [m] = await ctx.tx.select().from(meetings).where(and(eq(meetings.id, id), eq(meetings.communityId, ctx.community.id))).for('update');
  if (!m || m.status !== 'scheduled') return refuse('UNKNOWN_MEETING', { id });
  return m;
}

export async function moveMeeting(ctx: Ctx, id: number, when: Date | undefined): Promise<CommandResult> {
  await requireChairOrStaff(ctx);
  const startsAt = requireFuture(ctx, when);
  const m = await scheduledMeeting(ctx, id);
  await ctx.tx.update(meetings).set({ startsAt, quarter: quarterOf(startsAt, ctx.tz) }).where(eq(meetings.id, id));
  await ctx.audit('meeting.moved', { meetingId: id, from: m.startsAt.toISOString(), startsAt: startsAt.toISOString() });
  ctx.emit({ type: 'meeting.moved', meetingId: id });
  return { reply: { text: ctx.t('meeting.moved', { id, when: formatLocal(startsAt, ctx.tz), place: m.place }) } };
}

export async function cancelMeeting(ctx: Ctx, id: number): Promise<CommandResult> {
  await requireChairOrStaff(ctx);
  const m = await scheduledMeeting(ctx, id);
  await ctx.tx.update(meetings).set({ status: 'cancelled' }).where(eq(meetings.id, id));
  await ctx.audit('meeting.cancelled', { meetingId: id });
  ctx.emit({ type: 'meeting.cancelled', meetingId: id });
  return { reply: { text: ctx.t('meeting.cancelled', { id, when: formatLocal(m.startsAt, ctx.tz) }) } };
}

/** `/chair`: this quarter's chair unit, the next one, the next meeting. */
export async function chairInfo(ctx: Ctx): Promise<CommandResult> {
  const chairs = await rotation(ctx.tx, ctx.community.id, ctx.now, ctx.tz, 2);
  const lines: string[] = [];
  if (!chairs.length) lines.push(ctx.t('chair.none'));
  else {
    lines.push(ctx.t('chair.current', { quarter: quarterLabel(ctx.lang, chairs[0].quarter), unit: chairs[0].unit.name }));
    if (chairs[1]) lines.push(ctx.t('chair.next', { quarter: quarterLabel(ctx.lang, chairs[1].quarter), unit: chairs[1].unit.name }));
  }
  const m = await nextMeeting(ctx.tx, ctx.community.id, ctx.now);
  lines.push(m ? ctx.t('chair.meeting', { when: formatLocal(m.startsAt, ctx.tz), place: m.place, id: m.id }) : ctx.t('chair.noMeeting'));
  return { reply: { text: lines.join('\n') } };
}
