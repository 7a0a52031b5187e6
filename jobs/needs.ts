/**
 * The needs' delayed jobs, on their own queue: the unclaimed reminder before a need's date, the late
 * reminder at it, the abandon step after the grace (src/members/plan.ts says which, src/members/deadlines.ts
 * does them). Job ids carry the need, the step and the date, so they are deterministic; the whole plan is
 * reconciled from Postgres at start and a need's part of it on each `need.changed`.
 */
import { z } from 'zod';
import { needStep } from '../src/members/deadlines.js';
import { planNeedJobs } from '../src/members/plan.js';
import { createPlannedQueue, retryWhenEarly, type PlannedQueue, type PlannedQueueEnv } from './planned-queue.js';

export const NEEDS_QUEUE = 'needs';

const payload = z.object({ needId: z.number().int().positive(), step: z.enum(['unclaimed', 'late', 'abandon']), due: z.number().int() });

export function createNeedJobs(env: PlannedQueueEnv): PlannedQueue<number> {
  return createPlannedQueue(env, {
    name: NEEDS_QUEUE,
    payloads: { 'need-unclaimed': payload, 'need-late': payload, 'need-abandon': payload },
    subjectOf: (_name, d) => d.needId,
    plan: (db, now, needId) => planNeedJobs(db, now, needId),
    // Fired before its time (the clock said so): try again a little later.
    run: async (e, _name, d) => retryWhenEarly(await needStep({ db: e.db, now: e.now(), tz: e.tz, reachable: e.reachable }, d.needId, d.step, d.due), () => Date.now() + 60e3),
    changed: (event) => (event.type === 'need.changed' ? [event.needId] : []),
  });
}
