/** Reading: the list and one suggestion's whole story (never who voted or rated what). */
import { and, asc, count, desc, eq, notInArray } from 'drizzle-orm';
import { agendaItems, comments, meetings, persons, polls, progressUpdates, suggestions, STAGES, type Stage } from '../db/schema.js';
import { clip, MAX_MESSAGE, oneLine } from '../domain/text.js';
import { formatLocal } from '../domain/time.js';
import { getSuggestion, type CommandResult, type Ctx, type Suggestion } from '../kernel/context.js';
import { percent, satisfactionRate } from '../domain/outcome.js';
import { choicesOf, countsOf, formatCounts } from './poll.js';
import type { PollResult } from './close.js';
import { whistleStory } from '../whistle/story.js';

/** Accepts a stage by its code (`voting`) or its Chinese or English name (`表决中`). */
export function stageFromText(ctx: Ctx, text: string): Stage | undefined {
  const v = text.trim().toLowerCase().replace(/\s+/g, '_');
  if ((STAGES as readonly string[]).includes(v)) return v as Stage;
  return STAGES.find((s) => ctx.t(`stage.${s}`).toLowerCase().replace(/\s+/g, '_') === v || ctx.t(`stage.${s}`) === text.trim());
}

/** A stage as residents read it; a merged item names the item it was merged into (已合并到 #k). */
function stageName(ctx: Ctx, s: Pick<Suggestion, 'stage' | 'mergedInto'>): string {
  return s.stage === 'merged' && s.mergedInto ? ctx.t('stage.mergedInto', { k: s.mergedInto }) : ctx.t(`stage.${s.stage}`);
}

const LIST_LIMIT = 40;

export async function list(ctx: Ctx, stage: Stage | undefined, gridId?: number): Promise<CommandResult> {
  const where = and(eq(suggestions.communityId, ctx.community.id), stage ? eq(suggestions.stage, stage) : notInArray(suggestions.stage, ['withdrawn', 'merged']), gridId ? eq(suggestions.gridId, gridId) : undefined);
  const rows = await ctx.tx.select().from(suggestions).where(where).orderBy(desc(suggestions.number)).limit(LIST_LIMIT + 1);
  const [{ total }] = await ctx.tx.select({ total: count() }).from(suggestions).where(where);
  if (!rows.length) return { reply: { text: ctx.t('list.empty') } };
  const lines = [ctx.t('list.title', { filter: stage ? `（${ctx.t(`stage.${stage}`)}）` : '' })];
  let shown = 0;
  let length = lines[0].length;
  for (const s of rows.slice(0, LIST_LIMIT)) {
    const line = ctx.t('list.item', { n: s.number, stage: stageName(ctx, s), text: clip(oneLine(s.text), 40), supports: s.supportCount });
    if (length + line.length + 60 > MAX_MESSAGE) break;
    lines.push(line);
    length += line.length + 1;
    shown++;
  }
  if (Number(total) > shown) lines.push(ctx.t('list.more', { count: Number(total) - shown }));
  return { reply: { text: lines.join('\n') } };
}

export async function show(ctx: Ctx, n: number): Promise<CommandResult> {
  const s = await getSuggestion(ctx, n);
  const tz = ctx.tz;
  const [author] = await ctx.tx.select({ name: persons.displayName }).from(persons).where(eq(persons.id, s.authorId));
  const lines = [
    ctx.t('show.head', { n, stage: stageName(ctx, s), text: clip(s.text, 600) }),
    ctx.t('show.author', { name: author?.name ?? '?', when: formatLocal(s.createdAt, tz) }),
    ctx.t('show.supports', { count: s.supportCount, threshold: ctx.community.supportThreshold }),
  ];
  const [{ c }] = await ctx.tx.select({ c: count() }).from(comments).where(eq(comments.suggestionId, s.id));
  lines.push(ctx.t('show.comments', { count: Number(c) }));
  const recent = await ctx.tx
    .select({ text: comments.text, name: persons.displayName })
    .from(comments)
    .innerJoin(persons, eq(comments.personId, persons.id))
    .where(eq(comments.suggestionId, s.id))
    .orderBy(desc(comments.id))
    .limit(3);
  for (const r of recent.reverse()) lines.push(ctx.t('show.comment', { name: r.name, text: clip(oneLine(r.text), 80) }));
  const [item] = await ctx.tx.select({ item: agendaItems, meeting: meetings }).from(agendaItems).leftJoin(meetings, eq(agendaItems.meetingId, meetings.id)).where(eq(agendaItems.suggestionId, s.id));
  if (item) lines.push(ctx.t('show.agenda', { when: item.meeting ? `${formatLocal(item.meeting.startsAt, tz)} ${item.meeting.place}` : formatLocal(item.item.createdAt, tz) }));
  const allPolls = await ctx.tx.select().from(polls).where(eq(polls.suggestionId, s.id)).orderBy(asc(polls.id));
  const progress = await ctx.tx.select().from(progressUpdates).where(eq(progressUpdates.suggestionId, s.id)).orderBy(asc(progressUpdates.id));
  // Tell the story in time order: votes, then progress, then rating rounds.
  const events: { at: Date; order: number; line: string }[] = [];
  for (const p of allPolls) {
    let labels: string[];
    let counts: number[];
    const frozen = p.result as PollResult | null;
    if (p.status === 'closed' && frozen?.labels) {
      labels = frozen.labels;
      counts = frozen.counts;
    } else {
      labels = await choicesOf(ctx.tx, p.id);
      counts = await countsOf(ctx.tx, p, labels.length);
    }
    const status = p.status === 'open' ? ctx.t('show.open', { when: formatLocal(p.deadline, tz) }) : `${ctx.t('show.closed')}${p.outcome ? ' · ' + outcomeName(ctx, p.outcome) : ''}`;
    let line = ctx.t(p.kind === 'vote' ? 'show.poll' : 'show.rating', { status, counts: formatCounts(labels, counts) });
    if (p.kind === 'rating') line += ` · ${percent(satisfactionRate(counts))}`;
    events.push({ at: p.openedAt, order: p.kind === 'vote' ? 0 : 2, line });
  }
  for (const u of progress) events.push({ at: u.createdAt, order: 1, line: ctx.t('show.progress', { percent: u.percent, text: clip(oneLine(u.text), 120), when: formatLocal(u.createdAt, tz) }) });
  events.sort((a, b) => a.at.getTime() - b.at.getTime() || a.order - b.order);
  for (const e of events) lines.push(e.line);
  lines.push(...(await whistleStory(ctx.tx, s.id, tz, ctx.t)));
  return { reply: { text: lines.join('\n') } };
}

function outcomeName(ctx: Ctx, outcome: string): string {
  if (outcome === 'approved' || outcome === 'rejected' || outcome === 'evaluated') return ctx.t(`stage.${outcome}`);
  if (outcome === 'reopened') return ctx.t('show.reopened');
  return outcome;
}
