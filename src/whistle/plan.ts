/**
 * What the jobs should hold for whistles, computed from Postgres alone: per open step a reminder before
 * its deadline and a check at the deadline. Job ids carry the deadline, so a renewed deadline (after an
 * escalation) is a new job and a stale one finds its deadline moved.
 */
import { asc, eq, isNull } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { orgNodes, whistles, WHISTLE_STEPS, type WhistleStep } from '../db/schema.js';
import { outboxHasKeyPrefix } from '../messaging/outbox.js';
import { outboxKeys } from '../messaging/outbox-keys.js';
import { openDeadline, overdueSaid, reminderTimeOf } from './deadlines.js';

export type WhistleJobName = 'whistle-remind' | 'whistle-due';

export interface PlannedWhistleJob {
  id: string;
  name: WhistleJobName;
  data: { whistleId: number; step: WhistleStep; deadline: number };
  /** When it should run (ms since epoch); in the past means now. */
  at: number;
  what: string;
}

export const whistleJobId = (name: WhistleJobName, whistleId: number, step: WhistleStep, deadline: number) =>
  `${name}-${whistleId}-${step}-${deadline}`;

/** The jobs of every open whistle, or of one. */
export async function planWhistleJobs(db: Db, now: Date, whistleId?: number): Promise<PlannedWhistleJob[]> {
  const rows = await db
    .select({ w: whistles, parentId: orgNodes.parentId })
    .from(whistles)
    .innerJoin(orgNodes, eq(orgNodes.id, whistles.nodeId))
    .where(whistleId === undefined ? isNull(whistles.answeredAt) : eq(whistles.id, whistleId))
    .orderBy(asc(whistles.id));
  const out: PlannedWhistleJob[] = [];
  for (const { w, parentId } of rows) {
    for (const step of WHISTLE_STEPS) {
      const deadline = openDeadline(w, step);
      if (!deadline) continue;
      const d = deadline.getTime();
      const data = { whistleId: w.id, step, deadline: d };
      const remindAt = reminderTimeOf(w, step, deadline).getTime();
      // A reminder missed while the app was down is still useful before the deadline, once.
      if (d > now.getTime() && (remindAt > now.getTime() || !(await outboxHasKeyPrefix(db, outboxKeys.whistleReminder(w.id, step, deadline))))) {
        out.push({ id: whistleJobId('whistle-remind', w.id, step, d), name: 'whistle-remind', data, at: remindAt, what: `remind ${step} of whistle ${w.id}` });
      }
      if (parentId === null && d <= now.getTime() && (await overdueSaid(db, w, step, deadline))) continue;
      out.push({ id: whistleJobId('whistle-due', w.id, step, d), name: 'whistle-due', data, at: d, what: `${step} deadline of whistle ${w.id}` });
    }
  }
  return out;
}
