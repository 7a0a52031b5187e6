/** Staff statistics: counts per stage, turnout of closed votes, satisfaction, quarters without a meeting. */
import { and, count, eq, gte, inArray, lt } from 'drizzle-orm';
import { meetings, polls, suggestions, STAGES } from '../db/schema.js';
import { addQuarters, quarterEnd, quarterLabel, quarterOf, quarterStart, quartersBetween } from '../domain/time.js';
import { requireStaff, type CommandResult, type Ctx } from '../kernel/context.js';
import type { PollResult } from './close.js';
import { percent, pooledCounts, satisfactionRate } from '../domain/outcome.js';
import { resolveGrid } from '../org/grids.js';
import { whistleStatsLine } from '../whistle/figures.js';

export interface Stats {
  stages: Record<string, number>;
  closedVotes: number;
  turnout: number | undefined;
  ratingRounds: number;
  satisfaction: number | undefined;
  unmetQuarters: string[];
}

export async function computeStats(ctx: Ctx, gridId?: number): Promise<Stats> {
  const c = ctx.community;
  const rows = await ctx.tx.select({ stage: suggestions.stage, c: count() }).from(suggestions).where(and(eq(suggestions.communityId, c.id), gridId ? eq(suggestions.gridId, gridId) : undefined)).groupBy(suggestions.stage);
  const stages: Record<string, number> = {};
  for (const r of rows) stages[r.stage] = Number(r.c);
  const closed = await ctx.tx
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
  // Quarters since rotation start that have ended without a meeting held or scheduled in them.
  const unmetQuarters: string[] = [];
  if (c.rotationStart) {
    const current = quarterOf(ctx.now, ctx.tz);
    const n = quartersBetween(c.rotationStart, current);
    for (let k = 0; k < n; k++) {
      const q = addQuarters(c.rotationStart, k);
      const [{ m }] = await ctx.tx
        .select({ m: count() })
        .from(meetings)
        .where(and(eq(meetings.communityId, c.id), inArray(meetings.status, ['scheduled', 'held']), gte(meetings.startsAt, quarterStart(q, ctx.tz)), lt(meetings.startsAt, quarterEnd(q, ctx.tz))));
      if (Number(m) === 0) unmetQuarters.push(q);
    }
  }
  return {
    stages,
    closedVotes,
    turnout: eligible ? voters / eligible : undefined,
    ratingRounds: rounds.length,
    satisfaction: satisfactionRate(pooledCounts(rounds)),
    unmetQuarters,
  };
}

/** `/stats [grid]`: the community's figures, or one grid's; whistle figures included. */
export async function stats(ctx: Ctx, args = ''): Promise<CommandResult> {
  await requireStaff(ctx);
  const grid = args.trim() ? await resolveGrid(ctx.tx, ctx.community.id, args) : undefined;
  const st = await computeStats(ctx, grid?.id);
  const stageText = STAGES.filter((s) => st.stages[s]).map((s) => `${ctx.t(`stage.${s}`)} ${st.stages[s]}`).join(' · ') || ctx.t('stats.none');
  const lines = [
    ctx.t('stats.title', { name: ctx.community.name }) + (grid ? ctx.t('whistle.stats.grid', { grid: grid.name }) : ''),
    ctx.t('stats.stages', { stages: stageText }),
    ctx.t('stats.turnout', { polls: st.closedVotes, turnout: percent(st.turnout) }),
    ctx.t('stats.satisfaction', { polls: st.ratingRounds, rate: percent(st.satisfaction) }),
    ctx.t('stats.unmet', { count: st.unmetQuarters.length, list: st.unmetQuarters.length ? `（${st.unmetQuarters.slice(-8).map((q) => quarterLabel(ctx.lang, q)).join('、')}）` : '' }),
    await whistleStatsLine(ctx, grid?.id),
  ];
  return { reply: { text: lines.join('\n') } };
}
