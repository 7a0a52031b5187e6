/**
 * `/points` (积分): a member's own balance, privately. `/ranking [community] [2026Q4|2026] [units]`
 * (排名): staff's rankings per quarter or year — in a group only where the community's rules allow it
 * (its top N), privately always.
 */
import { and, eq } from 'drizzle-orm';
import { communities, partyMembers, roles } from '../db/schema.js';
import { parsePeriod, periodLabel, type Period } from '../domain/points.js';
import { refuse } from '../domain/errors.js';
import { clip, oneLine } from '../domain/text.js';
import { quarterLabel, quarterOf, formatLocal, zonedParts } from '../domain/time.js';
import type { MessageKey, Params } from '../i18n/index.js';
import type { CommandResult, Ctx } from '../kernel/context.js';
import type { PersonCtx } from '../kernel/person-context.js';
import { communityByName } from '../org/communities.js';
import { isAreaStaff } from '../org/staff.js';
import { rulesOf } from './rules.js';
import { latestEntries, periodRange, personStandings, unitStandings } from './standings.js';

type Tr = (key: MessageKey, params?: Params) => string;

/** `/points` privately: totals this quarter, this year and all time, the quarter's rank, the latest entries. */
export async function pointsPrivately(ctx: PersonCtx): Promise<CommandResult> {
  const [member] = await ctx.tx.select({ m: partyMembers, community: communities.name }).from(partyMembers).innerJoin(communities, eq(communities.id, partyMembers.communityId)).where(eq(partyMembers.personId, ctx.personId));
  if (!member) return { reply: { text: ctx.t('points.notMember') } };
  if (member.m.status !== 'confirmed') return { reply: { text: ctx.t('points.pending', { community: member.community }) } };
  const quarter = quarterOf(ctx.now, ctx.tz);
  const year = zonedParts(ctx.now, ctx.tz).year;
  const communityId = member.m.communityId;
  const kind = member.m.kind;
  const inQuarter = await personStandings(ctx.tx, communityId, periodRange({ kind: 'quarter', quarter }, ctx.tz), kind);
  const inYear = await personStandings(ctx.tx, communityId, periodRange({ kind: 'year', year }, ctx.tz), kind);
  const allTime = await personStandings(ctx.tx, communityId, undefined, kind);
  const mine = (rows: typeof allTime) => rows.find((r) => r.personId === ctx.personId);
  const q = mine(inQuarter);
  const lines = [
    ctx.t('points.mine', {
      community: member.community,
      quarter: quarterLabel(ctx.lang, quarter),
      q: q?.points ?? 0,
      rank: q?.rank ?? '—',
      of: inQuarter.length,
      year,
      y: mine(inYear)?.points ?? 0,
      total: mine(allTime)?.points ?? 0,
    }),
  ];
  const latest = await latestEntries(ctx.tx, ctx.personId, 5);
  if (latest.length) lines.push(ctx.t('points.latest'), ...latest.map((e) => ctx.t('points.entry', { at: formatLocal(e.at, ctx.tz), kind: ctx.t(`points.kind.${e.kind}`), points: e.points > 0 ? `+${e.points}` : String(e.points), need: e.needId ? `N${e.needId}` : '—' })));
  return { reply: { text: lines.join('\n') } };
}

interface RankingArgs {
  slug?: string;
  period?: Period;
  units: boolean;
}

/** `[community] [quarter or year] [units]`, in any order: a word that is no period nor `单位` names the community (its name or slug). */
function rankingArgs(args: string): RankingArgs {
  const out: RankingArgs = { units: false };
  for (const w of args.split(/\s+/).filter(Boolean)) {
    const p = parsePeriod(w);
    if (p && !out.period) out.period = p;
    else if (/^(units?|单位)$/i.test(w)) out.units = true;
    else if (!out.slug && !/^\d/.test(w)) out.slug = w;
    else refuse('BAD_CHOICE', { choices: 'example.rankingChoices' });
  }
  return out;
}

