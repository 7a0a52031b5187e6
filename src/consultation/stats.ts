/** Staff statistics: counts per stage, turnout of closed votes, satisfaction, unanswered items, quarters without a held meeting. */
import { and, asc, count, eq, inArray, isNull, lte } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.js';
import { polls, suggestions, STAGES } from '../db/schema.js';
import { requireStaff, type CommandResult, type Community, type Ctx } from '../kernel/context.js';
import type { PollResult } from './close.js';
import { percent, pooledCounts, satisfactionRate } from '../domain/outcome.js';
import { resolveGrid } from '../org/grids.js';
import { whistleStatsLine } from '../whistle/figures.js';
import { quartersMet, type QuarterMet } from '../council/quarters-met.js';
import { quarterLabel } from '../domain/time.js';
import { UNANSWERED_STAGES } from '../kernel/answered.js';
import { t, type Lang, type MessageKey, type Params } from '../i18n/index.js';

export interface Stats {
  stages: Record<string, number>;
  closedVotes: number;
  turnout: number | undefined;
  ratingRounds: number;
  satisfaction: number | undefined;
  /** Every quarter run so far with whether a meeting was held in it (the running one last). */
  quarters: QuarterMet[];
  /** The quarters without a held meeting, the running one included until one is held. */
  unmetQuarters: string[];
  /** Numbers of raised items past the community's answer time with no staff answer. */
  unanswered: number[];
}

/** The numbers of a community's items past its answer time with no answer (they count as unanswered until answered). */
export async function unansweredItems(db: Db | Tx, community: Pick<Community, 'id' | 'answerWithinMinutes'>, now: Date, gridId?: number): Promise<number[]> {
  const since = new Date(now.getTime() - community.answerWithinMinutes * 60e3);
  const rows = await db
    .select({ n: suggestions.number })
    .from(suggestions)
    .where(and(
      eq(suggestions.communityId, community.id),
      isNull(suggestions.answeredAt),
      inArray(suggestions.stage, [...UNANSWERED_STAGES]),
      lte(suggestions.createdAt, since),
      gridId ? eq(suggestions.gridId, gridId) : undefined,
    ))
    .orderBy(asc(suggestions.number));
  return rows.map((r) => r.n);
}

export async function statsOf(db: Db | Tx, c: Community, now: Date, tz: string, gridId?: number): Promise<Stats> {
  const rows = await db.select({ stage: suggestions.stage, c: count() }).from(suggestions).where(and(eq(suggestions.communityId, c.id), gridId ? eq(suggestions.gridId, gridId) : undefined)).groupBy(suggestions.stage);
  const stages: Record<string, number> = {};
  for (const r of rows) stages[r.stage] = Number(r.c);
  const closed = await db
    .select({ kind: polls.kind, result: polls.result })
    .from(polls)
    .innerJoin(suggestions, eq(polls.suggestionId, suggestions.id))
    .where(and(eq(suggestions.communityId, c.id), eq(polls.status, 'closed'), gridId ? eq(suggestions.gridId, gridId) : undefined));
  let voters = 0;
  let eligible = 0;
  let closedVotes = 0;
  const rounds: number[][] = [];
  for (const p of closed) {
    const r = p.result as PollResult | null;
    if (!r) continue;
    if (p.kind === 'vote') {
      closedVotes++;
      voters += r.total;
      eligible += r.members;
    } else {
      rounds.push(r.counts);
    }
  }
  const quarters = await quartersMet(db, c, now, tz);
  return {
    stages,
    closedVotes,
    turnout: eligible ? voters / eligible : undefined,
    ratingRounds: rounds.length,
    satisfaction: satisfactionRate(pooledCounts(rounds)),
    quarters,
    unmetQuarters: quarters.filter((q) => !q.met).map((q) => q.quarter),
    unanswered: await unansweredItems(db, c, now, gridId),
  };
}

export const computeStats = (ctx: Ctx, gridId?: number): Promise<Stats> => statsOf(ctx.tx, ctx.community, ctx.now, ctx.tz, gridId);

/** The unmet quarters as people read them (quarterLabel), the running one marked as not yet held: the latest eight. */
export function unmetText(lang: Lang, quarters: QuarterMet[]): string {
  const unmet = quarters.filter((q) => !q.met).slice(-8);
  return unmet.map((q) => (q.running ? t(lang, 'stats.running', { quarter: quarterLabel(lang, q.quarter) }) : quarterLabel(lang, q.quarter))).join('、');
}

/** The per-stage counts as one line: `已提出 2 · 已附议 1`. */
export function stagesText(tr: (key: MessageKey, params?: Params) => string, stages: Record<string, number>): string {
  return STAGES.filter((s) => stages[s]).map((s) => `${tr(`stage.${s}`)} ${stages[s]}`).join(' · ') || tr('stats.none');
}

/** `/stats [grid]`: the community's figures, or one grid's; whistle figures included. */
export async function stats(ctx: Ctx, args = ''): Promise<CommandResult> {
  await requireStaff(ctx);
  const grid = args.trim() ? await resolveGrid(ctx.tx, ctx.community.id, args) : undefined;
  const st = await computeStats(ctx, grid?.id);
  const unmet = st.unmetQuarters.length;
  const lines = [
    ctx.t('stats.title', { name: ctx.community.name }) + (grid ? ctx.t('whistle.stats.grid', { grid: grid.name }) : ''),
    ctx.t('stats.stages', { stages: stagesText(ctx.t, st.stages) }),
    ctx.t('stats.turnout', { polls: st.closedVotes, turnout: percent(st.turnout) }),
    ctx.t('stats.satisfaction', { polls: st.ratingRounds, rate: percent(st.satisfaction) }),
    ctx.t('stats.unanswered', { count: st.unanswered.length, list: st.unanswered.length ? `（${st.unanswered.slice(0, 10).map((n) => `#${n}`).join(' ')}）` : '' }),
    ctx.t('stats.unmet', { count: unmet, list: unmet ? `（${unmetText(ctx.lang, st.quarters)}）` : '' }),
    await whistleStatsLine(ctx, grid?.id),
  ];
  return { reply: { text: lines.join('\n') } };
}

