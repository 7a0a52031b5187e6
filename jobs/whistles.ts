/**
 * The whistles' delayed jobs, on their own queue: a reminder before each deadline and a check at it
 * (src/whistle/plan.ts says which, src/whistle/deadlines.ts does them). Job ids carry the whistle, the
 * step and the deadline, so they are deterministic and a renewed deadline is a new job.
 */
import { z } from 'zod';
import { planWhistleJobs } from '../src/whistle/plan.js';
import { whistleDue, whistleRemind } from '../src/whistle/deadlines.js';
import { createPlannedQueue, type PlannedQueue, type PlannedQueueEnv } from './planned-queue.js';

export const WHISTLES_QUEUE = 'whistles';

const payload = z.object({ whistleId: z.number().int().positive(), step: z.enum(['report', 'answer']), deadline: z.number().int() });

export function createWhistleJobs(env: PlannedQueueEnv): PlannedQueue {
  return createPlannedQueue(env, {
    name: WHISTLES_QUEUE,
    payload,
    jobNames: ['whistle-remind', 'whistle-due'],
    subjectOf: (d) => d.whistleId,
    plan: planWhistleJobs,
    run: (e, name, d) => {
      const run = { db: e.db, now: e.now(), tz: e.tz, reachable: e.reachable };
      return name === 'whistle-remind' ? whistleRemind(run, d.whistleId, d.step, d.deadline) : whistleDue(run, d.whistleId, d.step, d.deadline);
    },
    retryAt: (d) => Math.max(d.deadline, Date.now() + 1000),
    // A missed deadline escalates and brings new deadlines: plan them.
    replanAfter: ['whistle-due'],
    changed: (event) => (event.type === 'whistle.changed' ? event.whistleId : undefined),
  });
}
