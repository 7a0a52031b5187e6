/**
 * What the jobs should hold for needs, computed from Postgres alone (see deadlines.ts): the unclaimed
 * reminder of a need with free places before its date, and for needs with claims not yet reported the
 * late reminder at the date and the abandon step after the grace. Job ids carry the need, the step and
 * the date, so they are deterministic.
 */
import { and, asc, eq, gt, inArray, isNotNull, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { auditLog, needClaims, needs } from '../db/schema.js';
import { outboxHasKeyPrefix } from '../messaging/outbox.js';
import { abandonAt, UNCLAIMED_BEFORE_MS, type NeedStep } from './deadlines.js';
import { placesTaken } from './needs.js';
import { memberOutboxKeys } from '../messaging/outbox-keys.js';

export interface PlannedNeedJob {
  id: string;
  name: `need-${NeedStep}`;
  data: { needId: number; step: NeedStep; due: number };
  /** When it should run (ms since epoch); in the past means now. */
  at: number;
  what: string;
}

export const needJobId = (step: NeedStep, needId: number, due: number) => `need-${step}-${needId}-${due}`;

/** The jobs of every need with something ahead, or of one. */
export async function planNeedJobs(db: Db, now: Date, needId?: number): Promise<PlannedNeedJob[]> {
  const ahead = await db
    .select()
    .from(needs)
    .where(needId === undefined ? and(isNotNull(needs.dueAt), gt(needs.dueAt, now)) : eq(needs.id, needId))
    .orderBy(asc(needs.id));
  const withOpenClaims = needId === undefined
    ? await db.selectDistinct({ needId: needClaims.needId }).from(needClaims).where(eq(needClaims.status, 'claimed'))
    : [];
  const more = withOpenClaims.map((r) => r.needId).filter((id) => !ahead.some((n) => n.id === id));
  const rows = more.length ? [...ahead, ...(await db.select().from(needs).where(inArray(needs.id, more)))] : ahead;

  const out: PlannedNeedJob[] = [];
  for (const n of rows) {
    if (!n.dueAt) continue;
    const due = n.dueAt.getTime();
    const job = (step: NeedStep, at: number): PlannedNeedJob => ({ id: needJobId(step, n.id, due), name: `need-${step}`, data: { needId: n.id, step, due }, at, what: `${step} of need ${n.id}` });
    if (due > now.getTime() && (await placesTaken(db, n.id)) < n.capacity && !(await outboxHasKeyPrefix(db, memberOutboxKeys.unclaimed(n.id, n.dueAt)))) {
      out.push(job('unclaimed', due - UNCLAIMED_BEFORE_MS));
    }
    const open = await db.select({ id: needClaims.id }).from(needClaims).where(and(eq(needClaims.needId, n.id), eq(needClaims.status, 'claimed')));
    if (!open.length) continue;
    // Once every open claimer was told (or could not be), the late step is done; the abandon step stays.
    let untold = false;
    for (const c of open) if (!(await outboxHasKeyPrefix(db, memberOutboxKeys.lateTo(c.id, n.dueAt)))) untold = true;
    if (untold && !(due <= now.getTime() && (await lateSaid(db, n.id, n.dueAt)))) out.push(job('late', due));
    out.push(job('abandon', (await abandonAt(db, n))!.getTime()));
  }
  return out;
}

/** Whether the late step already ran for this date (its audit row), so a claimer who cannot be told is not retried forever. */
async function lateSaid(db: Db, needId: number, due: Date): Promise<boolean> {
  const [row] = await db
    .select({ id: auditLog.id })
    .from(auditLog)
    .where(and(eq(auditLog.action, 'need.reminded_late'), sql`${auditLog.data}->>'needId' = ${String(needId)}`, sql`${auditLog.data}->>'due' = ${due.toISOString()}`))
    .limit(1);
  return Boolean(row);
}
