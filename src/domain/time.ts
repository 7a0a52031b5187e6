/** Calendar arithmetic in a named time zone (YISHI_TZ), without a date library. */
import { t } from '../i18n/index.js';

export interface ZonedParts {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(tz, f);
  }
  return f;
}

/** The wall-clock fields of `date` in `tz`. */
export function zonedParts(date: Date, tz: string): ZonedParts {
  const p: Record<string, number> = {};
  for (const { type, value } of formatter(tz).formatToParts(date)) {
    if (type !== 'literal') p[type] = Number(value);
  }
  return { year: p.year, month: p.month, day: p.day, hour: p.hour % 24, minute: p.minute, second: p.second };
}

/** The instant at which the wall clock in `tz` shows the given fields. */
export function zonedTimeToDate(parts: Omit<ZonedParts, 'second'> & { second?: number }, tz: string): Date {
  const asUtc = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second ?? 0);
  let guess = asUtc;
  // Two rounds settle the offset, also across a DST change.
  for (let i = 0; i < 3; i++) {
    const shown = zonedParts(new Date(guess), tz);
    const shownUtc = Date.UTC(shown.year, shown.month - 1, shown.day, shown.hour, shown.minute, shown.second);
    const diff = shownUtc - asUtc;
    if (diff === 0) break;
    guess -= diff;
  }
  return new Date(guess);
}

/**
 * A quarter such as `2026Q4`: how a quarter is stored, keyed and passed around. People read it as
 * `2026年第4季度` (quarterLabel). Both forms are written and read only here.
 */
export type Quarter = string;

/** The stored form, in a syntax JavaScript and Postgres both read (the quarterly_chairs check uses it). */
export const QUARTER_PATTERN_SOURCE = '^[0-9]{4}Q[1-4]$';
export const QUARTER_PATTERN = new RegExp(QUARTER_PATTERN_SOURCE);

export const isQuarter = (s: string): s is Quarter => QUARTER_PATTERN.test(s);

/** The forms readQuarter accepts, for the admin CLI's messages. */
export const QUARTER_FORMS = '2026Q4 or 2026年第4季度';

/** Quarter `q` (1-4) of `year`: `2026Q4`. The one writer of the stored form. */
export function formatQuarter(year: number, q: number): Quarter {
  return `${year}Q${q}`;
}

/** The year and quarter of a stored quarter; throws on anything else. */
export function parseQuarter(q: Quarter): { year: number; q: number } {
  if (!isQuarter(q)) throw new Error(`not a quarter: ${q}`);
  return { year: Number(q.slice(0, 4)), q: Number(q.slice(5)) };
}

/**
 * A quarter as typed: `2026Q4` (any case, spaces around), `2026年第4季度`, `2026年4季度`, `2026年第四季度`,
 * full-width digits too: the stored form, or undefined.
 */
export function readQuarter(text: string): Quarter | undefined {
  const s = foldWidth(text).trim().toUpperCase();
  if (QUARTER_PATTERN.test(s)) return s;
  const m = /^(\d{4})\s*年?\s*第?\s*([1-4一二三四])\s*季度?$/.exec(s);
  if (!m || (!s.includes('季') && !s.includes('第'))) return undefined;
  const q = /\d/.test(m[2]!) ? Number(m[2]) : '一二三四'.indexOf(m[2]!) + 1;
  return formatQuarter(Number(m[1]), q);
}

/** A year as typed: `2026` or `2026年` (full-width digits too); undefined for anything else. */
export function readYear(text: string): number | undefined {
  const m = /^(\d{4})\s*年?$/.exec(foldWidth(text).trim());
  return m ? Number(m[1]) : undefined;
}

/** A quarter as people read it, in their language: `2027年第1季度` / `Q1 2027`. */
export function quarterLabel(lang: string, quarter: Quarter): string {
  const { year, q } = parseQuarter(quarter);
  return t(lang, 'jobs.quarter', { year, q });
}

/** The quarter that `date` falls in, in `tz`. */
export function quarterOf(date: Date, tz: string): Quarter {
  const { year, month } = zonedParts(date, tz);
  return formatQuarter(year, Math.floor((month - 1) / 3) + 1);
}

/** `q` moved by `n` quarters (n may be negative). */
export function addQuarters(q: Quarter, n: number): Quarter {
  const { year, q: k } = parseQuarter(q);
  const idx = year * 4 + (k - 1) + n;
  return formatQuarter(Math.floor(idx / 4), (idx % 4) + 1);
}

/** How many quarters from `a` to `b` (b - a). */
export function quartersBetween(a: Quarter, b: Quarter): number {
  const x = parseQuarter(a);
  const y = parseQuarter(b);
  return y.year * 4 + y.q - (x.year * 4 + x.q);
}

/** The first instant of quarter `q` in `tz` (00:00 on its first day), or at `hour` o'clock that day. */
export function quarterStart(q: Quarter, tz: string, hour = 0): Date {
  const { year, q: k } = parseQuarter(q);
  return zonedTimeToDate({ year, month: (k - 1) * 3 + 1, day: 1, hour, minute: 0 }, tz);
}

