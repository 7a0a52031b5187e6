/** Rules of time with one home in src/domain/time.ts: the reminder before a deadline, the quarter's forms. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { addQuarters, formatQuarter, isQuarter, parseQuarter, quarterLabel, quarterOf, readQuarter, reminderBefore } from '../../src/domain/time.js';
import { parsePeriod } from '../../src/domain/points.js';
import { timerSchemas } from '../../jobs/queues.js';
import { reminderAt } from '../../src/whistle/deadlines.js';
import { nudgeTime } from '../../jobs/plan.js';
import { filesUnder } from '../architecture/graph.js';

const root = path.resolve(import.meta.dirname, '../..');
const H = 3600e3;

describe('the reminder before a deadline (24 h before, or halfway through a window under 48 h)', () => {
  const deadline = new Date('2027-01-08T00:00:00Z');

  it('goes 24 h before a deadline 48 h or more away, halfway before a nearer one', () => {
    expect(reminderBefore(deadline, 7 * 24 * H).getTime()).toBe(deadline.getTime() - 24 * H);
    expect(reminderBefore(deadline, 48 * H).getTime()).toBe(deadline.getTime() - 24 * H);
    expect(reminderBefore(deadline, 47 * H).getTime()).toBe(deadline.getTime() - 23.5 * H);
    expect(reminderBefore(deadline, 30 * 60e3).getTime()).toBe(deadline.getTime() - 15 * 60e3);
    expect(reminderBefore(deadline, 2000).getTime()).toBe(deadline.getTime() - 1000);
  });

  it('is the one rule of the whistle reminders and the non-voter nudges', () => {
    for (const window of [60e3, 30 * 60e3, 24 * H, 36 * H, 48 * H - 60e3, 48 * H, 72 * H, 7 * 24 * H]) {
      const expected = reminderBefore(deadline, window).getTime();
      expect(reminderAt(deadline, window).getTime(), `whistle, window ${window}`).toBe(expected);
      expect(nudgeTime(new Date(deadline.getTime() - window), deadline), `poll, window ${window}`).toBe(expected);
    }
  });

  it('is written once: no other source file holds the 48 h threshold and the halving', () => {
    const fortyEight = /48\s*\*\s*(3600e3|3600_000|3600000|36e5|60\s*\*\s*60)|172800(e3|_?000)/;
    const halving = /\/\s*2\b/;
    const copies = [...filesUnder('src'), ...filesUnder('bots'), ...filesUnder('jobs')]
      .map((f) => f.split(path.sep).join('/'))
      .filter((f) => f !== 'src/domain/time.ts')
      .filter((f) => {
        const text = fs.readFileSync(path.join(root, f), 'utf8');
        return fortyEight.test(text) && halving.test(text);
      });
    expect(copies).toEqual([]);
  });
});

describe('the quarter, written and read in one place', () => {
  it('is stored as 2026Q4 and read by people as 2026年第4季度', () => {
    expect(formatQuarter(2026, 4)).toBe('2026Q4');
    expect(parseQuarter('2026Q4')).toEqual({ year: 2026, q: 4 });
    expect(() => parseQuarter('2026Q5')).toThrow();
    expect(quarterOf(new Date('2026-12-31T16:30:00Z'), 'Asia/Shanghai')).toBe('2027Q1');
    expect(addQuarters('2026Q4', 1)).toBe('2027Q1');
    expect(addQuarters('2027Q1', -5)).toBe('2025Q4');
    expect(quarterLabel('zh', '2027Q1')).toBe('2027年第1季度');
    expect(quarterLabel('en', '2027Q1')).toBe('Q1 2027');
  });

  it('is the one reading of a quarter for /ranking, the CLI and the jobs\' payloads', () => {
    const samples = ['2026Q4', '2026q4', ' 2026Q1 ', '2026Q0', '2026Q5', '26Q4', '２０２６Q4', '2026-Q4', ''];
    for (const s of samples) {
      const read = readQuarter(s);
      const period = parsePeriod(s);
      expect(period?.kind === 'quarter' ? period.quarter : undefined, s).toBe(read);
      expect(timerSchemas['meeting-due'].safeParse({ communityId: 1, quarter: s }).success, s).toBe(isQuarter(s));
    }
    expect(parsePeriod('2026')).toEqual({ kind: 'year', year: 2026 });
  });

  it('is written once: no other source file writes or matches a quarter\'s form itself', () => {
    const own = [/Q\$\{/, /Q\[1-4\]/, /'jobs\.quarter'/, /年第/];
    const copies = [...filesUnder('src'), ...filesUnder('bots'), ...filesUnder('jobs')]
      .map((f) => f.split(path.sep).join('/'))
      .filter((f) => f !== 'src/domain/time.ts' && !f.startsWith('src/i18n/'))
      .flatMap((f) => {
        const text = fs.readFileSync(path.join(root, f), 'utf8');
        return own.filter((re) => re.test(text)).map((re) => `${f}: ${re}`);
      });
    expect(copies).toEqual([]);
  });
});
