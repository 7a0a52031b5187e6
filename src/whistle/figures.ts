/**
 * Whistle figures per unit and per level of an area (a district, street or community and everything
 * below it): received, reported and answered on time (before the first deadlines), median times to
 * report and to answer, open and overdue now. Optionally only the whistles blown in one quarter.
 */
import { and, asc, eq, gte, inArray, lt } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.js';
import { memberUnits, orgNodes, suggestions, whistles, type OrgLevel } from '../db/schema.js';
import type { MessageKey, Params } from '../i18n/index.js';
import { quarterEnd, quarterStart, type Quarter } from '../domain/time.js';
import { subtreeIds, type OrgNode } from '../org/tree.js';

export interface Figures {
  received: number;
  reportedOnTime: number;
  answeredOnTime: number;
  /** Shares of `received`, undefined when nothing was received. */
  reportedOnTimeRate?: number;
  answeredOnTimeRate?: number;
  /** Medians in milliseconds from the whistle, over the whistles reported (answered). */
  medianReportMs?: number;
  medianAnswerMs?: number;
  open: number;
  overdue: number;
}

export interface FigureRow extends Figures {
  scope: 'total' | 'level' | 'unit';
  /** The level of the units counted (for 'level' and 'unit' rows). */
  level?: OrgLevel;
  unit?: string;
  /** The node the unit is registered at. */
  at?: string;
}

export function median(values: number[]): number | undefined {
  if (!values.length) return undefined;
  const v = [...values].sort((a, b) => a - b);
  const mid = v.length >> 1;
  return v.length % 2 ? v[mid] : (v[mid - 1]! + v[mid]!) / 2;
}

type W = typeof whistles.$inferSelect;

/** An open whistle past its running report deadline (not reported) or answer deadline. */
export const isOverdue = (w: Pick<W, 'answeredAt' | 'reportedAt' | 'reportDeadline' | 'answerDeadline'>, now: Date) =>
  !w.answeredAt && ((!w.reportedAt && w.reportDeadline <= now) || w.answerDeadline <= now);

export function figuresOf(rows: W[], now: Date): Figures {
  const received = rows.length;
  const reportedOnTime = rows.filter((w) => w.reportedAt && w.reportedAt <= w.reportDueAt).length;
  const answeredOnTime = rows.filter((w) => w.answeredAt && w.answeredAt <= w.answerDueAt).length;
  const open = rows.filter((w) => !w.answeredAt);
  const overdue = open.filter((w) => isOverdue(w, now)).length;
  return {
    received,
    reportedOnTime,
    answeredOnTime,
    reportedOnTimeRate: received ? reportedOnTime / received : undefined,
    answeredOnTimeRate: received ? answeredOnTime / received : undefined,
    medianReportMs: median(rows.filter((w) => w.reportedAt).map((w) => w.reportedAt!.getTime() - w.createdAt.getTime())),
    medianAnswerMs: median(rows.filter((w) => w.answeredAt).map((w) => w.answeredAt!.getTime() - w.createdAt.getTime())),
    open: open.length,
    overdue,
  };
}

/** The figures of the whistles on items of the communities in `node`'s area: total, per unit level, per unit. */
export async function areaFigures(db: Db | Tx, node: OrgNode, now: Date, tz: string, quarter?: Quarter): Promise<FigureRow[]> {
  const area = await subtreeIds(db, node.id);
  const communityIds = (await db.select({ c: orgNodes.communityId }).from(orgNodes).where(inArray(orgNodes.id, area))).map((r) => r.c).filter((c): c is number => c !== null);
  if (!communityIds.length) return [{ scope: 'total', ...figuresOf([], now) }];
  const where = [inArray(whistles.communityId, communityIds)];
  if (quarter) where.push(gte(whistles.createdAt, quarterStart(quarter, tz)), lt(whistles.createdAt, quarterEnd(quarter, tz)));
  const rows = await db
    .select({ w: whistles, unit: memberUnits.name, unitId: memberUnits.id, level: orgNodes.level, at: orgNodes.name })
    .from(whistles)
    .innerJoin(memberUnits, eq(memberUnits.id, whistles.unitId))
    .innerJoin(orgNodes, eq(orgNodes.id, memberUnits.nodeId))
    .where(and(...where))
    .orderBy(asc(whistles.id));
  const out: FigureRow[] = [{ scope: 'total', ...figuresOf(rows.map((r) => r.w), now) }];
  for (const level of ['district', 'street', 'community'] as const) {
    const at = rows.filter((r) => r.level === level);
    if (at.length) out.push({ scope: 'level', level, ...figuresOf(at.map((r) => r.w), now) });
  }
  const units = [...new Map(rows.map((r) => [r.unitId, r])).values()].sort((a, b) => a.unit.localeCompare(b.unit));
  for (const u of units) out.push({ scope: 'unit', level: u.level, unit: u.unit, at: u.at, ...figuresOf(rows.filter((r) => r.unitId === u.unitId).map((r) => r.w), now) });
  return out;
}

/** Hours with one decimal, for people. */
export const hours = (ms: number | undefined) => (ms === undefined ? '—' : `${Math.round(ms / 360e3) / 10}h`);
export const pct = (r: number | undefined) => (r === undefined ? '—' : `${Math.round(r * 1000) / 10}%`);

/** The whistles on a community's items (or one grid's), for /stats. */
export async function communityFigures(db: Db | Tx, communityId: number, now: Date, gridId?: number): Promise<Figures> {
  const rows = await db
    .select({ w: whistles })
    .from(whistles)
    .innerJoin(suggestions, eq(suggestions.id, whistles.suggestionId))
    .where(and(eq(whistles.communityId, communityId), gridId ? eq(suggestions.gridId, gridId) : undefined));
  return figuresOf(rows.map((r) => r.w), now);
}

/** One line of whistle figures for the /stats reply. */
export async function whistleStatsLine(ctx: { tx: Tx; now: Date; community: { id: number }; t(key: MessageKey, params?: Params): string }, gridId?: number): Promise<string> {
  const f = await communityFigures(ctx.tx, ctx.community.id, ctx.now, gridId);
  return ctx.t('whistle.stats.line', {
    received: f.received,
    reported: `${f.reportedOnTime} (${pct(f.reportedOnTimeRate)})`,
    answered: `${f.answeredOnTime} (${pct(f.answeredOnTimeRate)})`,
    medianReport: hours(f.medianReportMs),
    medianAnswer: hours(f.medianAnswerMs),
    open: f.open,
    overdue: f.overdue,
  });
}