/** The first instant after quarter `q` in `tz`. */
export function quarterEnd(q: Quarter, tz: string): Date {
  return quarterStart(addQuarters(q, 1), tz);
}

/** Parses `YYYY-MM-DD HH:mm` as wall-clock time in `tz`; undefined when malformed or not a real date. */
export function parseLocalDateTime(text: string, tz: string): Date | undefined {
  const m = /^(\d{4})-(\d{1,2})-(\d{1,2})[ T](\d{1,2}):(\d{2})$/.exec(text.trim());
  if (!m) return undefined;
  const [year, month, day, hour, minute] = m.slice(1).map(Number);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59) return undefined;
  const probe = new Date(Date.UTC(year, month - 1, day));
  if (probe.getUTCMonth() !== month - 1) return undefined; // 2026-02-30
  return zonedTimeToDate({ year, month, day, hour, minute }, tz);
}

/** Formats an instant as `YYYY-MM-DD HH:mm` in `tz`. */
export function formatLocal(date: Date, tz: string): string {
  const p = zonedParts(date, tz);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${p.year}-${two(p.month)}-${two(p.day)} ${two(p.hour)}:${two(p.minute)}`;
}

/**
 * When a reminder before a deadline goes out: 24 h before it, or halfway through a window shorter than
 * 48 h (`windowMs`: from when the time started to run to the deadline). The one rule for every such
 * reminder: the whistled unit's deadlines, the non-voter nudge of a vote or rating.
 */
export function reminderBefore(deadline: Date, windowMs: number): Date {
  const at = windowMs >= 48 * 3600e3 ? deadline.getTime() - 24 * 3600e3 : deadline.getTime() - Math.floor(windowMs / 2);
  return new Date(at);
}


// ---- Time as people type it: durations and dates. The one reading of each, for every command, the
// ---- admin CLI and the web page (quarters: readQuarter above).

/** Full-width forms (digits, letters, colon, slash, hyphen) and the ideographic space folded to ASCII. */
export function foldWidth(text: string): string {
  return text.replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/\u3000/g, ' ');
}

const MINUTE = 60e3;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** The longest duration anyone may type (a sane bound; each command bounds its own further). */
export const MAX_DURATION_MS = 365 * DAY;

const DURATION_UNITS: [RegExp, number][] = [
  [/^(m|mins?|minutes?|分钟|分)$/i, MINUTE],
  [/^(h|hrs?|hours?|小时|个小时|钟头|个钟头)$/i, HOUR],
  [/^(d|days?|天|日)$/i, DAY],
  [/^(w|wks?|weeks?|周|星期|个星期|礼拜|个礼拜)$/i, 7 * DAY],
];

/** 一 … 九十九 and 两 as Chinese residents type small counts (`三天`, `两小时`, `十五分钟`); undefined otherwise. */
export function chineseCount(text: string): number | undefined {
  const digit = (c: string | undefined) => (c === undefined ? undefined : c === '两' ? 2 : '零一二三四五六七八九'.indexOf(c));
  const m = /^([一二两三四五六七八九])?(十)?([一二三四五六七八九])?$/.exec(text);
  if (!m || !text) return undefined;
  if (!m[2]) return m[3] ? undefined : digit(m[1]);
  return (m[1] ? digit(m[1])! : 1) * 10 + (m[3] ? digit(m[3])! : 0);
}

/**
 * A duration as typed: a whole number and a unit, `30m` / `48h` / `7d` / `1w` or `30分钟` / `2小时` /
 * `3天` / `1周` (full-width digits, `三天`, a space between too), in milliseconds. Undefined for anything
 * else, for zero and beyond MAX_DURATION_MS: `3天半`, `1.5h`, `0天`, `999天`.
 */
export function parseDuration(text: string): number | undefined {
  const m = /^([0-9]{1,4}|[一二两三四五六七八九十]{1,3})\s*([A-Za-z]+|[\u4e00-\u9fff]+)$/.exec(foldWidth(text).trim());
  if (!m) return undefined;
  const n = /^\d/.test(m[1]!) ? Number(m[1]) : chineseCount(m[1]!);
  const unit = DURATION_UNITS.find(([re]) => re.test(m[2]!));
  if (n === undefined || !unit) return undefined;
  const ms = n * unit[1];
  return ms > 0 && ms <= MAX_DURATION_MS ? ms : undefined;
}

/** Whether a word is meant as a duration (a number then a unit-like tail), so a malformed one is refused, not taken as text. */
export function looksLikeDuration(word: string): boolean {
  return /^([0-9]+(\.[0-9]+)?|[一二两三四五六七八九十]{1,3})\s*([A-Za-z]|分|小时|个小时|个钟头|钟头|天|日|周|星期|个星期|礼拜)/.test(foldWidth(word).trim()) && !word.includes('|');
}

export interface Day {
  year: number;
  month: number;
  day: number;
}

const DATE_FORMS = [
  /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})日?/, // 2026-12-08, 2026/12/8
  /^(\d{4})年(\d{1,2})月(\d{1,2})[日号]?/, // 2026年12月8日
  /^()(\d{1,2})月(\d{1,2})[日号]?/, // 12月8日: the next such day
];
const RELATIVE_DAYS: Record<string, number> = { 今天: 0, 今日: 0, 明天: 1, 明日: 1, 后天: 2, 後天: 2, 大后天: 3 };

/** A real calendar day (not 2026-02-30). */
const isRealDay = (d: Day) => d.month >= 1 && d.month <= 12 && d.day >= 1 && new Date(Date.UTC(d.year, d.month - 1, d.day)).getUTCDate() === d.day;

/**
 * A day at the start of `text`: `2026-12-08`, `2026年12月8日`, `12月8日` (without a year: that day
 * this year, or next year once it has passed), `今天` / `明天` / `后天`. Returns the day, whether a year
 * was written, and what follows; undefined when no day starts the text or it is not a real day.
 */
function leadingDay(text: string, tz: string, now: Date): { day: Day; yearless: boolean; rest: string } | undefined {
  const rel = /^(大后天|今天|今日|明天|明日|后天|後天)/.exec(text);
  const today = zonedParts(now, tz);
  if (rel) {
    const probe = new Date(Date.UTC(today.year, today.month - 1, today.day + RELATIVE_DAYS[rel[1]!]!));
    return { day: { year: probe.getUTCFullYear(), month: probe.getUTCMonth() + 1, day: probe.getUTCDate() }, yearless: false, rest: text.slice(rel[0].length) };
  }
  for (const re of DATE_FORMS) {
    const m = re.exec(text);
    if (!m) continue;
    const yearless = m[1] === '';
    const day = { year: yearless ? today.year : Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
    if (!isRealDay(day) && !(yearless && isRealDay({ ...day, year: today.year + 1 }))) return undefined;
    return { day, yearless, rest: text.slice(m[0].length) };
  }
  return undefined;
}

/** The wall-clock time at the start of `text`: `18:00`, `9:30`, `18点`, `下午6点半`, `晚上7点30分`. */
function leadingTime(text: string): { hour: number; minute: number; rest: string } | undefined {
  const m = /^(上午|早上|早晨|中午|下午|傍晚|晚上)?\s*(\d{1,2})(?::(\d{2})|[点時时](?:(\d{1,2})分?|(半))?)/.exec(text);
  if (!m) return undefined;
  let hour = Number(m[2]);
  const minute = m[3] !== undefined ? Number(m[3]) : m[4] !== undefined ? Number(m[4]) : m[5] ? 30 : 0;
  if (m[1] && /下午|傍晚|晚上/.test(m[1]) && hour >= 1 && hour < 12) hour += 12;
  if (hour > 23 || minute > 59) return undefined;
  return { hour, minute, rest: text.slice(m[0].length) };
}

/**
 * A date and time at the start of what was typed, as wall-clock time in `tz`: `2026-12-08 18:00`,
 * `12月8日 18:00` (no year: the next such day), `明天 18:00`, `后天 9:00`, `明天下午3点`; full-width
 * digits and colon too, the space optional. Returns the instant and the text after it; undefined when
 * the text does not start with one or it is not a real date and time (`明天25:00`, `2026-02-30 10:00`).
 */
export function readDateTime(typed: string, tz: string, now: Date): { when: Date; rest: string } | undefined {
  const text = foldWidth(typed).trim();
  const d = leadingDay(text, tz, now);
  if (!d) return undefined;
  const sep = /^(?:\s+|T)?/.exec(d.rest)![0];
  const time = leadingTime(d.rest.slice(sep.length));
  if (!time || (time.rest && !/^\s/.test(time.rest))) return undefined;
  let when = zonedTimeToDate({ ...d.day, hour: time.hour, minute: time.minute }, tz);
  if (d.yearless && (!isRealDay(d.day) || when.getTime() <= now.getTime())) when = zonedTimeToDate({ ...d.day, year: d.day.year + 1, hour: time.hour, minute: time.minute }, tz);
  return { when, rest: time.rest.trim() };
}

/** A date and time, the whole text (see readDateTime); undefined otherwise. */
export function parseDateTime(typed: string, tz: string, now: Date): Date | undefined {
  const r = readDateTime(typed, tz, now);
  return r && !r.rest ? r.when : undefined;
}

/**
 * A day, the whole text: `2026-12-01`, `12月1日` (no year: the next such day, today included),
 * `明天`; undefined otherwise.
 */
export function parseDay(typed: string, tz: string, now: Date): Day | undefined {
  const d = leadingDay(foldWidth(typed).trim(), tz, now);
  if (!d || d.rest.trim()) return undefined;
  if (!d.yearless) return d.day;
  const today = zonedParts(now, tz);
  const passed = d.day.month < today.month || (d.day.month === today.month && d.day.day < today.day);
  const day = passed || !isRealDay(d.day) ? { ...d.day, year: d.day.year + 1 } : d.day;
  return isRealDay(day) ? day : undefined;
}

/** Whether a word starts like a date (so a malformed one is refused as a date, not taken as text). */
export function looksLikeDate(word: string): boolean {
  return /^(\d{4}[-/.年]\d|\d{1,2}月\d|今天|今日|明天|明日|后天|後天|大后天)/.test(foldWidth(word).trim());
}

