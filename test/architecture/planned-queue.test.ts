/**
 * One implementation of delayed jobs planned from Postgres: jobs/planned-queue.ts. The timers (poll
 * deadlines, nudges, meeting reminders, the quarter's checks), the whistles, the needs and the answers are
 * each a spec of it; the send queue (jobs/send-queue.ts) carries outbox rows, not planned jobs. No other
 * file puts, moves or removes delayed jobs or runs a worker of its own, so no second copy with other
 * semantics can come back.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { filesUnder } from './graph.js';

const root = path.resolve(import.meta.dirname, '../..');
const HOME = 'jobs/planned-queue.ts';
const SEND = 'jobs/send-queue.ts';
const sources = () => [...filesUnder('src'), ...filesUnder('bots'), ...filesUnder('jobs')].map((f) => f.split(path.sep).join('/'));
const read = (f: string) => fs.readFileSync(path.join(root, f), 'utf8');

describe('the planned queue', () => {
  it('is the only place that runs a worker of delayed jobs or puts, moves and removes them', () => {
    const own = [/new Worker\(/, /\.add\([^)]*\bdelay\s*:/s, /\.remove\(/, /moveToDelayed\(/, /getJob\(/];
    const found = sources()
      .filter((f) => f !== HOME && f !== SEND)
      .flatMap((f) => {
        const text = read(f);
        return own.filter((re) => re.test(text)).map((re) => `${f}: ${re}`);
      });
    expect(found).toEqual([]);
  });

  it('carries every area\'s delayed jobs: the timers, the whistles, the needs and the answers are each a spec of it', () => {
    for (const f of ['jobs/timers.ts', 'jobs/whistles.ts', 'jobs/needs.ts', 'jobs/answers.ts']) expect(read(f), f).toMatch(/createPlannedQueue[<(]/);
    // The jobs' start builds the queues from the specs, and keeps no delayed-job machinery of its own.
    const index = read('jobs/index.ts');
    for (const make of ['createTimerJobs(', 'createWhistleJobs(', 'createNeedJobs(', 'createAnswerJobs(']) expect(index).toContain(make);
    expect(index).not.toMatch(/TIMERS_QUEUE|createTimersWorker|getJobs\(/);
  });
});
