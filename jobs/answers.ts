/**
 * Every suggestion answered: the reminder at half the community's answer time and the escalation at the
 * whole, on their own planned queue (src/consultation/answer-time.ts says which and does them).
 */
import { z } from 'zod';
import { answerStep, planAnswerJobs } from '../src/consultation/answer-time.js';
import { createPlannedQueue, type PlannedQueue, type PlannedQueueEnv } from './planned-queue.js';

export const ANSWERS_QUEUE = 'answers';

const payload = z.object({ suggestionId: z.number().int().positive(), step: z.enum(['remind', 'escalate']), at: z.number().int() });

export function createAnswerJobs(env: PlannedQueueEnv): PlannedQueue {
  return createPlannedQueue(env, {
    name: ANSWERS_QUEUE,
    payload,
    jobNames: ['answer-remind', 'answer-escalate'],
    subjectOf: (d) => d.suggestionId,
    plan: planAnswerJobs,
    run: (e, _name, d) => answerStep({ db: e.db, now: e.now(), tz: e.tz, reachable: e.reachable }, d.suggestionId, d.step, d.at),
    // Fired before its time (the clock said so): try again a little later.
    retryAt: () => Date.now() + 60e3,
    changed: (event) => (event.type === 'suggestion.raised' ? event.suggestionId : undefined),
  });
}
