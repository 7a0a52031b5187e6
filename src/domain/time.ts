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

/** Quarter `q` (1-4) of `year`: `2026Q4`. The one writer of the stored form. */
export function formatQuarter(year: number, q: number): Quarter {
  return `${year}Q${q}`;
}

/** The year and quarter of a stored quarter; throws on anything else. */
export function parseQuarter(q: Quarter): { year: number; q: number } {
  if (!isQuarter(q)) throw new Error(`not a quarter: ${q}`);
  return { year: Number(q.slice(0, 4)), q: Number(q.slice(5)) };
}

/** A quarter as typed (`2026Q4`, `2026q4`, spaces around): the stored form, or undefined. */
export function readQuarter(text: string): Quarter | undefined {
  const s = text.trim().toUpperCase();
  return isQuarter(s) ? s : undefined;
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

/** Parses a duration such as `30m`, `48h`, `7d` into milliseconds; undefined when malformed. */
export function parseDuration(text: string): number | undefined {
  const m = /^(\d{1,4})\s*(m|min|h|d)$/i.exec(text.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = m[2].toLowerCase();
  const ms = unit === 'd' ? n * 86400e3 : unit === 'h' ? n * 3600e3 : n * 60e3;
  return ms > 0 ? ms : undefined;
}
