/** 民事民议 -> 民事民决: the agenda, opening a vote, closing a vote or rating. */
import { and, asc, eq, gt } from 'drizzle-orm';
import { agendaItems, meetings } from '../db/schema.js';
import { getSuggestion, requireChairOrStaff, requireStage, setStage, type CommandResult, type Ctx } from '../kernel/context.js';
import { closeLockedPoll } from './close.js';
import { DEFAULT_VOTE_CHOICES } from '../domain/outcome.js';
import { openPoll, requireOpenPoll } from './poll.js';
import { formatLocal } from '../domain/time.js';
import { markAnswered } from '../kernel/answered.js';

/** The chair or staff put a raised or supported suggestion on the consultation agenda. */
export async function agenda(ctx: Ctx, n: number): Promise<CommandResult> {
  await requireChairOrStaff(ctx);
  const s = await getSuggestion(ctx, n, true);
  requireStage(ctx, s, ['raised', 'supported']);
  const [meeting] = await ctx.tx
    .select()
    .from(meetings)
    .where(and(eq(meetings.communityId, ctx.community.id), eq(meetings.status, 'scheduled'), gt(meetings.startsAt, ctx.now)))
    .orderBy(asc(meetings.startsAt))
    .limit(1);
  await ctx.tx
    .insert(agendaItems)
    .values({ suggestionId: s.id, meetingId: meeting?.id ?? null, addedBy: ctx.personId, createdAt: ctx.now })
    .onConflictDoUpdate({ target: agendaItems.suggestionId, set: { meetingId: meeting?.id ?? null, addedBy: ctx.personId } });
  await setStage(ctx, s, 'on_agenda');
  await markAnswered(ctx.tx, s.id, ctx.now);
  await ctx.audit('suggestion.on_agenda', { number: n, meetingId: meeting?.id ?? null }, s.id);
  const text = meeting
    ? ctx.t('agenda.meeting', { n, when: formatLocal(meeting.startsAt, ctx.tz), place: meeting.place })
    : ctx.t('agenda.ok', { n });
  return { reply: { text } };
}

/** The chair or staff open the vote: default choices 同意/反对/弃权, default 48 h. */
export async function openVote(ctx: Ctx, n: number, durationMs: number, choices: string[] | undefined): Promise<CommandResult> {
  await requireChairOrStaff(ctx);
  const s = await getSuggestion(ctx, n, true);
  requireStage(ctx, s, ['raised', 'supported', 'on_agenda']);
  const labels = choices ?? [...DEFAULT_VOTE_CHOICES];
  const { poll, reply } = await openPoll(ctx, s, 'vote', labels, durationMs);
  await setStage(ctx, s, 'voting');
  await markAnswered(ctx.tx, s.id, ctx.now);
  await ctx.audit('poll.opened', { number: n, pollId: poll.id, kind: 'vote', choices: labels, deadline: poll.deadline.toISOString() }, s.id);
  return { reply };
}

/** The chair or staff close the open vote or rating; the result is a new message. */
export async function close(ctx: Ctx, n: number): Promise<CommandResult> {
  await requireChairOrStaff(ctx);
  const s = await getSuggestion(ctx, n, true);
  const poll = await requireOpenPoll(ctx, s, 'update');
  ctx.audits.count++;
  const { reply } = await closeLockedPoll(ctx.tx, {
    poll,
    suggestion: s,
    community: ctx.community,
    now: ctx.now,
    lang: ctx.lang,
    actorId: ctx.personId,
    byDeadline: false,
    events: ctx.events,
  });
  return { reply, changedPollIds: [poll.id] };
}
