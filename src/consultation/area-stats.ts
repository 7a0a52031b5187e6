/**
 * Street and district views: the communities below a street or district side by side (items per stage,
 * unanswered, quarters met, whistles answered on time, satisfaction), for its staff (`org staff`): on the
 * web page (/o/<slug>), privately with `/stats`, and as an xlsx per street.
 */
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.js';
import { communities, orgNodes, orgStaff } from '../db/schema.js';
import { refuse } from '../domain/errors.js';
import { percent } from '../domain/outcome.js';
import type { CommandResult, Community } from '../kernel/context.js';
import type { PersonCtx } from '../kernel/person-context.js';
import { isAreaStaff } from '../org/staff.js';
import { nodeBySlug, pathUp, subtreeIds, type OrgNode } from '../org/tree.js';
import { communityFigures as whistleFigures, type Figures } from '../whistle/figures.js';
import { statsOf, stagesText, type Stats } from './stats.js';

export interface AreaRow {
  community: Community;
  stats: Stats;
  whistles: Figures;
}

/** The communities below `node`, each with its figures, by name. */
export async function areaOverview(db: Db | Tx, node: OrgNode, now: Date, tz: string): Promise<AreaRow[]> {
  const ids = await subtreeIds(db, node.id);
  const rows = await db
    .select({ c: communities })
    .from(orgNodes)
    .innerJoin(communities, eq(communities.id, orgNodes.communityId))
    .where(inArray(orgNodes.id, ids))
    .orderBy(asc(communities.name), asc(communities.id));
  const out: AreaRow[] = [];
  for (const { c } of rows) out.push({ community: c, stats: await statsOf(db, c, now, tz), whistles: await whistleFigures(db, c.id, now) });
  return out;
}

/** Whether `personId` is staff of `node` or of a node above it (street and district staff). */
export async function isStaffOfArea(db: Db | Tx, node: OrgNode, personId: number): Promise<boolean> {
  if (node.communityId !== null) return isAreaStaff(db, node.communityId, personId);
  const up = (await pathUp(db, node.id)).map((n) => n.id);
  const [row] = await db.select({ n: orgStaff.nodeId }).from(orgStaff).where(and(eq(orgStaff.personId, personId), inArray(orgStaff.nodeId, up))).limit(1);
  return Boolean(row);
}

/** The streets and districts a person is staff of. */
export async function areasOf(db: Db | Tx, personId: number): Promise<OrgNode[]> {
  const rows = await db.select({ node: orgNodes }).from(orgStaff).innerJoin(orgNodes, eq(orgNodes.id, orgStaff.nodeId)).where(eq(orgStaff.personId, personId)).orderBy(asc(orgNodes.id));
  return rows.map((r) => r.node);
}

/** One line per community, as `/stats` says them privately. */
export function areaLines(tr: PersonCtx['t'], rows: AreaRow[]): string[] {
  return rows.map((r) =>
    tr('area.line', {
      community: r.community.name,
      stages: stagesText(tr, r.stats.stages),
      unanswered: r.stats.unanswered.length,
      met: r.stats.quarters.filter((q) => q.met).length,
      quarters: r.stats.quarters.length,
      whistles: `${r.whistles.answeredOnTime}/${r.whistles.received}`,
      rate: percent(r.stats.satisfaction),
    }),
  );
}

/** `/stats [slug]` in private: street and district staff see their communities side by side. */
export async function areaStatsPrivately(ctx: PersonCtx, args: string): Promise<CommandResult> {
  const slug = args.trim().toLowerCase();
  let nodes = await areasOf(ctx.tx, ctx.personId);
  if (slug) {
    const node = await nodeBySlug(ctx.tx, slug);
    if (!node || node.level === 'community' || !(await isStaffOfArea(ctx.tx, node, ctx.personId))) return refuse('NOT_AREA_STAFF');
    nodes = [node];
  }
  if (!nodes.length) return refuse('NOT_AREA_STAFF');
  const parts: string[] = [];
  for (const node of nodes) {
    const rows = await areaOverview(ctx.tx, node, ctx.now, ctx.tz);
    parts.push([ctx.t('area.title', { name: node.name }), ...areaLines(ctx.t, rows)].join('\n'));
  }
  return { reply: { text: parts.join('\n\n') } };
}
