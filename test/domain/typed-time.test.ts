/**
 * Time as residents type it on a phone, read by the one parser (src/domain/time.ts): durations, dates and
 * quarters, with full-width digits. Each row: what is typed, and what it must mean (undefined: refused).
 */
import { describe, expect, it } from 'vitest';
import { parseDateTime, parseDay, parseDuration, readDateTime, readQuarter, readYear } from '../../src/domain/time.js';
import { parsePeriod } from '../../src/domain/points.js';
import { answerWithinSchema } from '../../src/domain/admin-args.js';

const TZ = 'Asia/Shanghai';
/** 2026-11-10 10:00 in Shanghai. */
const NOW = new Date('2026-11-10T02:00:00Z');
const M = 60e3;
const H = 60 * M;
const D = 24 * H;

const durations: [string, number | undefined][] = [
  ['30m', 30 * M],
  ['48h', 48 * H],
  ['7d', 7 * D],
  ['1w', 7 * D],
  ['30分钟', 30 * M],
  ['30 分钟', 30 * M],
  ['45分', 45 * M],
  ['2小时', 2 * H],
  ['48小时', 48 * H],
  ['2个小时', 2 * H],
  ['3天', 3 * D],
  ['3 天', 3 * D],
  ['1周', 7 * D],
  ['2星期', 14 * D],
  ['１２小时', 12 * H],
  ['３天', 3 * D],
  ['三天', 3 * D],
  ['两小时', 2 * H],
  ['十五分钟', 15 * M],
  ['365天', 365 * D],
  ['3天半', undefined],
  ['1.5h', undefined],
  ['0天', undefined],
  ['0m', undefined],
  ['999天', undefined],
  ['366天', undefined],
  ['53周', undefined],
  ['3', undefined],
  ['天', undefined],
  ['3年', undefined],
  ['99y', undefined],
  ['半小时', undefined],
];

const at = (local: string) => new Date(`${local}:00+08:00`).getTime();

const dates: [string, number | undefined][] = [
  ['2026-12-08 18:00', at('2026-12-08T18:00')],
  ['2026-12-8 9:30', at('2026-12-08T09:30')],
  ['2026/12/08 18:00', at('2026-12-08T18:00')],
  ['２０２６－１２－０８ １８：００', at('2026-12-08T18:00')],
  ['2026年12月8日 18:00', at('2026-12-08T18:00')],
  ['12月8日 18:00', at('2026-12-08T18:00')],
  ['12月8号 18:00', at('2026-12-08T18:00')],
  ['12月8日18:00', at('2026-12-08T18:00')],
  ['12月8日 18：00', at('2026-12-08T18:00')],
  ['12月8日 下午6点', at('2026-12-08T18:00')],
  ['12月8日 晚上7点半', at('2026-12-08T19:30')],
  ['1月5日 9:00', at('2027-01-05T09:00')], // no year: the next such day
  ['11月10日 9:00', at('2027-11-10T09:00')], // earlier today: next year
  ['11月10日 18:00', at('2026-11-10T18:00')], // later today: today
  ['明天 18:00', at('2026-11-11T18:00')],
  ['明天18:00', at('2026-11-11T18:00')],
  ['后天 9:00', at('2026-11-12T09:00')],
  ['今天 20:00', at('2026-11-10T20:00')],
  ['明天 下午3点', at('2026-11-11T15:00')],
  ['明天25:00', undefined],
  ['明天 18:60', undefined],
  ['2026-02-30 10:00', undefined],
  ['13月1日 10:00', undefined],
  ['明天', undefined],
  ['下周一 18:00', undefined],
  ['18:00', undefined],
];

const quarters: [string, string | undefined][] = [
  ['2026Q4', '2026Q4'],
  ['2026q4', '2026Q4'],
  ['2026年第4季度', '2026Q4'],
  ['2026年4季度', '2026Q4'],
  ['2026年第四季度', '2026Q4'],
  ['2027年第一季度', '2027Q1'],
  ['２０２６年第４季度', '2026Q4'],
  ['２０２６Q4', '2026Q4'],
  ['2026年第5季度', undefined],
  ['2026年', undefined],
  ['第4季度', undefined],
  ['2026Q5', undefined],
];

describe('durations as typed', () => {
  for (const [typed, ms] of durations) it(`${typed} → ${ms === undefined ? 'refused' : `${ms / M} min`}`, () => expect(parseDuration(typed)).toBe(ms));
});

describe('dates and times as typed (now: 2026-11-10 10:00 Shanghai)', () => {
  for (const [typed, ms] of dates) it(`${typed} → ${ms === undefined ? 'refused' : new Date(ms).toISOString()}`, () => expect(parseDateTime(typed, TZ, NOW)?.getTime()).toBe(ms));

  it('reads a date and time off the front of a command and leaves the place', () => {
    expect(readDateTime('明天 18:00 社区活动室', TZ, NOW)).toEqual({ when: new Date(at('2026-11-11T18:00')), rest: '社区活动室' });
    expect(readDateTime('12月8日 18:00 三楼 会议室', TZ, NOW)?.rest).toBe('三楼 会议室');
  });

  it('reads a day alone for a need\'s date', () => {
    expect(parseDay('12月1日', TZ, NOW)).toEqual({ year: 2026, month: 12, day: 1 });
    expect(parseDay('11月1日', TZ, NOW)).toEqual({ year: 2027, month: 11, day: 1 });
    expect(parseDay('11月10日', TZ, NOW)).toEqual({ year: 2026, month: 11, day: 10 });
    expect(parseDay('明天', TZ, NOW)).toEqual({ year: 2026, month: 11, day: 11 });
    expect(parseDay('2026-12-01', TZ, NOW)).toEqual({ year: 2026, month: 12, day: 1 });
    expect(parseDay('2月30日', TZ, NOW)).toBeUndefined();
  });
});

describe('quarters and years as typed', () => {
  for (const [typed, q] of quarters) it(`${typed} → ${q ?? 'refused'}`, () => expect(readQuarter(typed)).toBe(q));

  it('reads a year for the rankings, with or without 年', () => {
    expect(readYear('2026')).toBe(2026);
    expect(readYear('2026年')).toBe(2026);
    expect(parsePeriod('2026年')).toEqual({ kind: 'year', year: 2026 });
    expect(parsePeriod('2026年第4季度')).toEqual({ kind: 'quarter', quarter: '2026Q4' });
  });
});

it('the corpus has at least 60 parser phrasings', () => expect(durations.length + dates.length + quarters.length).toBeGreaterThanOrEqual(60));

describe("the CLI's --answer-within through the same parser (1 hour to 1 year, in minutes)", () => {
  const typed: [string, number | undefined][] = [
    ['7d', 7 * 24 * 60],
    ['7天', 7 * 24 * 60],
    ['７天', 7 * 24 * 60],
    ['48小时', 48 * 60],
    ['1周', 7 * 24 * 60],
    ['1小时', 60],
    ['365天', 365 * 24 * 60],
    ['30分钟', undefined],
    ['3天半', undefined],
    ['0天', undefined],
  ];
  for (const [text, minutes] of typed) {
    it(`${text} → ${minutes ?? 'refused'}`, () => {
      const r = answerWithinSchema.safeParse(text);
      expect(r.success ? r.data : undefined).toBe(minutes);
    });
  }
});
