/**
 * Every suggestion answered: the reminder at half the community's answer time and the escalation at the
 * whole, on their own planned queue (src/consultation/answer-time.ts says which and does them). Job ids
 * carry the suggestion and the step, so a suggestion's jobs are known without a scan; the whole plan is
 * reconciled from Postgres at start and at each sync (a changed answer time moves the jobs), and a
 * suggestion's part of it on `suggestion.raised`.
 */
import { z } from 'zod';
import { answerJobId, answerStep, planAnswerJobs } from '../src/consultation/answer-time.js';
import { createPlannedQueue, retryWhenEarly, type PlannedQueue, type PlannedQueueEnv } from './planned-queue.js';

export const ANSWERS_QUEUE = 'answers';

const payload = z.object({ suggestionId: z.number().int().positive(), step: z.enum(['remind', 'escalate']), at: z.number().int() });

export function createAnswerJobs(env: PlannedQueueEnv): PlannedQueue<number> {
  return createPlannedQueue(env, {
    name: ANSWERS_QUEUE,
    payloads: { 'answer-remind': payload, 'answer-escalate': payload },
    plan: (db, now, suggestionId) => planAnswerJobs(db, now, suggestionId),
    idsOf: (suggestionId) => [answerJobId(suggestionId, 'remind'), answerJobId(suggestionId, 'escalate')],
    // Fired before its time (the clock said so): try again a little later.
    run: async (e, _name, d) => retryWhenEarly(await answerStep({ db: e.db, now: e.now(), tz: e.tz, reachable: e.reachable }, d.suggestionId, d.step, d.at), () => Date.now() + 60e3),
    changed: (event) => (event.type === 'suggestion.raised' ? [event.suggestionId] : []),
  });
}
