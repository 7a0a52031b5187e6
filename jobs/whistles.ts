/**
 * The whistles' delayed jobs, on their own queue: a reminder before each deadline and a check at it
 * (src/whistle/plan.ts says which, src/whistle/deadlines.ts does them). Job ids carry the whistle, the
 * step and the deadline, so they are deterministic and a renewed deadline is a new job.
 */
import { z } from 'zod';
import { planWhistleJobs } from '../src/whistle/plan.js';
import { whistleDue, whistleRemind } from '../src/whistle/deadlines.js';
import { createPlannedQueue, retryWhenEarly, type PlannedQueue, type PlannedQueueEnv } from './planned-queue.js';

export const WHISTLES_QUEUE = 'whistles';

const payload = z.object({ whistleId: z.number().int().positive(), step: z.enum(['report', 'answer']), deadline: z.number().int() });

export function createWhistleJobs(env: PlannedQueueEnv): PlannedQueue<number> {
  return createPlannedQueue(env, {
    name: WHISTLES_QUEUE,
    payloads: { 'whistle-remind': payload, 'whistle-due': payload },
    subjectOf: (_name, d) => d.whistleId,
    plan: (db, now, whistleId) => planWhistleJobs(db, now, whistleId),
    run: async (e, name, d) => {
      const run = { db: e.db, now: e.now(), tz: e.tz, reachable: e.reachable };
      const done = name === 'whistle-remind' ? await whistleRemind(run, d.whistleId, d.step, d.deadline) : await whistleDue(run, d.whistleId, d.step, d.deadline);
      return retryWhenEarly(done, () => Math.max(d.deadline, Date.now() + 1000));
    },
    // A missed deadline escalates and brings new deadlines: plan them.
    after: (name, d) => (name === 'whistle-due' ? [d.whistleId] : []),
    changed: (event) => (event.type === 'whistle.changed' ? [event.whistleId] : []),
  });
}
