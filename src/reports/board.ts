/** The community board of the staff page: where every item stands, open polls, waiting items, satisfaction. */
import { and, asc, desc, eq, inArray, notInArray } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { auditLog, persons, polls, progressUpdates, suggestions, STAGES, type Stage } from '../db/schema.js';
import type { Community } from '../kernel/context.js';
import type { PollResult } from '../consultation/close.js';
import { pooledCounts, satisfactionRate } from '../domain/outcome.js';
import { quarterOf } from '../domain/time.js';
import { pollStanding, type PollStanding } from './results.js';
import { quartersMet, type QuarterMet } from '../council/quarters-met.js';
import { unansweredItems } from '../consultation/stats.js';

export type Item = typeof suggestions.$inferSelect;

export interface Board {
  byStage: { stage: Stage; items: Item[] }[];
  openPolls: PollStanding[];
  waiting: { item: Item; last?: { percent: number; at: Date } }[];
  satisfaction: { quarter: string; rate: number | null; rounds: number }[];
  /** Quarters run and whether a consultation meeting was held in each (the running one last). */
  quarters: QuarterMet[];
  /** Numbers of items past the answer time without an answer. */
  unanswered: number[];
}

export const DAY_MS = 24 * 3600e3;
export const ageDays = (from: Date, now: Date) => Math.max(0, Math.floor((now.getTime() - from.getTime()) / DAY_MS));

export async function communityBoard(db: Db, community: Community, now: Date, tz: string): Promise<Board> {
  const items = await db.select().from(suggestions).where(and(eq(suggestions.communityId, community.id), notInArray(suggestions.stage, ['withdrawn', 'merged']))).orderBy(asc(suggestions.number));
  const byStage = STAGES.filter((s) => s !== 'withdrawn' && s !== 'merged').map((stage) => ({ stage, items: items.filter((i) => i.stage === stage) }));
  const ids = items.map((i) => i.id);
  const open = ids.length ? await db.select({ id: polls.id }).from(polls).where(and(inArray(polls.suggestionId, ids), eq(polls.status, 'open'))).orderBy(asc(polls.deadline)) : [];
  const openPolls = (await Promise.all(open.map((p) => pollStanding(db, p.id)))).filter((p): p is PollStanding => !!p);

  const carried = items.filter((i) => i.stage === 'approved' || i.stage === 'in_progress');
  const lastProgress = new Map<number, { percent: number; at: Date }>();
  if (carried.length) {
    for (const u of await db
      .select()
      .from(progressUpdates)
      .where(inArray(progressUpdates.suggestionId, carried.map((i) => i.id)))
      .orderBy(asc(progressUpdates.createdAt), asc(progressUpdates.id)))
      lastProgress.set(u.suggestionId, { percent: u.percent, at: u.createdAt });
  }
  // Longest without news first.
  const since = (i: Item) => lastProgress.get(i.id)?.at ?? i.updatedAt;
  const waiting = carried.sort((a, b) => since(a).getTime() - since(b).getTime()).map((item) => ({ item, last: lastProgress.get(item.id) }));

  const closedRatings = ids.length
    ? await db.select({ closedAt: polls.closedAt, result: polls.result }).from(polls).where(and(inArray(polls.suggestionId, ids), eq(polls.kind, 'rating'), eq(polls.status, 'closed')))
    : [];
  // Each quarter's rounds (by when they closed), pooled into one rate.
  const quarters = new Map<string, number[][]>();
  for (const p of closedRatings) {
    const r = p.result as PollResult | null;
    if (!r || !p.closedAt) continue;
    const q = quarterOf(p.closedAt, tz);
    quarters.set(q, [...(quarters.get(q) ?? []), r.counts]);
  }
  const current = quarterOf(now, tz);
  if (!quarters.has(current)) quarters.set(current, []);
  const satisfaction = [...quarters.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .slice(-8)
    .map(([quarter, rounds]) => ({ quarter, rate: satisfactionRate(pooledCounts(rounds)) ?? null, rounds: rounds.length }));
  return { byStage, openPolls, waiting, satisfaction, quarters: await quartersMet(db, community, now, tz), unanswered: await unansweredItems(db, community, now) };
}

export interface HistoryRow {
  at: Date;
  action: string;
  actor: string | null;
  data: Record<string, unknown> | null;
}

/** The item's whole history from the audit log, oldest first. */
export async function itemHistory(db: Db, suggestionId: number): Promise<HistoryRow[]> {
  const rows = await db
    .select({ at: auditLog.at, action: auditLog.action, actor: persons.displayName, data: auditLog.data })
    .from(auditLog)
    .leftJoin(persons, eq(persons.id, auditLog.actorId))
    .where(eq(auditLog.suggestionId, suggestionId))
    .orderBy(asc(auditLog.at), asc(auditLog.id));
  return rows.map((r) => ({ ...r, data: (r.data as Record<string, unknown> | null) ?? null }));
}

export async function itemPolls(db: Db, suggestionId: number): Promise<PollStanding[]> {
  const rows = await db.select({ id: polls.id }).from(polls).where(eq(polls.suggestionId, suggestionId)).orderBy(desc(polls.id));
  return (await Promise.all(rows.map((r) => pollStanding(db, r.id)))).filter((p): p is PollStanding => !!p);
}
