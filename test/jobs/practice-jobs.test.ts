/**
 * The practice's jobs on the planned queues (issue 28): the quarter's two meeting checks on the timers
 * queue, settled by a held meeting and brought back by its undoing; every raised suggestion's reminder
 * and escalation on the `answers` queue, moved by a changed answer time and dropped once answered.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import type { Queue } from 'bullmq';
import type { Database } from '../../src/db/client.js';
import * as s from '../../src/db/schema.js';
import { startJobs, type Jobs, type JobsOptions } from '../../jobs/index.js';
import { meetingDueAt, meetingLateAt } from '../../jobs/plan.js';
import { addQuarters, quarterOf, quarterStart } from '../../src/domain/time.js';
import { redisUrl, uniqueName } from '../support/services.js';
import { deps, eventCore, jobsHarness, seedCommunity, seedPerson } from './support.js';

const TZ = 'Asia/Shanghai';
const HOUR = 3600e3;

describe('the practice\'s jobs', () => {
  const harness = jobsHarness();
  let database: Database;
  beforeAll(() => {
    database = harness.database;
  });

  async function start(core: ReturnType<typeof eventCore>, opts: JobsOptions = {}) {
    const jobs = await startJobs(deps(database, core, redisUrl(), []), { prefix: uniqueName('jobs'), ...opts });
    harness.started.push(jobs);
    return jobs;
  }

  /** A job's name, data and when it is due (ms), or undefined when the queue does not hold it. */
  async function due(queue: Queue, id: string) {
    const job = await queue.getJob(id);
    return job ? { name: job.name, data: job.data as unknown, at: job.timestamp + (job.delay ?? 0) } : undefined;
  }

  /** The queue holds the job, due at `at` (Redis counts the delay from when it was added: within a second). */
  async function expectDue(queue: Queue, id: string, expected: { name?: string; data?: unknown; at: number }) {
    const job = await due(queue, id);
    expect(job, id).toBeDefined();
    if (expected.name !== undefined) expect(job!.name, id).toBe(expected.name);
    if (expected.data !== undefined) expect(job!.data, id).toEqual(expected.data);
    expect(Math.abs(job!.at - expected.at), `${id} due at ${new Date(job!.at).toISOString()}, not ${new Date(expected.at).toISOString()}`).toBeLessThan(1000);
  }

  const answersOf = (jobs: Jobs) => jobs.queues.find((q) => q.name === 'answers')!;

  it('plans both meeting checks of the quarter, drops them when a meeting is held and brings them back when it is undone', async () => {
    // The day after the next quarter begins: both checks of that quarter are still ahead of the real clock.
    const quarter = addQuarters(quarterOf(new Date(), TZ), 1);
    const clock = new Date(quarterStart(quarter, TZ).getTime() + 24 * HOUR);
    const { community, chat } = await seedCommunity(database);
    await database.db.update(s.communities).set({ rotationStart: quarter }).where(eq(s.communities.id, community.id));
    await database.db.insert(s.councilUnits).values({ communityId: community.id, name: '居委会', position: 1 });
    const core = eventCore();
    const jobs = await start(core, { now: () => clock });

    const mid = `meeting-due-${community.id}-${quarter}`;
    const late = `meeting-due-late-${community.id}-${quarter}`;
    await expectDue(jobs.timers, mid, { name: 'meeting-due', data: { communityId: community.id, quarter }, at: meetingDueAt(quarter, TZ).getTime() });
    await expectDue(jobs.timers, late, { name: 'meeting-due', data: { communityId: community.id, quarter, check: 'late' }, at: meetingLateAt(quarter, TZ).getTime() });

    // A meeting of the quarter held (with minutes): neither check is needed any more.
    const startsAt = new Date(clock.getTime() - 2 * HOUR);
    const [meeting] = await database.db
      .insert(s.meetings)
      .values({ communityId: community.id, quarter, startsAt, place: '活动室', chatId: chat.id, status: 'held', minutes: '议定东门路灯', heldAt: clock })
      .returning();
    core.emit({ type: 'meeting.held', meetingId: meeting!.id });
    await jobs.settled();
    expect(await due(jobs.timers, mid)).toBeUndefined();
    expect(await due(jobs.timers, late)).toBeUndefined();

    // Undone (here: cancelled) the quarter is unmet again, and both checks come back.
    await database.db.update(s.meetings).set({ status: 'cancelled' }).where(eq(s.meetings.id, meeting!.id));
    core.emit({ type: 'meeting.cancelled', meetingId: meeting!.id });
    await jobs.settled();
    await expectDue(jobs.timers, mid, { at: meetingDueAt(quarter, TZ).getTime() });
    await expectDue(jobs.timers, late, { at: meetingLateAt(quarter, TZ).getTime() });
  });

  it('plans a raised suggestion\'s reminder and escalation on the answers queue, moves them with the answer time and drops them once answered', async () => {
    const { community, chat } = await seedCommunity(database);
    const author = await seedPerson(database, community.id);
    await database.db.update(s.communities).set({ answerWithinMinutes: 48 * 60 }).where(eq(s.communities.id, community.id));
    const core = eventCore();
    const jobs = await start(core);
    const answers = answersOf(jobs);

    const [sug] = await database.db
      .insert(s.suggestions)
      .values({ communityId: community.id, number: 1, authorId: author.person.id, chatId: chat.id, text: '东门路灯坏了，晚上很黑' })
      .returning();
    const raisedAt = sug!.createdAt.getTime();
    core.emit({ type: 'suggestion.raised', suggestionId: sug!.id });
    await jobs.settled();
    const remind = `answer-remind-${sug!.id}`;
    const escalate = `answer-escalate-${sug!.id}`;
    await expectDue(answers, remind, { name: 'answer-remind', data: { suggestionId: sug!.id, step: 'remind', at: raisedAt + 24 * HOUR }, at: raisedAt + 24 * HOUR });
    await expectDue(answers, escalate, { name: 'answer-escalate', data: { suggestionId: sug!.id, step: 'escalate', at: raisedAt + 48 * HOUR }, at: raisedAt + 48 * HOUR });

    // `community set --answer-within 4d` in another process: the next reconcile (or sync) moves both.
    await database.db.update(s.communities).set({ answerWithinMinutes: 4 * 24 * 60 }).where(eq(s.communities.id, community.id));
    await jobs.reconcile();
    await expectDue(answers, remind, { data: { suggestionId: sug!.id, step: 'remind', at: raisedAt + 48 * HOUR }, at: raisedAt + 48 * HOUR });
    await expectDue(answers, escalate, { data: { suggestionId: sug!.id, step: 'escalate', at: raisedAt + 96 * HOUR }, at: raisedAt + 96 * HOUR });

    // Answered: nothing left to remind or escalate.
    await database.db.update(s.suggestions).set({ answeredAt: new Date() }).where(eq(s.suggestions.id, sug!.id));
    await jobs.reconcile();
    expect(await due(answers, remind)).toBeUndefined();
    expect(await due(answers, escalate)).toBeUndefined();
  });
});