function renderRanking(tr: Tr, lang: string, community: string, a: RankingArgs, period: Period, rows: Awaited<ReturnType<typeof personStandings>> | Awaited<ReturnType<typeof unitStandings>>, top: number): string {
  const head = tr(a.units ? 'points.ranking.units' : 'points.ranking.persons', { community, period: periodLabel(period, lang), top: Math.min(top, rows.length) });
  const body = rows.slice(0, top).map((r) =>
    'personId' in r
      ? tr('points.ranking.person', { rank: r.rank, name: clip(oneLine(r.name), 20), unit: clip(r.unit, 20), points: r.points })
      : tr('points.ranking.unit', { rank: r.rank, name: clip(r.name, 30), points: r.points, members: r.byMembers }),
  );
  return [head, ...(body.length ? body : [tr('points.ranking.empty')])].join('\n');
}

async function ranking(tx: Ctx['tx'], tr: Tr, lang: string, tz: string, now: Date, community: { id: number; name: string }, a: RankingArgs, top: number): Promise<string> {
  const period = a.period ?? { kind: 'quarter', quarter: quarterOf(now, tz) };
  const range = periodRange(period, tz);
  const rows = a.units ? await unitStandings(tx, community.id, range) : await personStandings(tx, community.id, range);
  const text = renderRanking(tr, lang, community.name, a, period, rows, top);
  if (a.units) return text;
  // Volunteers are ranked apart from party members.
  const volunteers = await personStandings(tx, community.id, range, 'volunteer');
  if (!volunteers.length) return text;
  return [text, tr('points.ranking.volunteers'), ...volunteers.slice(0, top).map((r) => tr('points.ranking.person', { rank: r.rank, name: clip(oneLine(r.name), 20), unit: clip(r.unit, 20), points: r.points }))].join('\n');
}

/** In the group: staff only, and only where the community's rules let the ranking be shown there. */
export async function rankingInGroup(ctx: Ctx, args: string): Promise<CommandResult> {
  const a = rankingArgs(args);
  if (!(await isAreaStaff(ctx.tx, ctx.community.id, ctx.personId))) return refuse('NOT_STAFF');
  if (a.slug && (await communityByName(ctx.tx, a.slug)).id !== ctx.community.id) return refuse('BAD_CHOICE', { choices: 'example.rankingChoices' });
  const rules = await rulesOf(ctx.tx, ctx.community.id, ctx.now);
  if (!rules.rankingInGroup) return refuse('RANKING_NOT_PUBLIC');
  return { reply: { text: await ranking(ctx.tx, ctx.t, ctx.lang, ctx.tz, ctx.now, ctx.community, a, rules.rankingTop) } };
}

const PRIVATE_TOP = 50;

/** Privately: the community named, or the one where the writer is staff. */
export async function rankingPrivately(ctx: PersonCtx, args: string): Promise<CommandResult> {
  const a = rankingArgs(args);
  let community: { id: number; name: string; slug: string } | undefined;
  if (a.slug) {
    community = await communityByName(ctx.tx, a.slug);
    if (!(await isAreaStaff(ctx.tx, community.id, ctx.personId))) return refuse('NOT_STAFF');
  } else {
    const mine = await ctx.tx
      .select({ id: communities.id, name: communities.name, slug: communities.slug })
      .from(roles)
      .innerJoin(communities, eq(communities.id, roles.communityId))
      .where(and(eq(roles.personId, ctx.personId), eq(roles.role, 'staff')));
    if (!mine.length) return refuse('NOT_STAFF');
    if (mine.length > 1) return refuse('NOT_STAFF', { slugs: mine.map((c) => c.slug).join(' ') }, 'err.RANKING_WHICH');
    community = mine[0];
  }
  return { reply: { text: await ranking(ctx.tx, ctx.t, ctx.lang, ctx.tz, ctx.now, community!, a, PRIVATE_TOP) } };
}
