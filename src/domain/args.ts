/** Argument schemas (zod) for each command. A failed parse is a DomainError with the code in the issue. */
import { z } from 'zod';
import { DomainError, type ErrorCode } from './errors.js';
import { isSlug } from './slug.js';
import { charLength, cleanText, LIMITS, oneLine } from './text.js';
import { foldWidth, looksLikeDuration, parseDuration, readDateTime } from './time.js';

type Issue = { addIssue(issue: { code: 'custom'; message: string; params?: Record<string, unknown>; input?: unknown }): void };

function fail(ctx: Issue, code: ErrorCode, params: Record<string, string | number> = {}): never {
  ctx.addIssue({ code: 'custom', message: code, params: { code, ...params } });
  return z.NEVER as never;
}

/** Runs a schema; its first issue becomes the refusal. */
export function parseArg<T>(schema: z.ZodType<T>, input: unknown): T {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const issue = r.error.issues[0] as { params?: Record<string, string | number> } | undefined;
  const { code, ...params } = (issue?.params ?? { code: 'BAD_NUMBER' }) as { code: ErrorCode } & Record<string, string | number>;
  throw new DomainError(code ?? 'BAD_NUMBER', params);
}

/**
 * A number as typed, with or without the mark that names what it counts (提议 `#3`, 需求 `N3`,
 * 会议 `M2`, 报到 `R7`; any case, full-width too). Each kind accepts only its own mark.
 */
const markedNumber = (mark: RegExp) => (example: string) =>
  z.string().transform((v, ctx) => {
    const m = new RegExp(`^(?:${mark.source})?\\s*(\\d{1,9})$`, 'i').exec(foldWidth(v).trim());
    if (!m || Number(m[1]) < 1) return fail(ctx, 'BAD_NUMBER', { example });
    return Number(m[1]);
  });

/** A suggestion's number: `3` or `#3` (提议 #3). */
export const suggestionNumber = markedNumber(/#/);
/** A need's number: `3` or `N3` (需求 N3). */
export const needNumber = markedNumber(/N/);
/** A meeting's number: `2` or `M2` (会议 M2). */
export const meetingNumber = markedNumber(/M/);
/** A party member's report number: `7` or `R7` (报到 R7). */
export const reportNumber = markedNumber(/R/);

export const freeText = (max: number, example: string) =>
  z.string().transform((v, ctx) => {
    const c = cleanText(v);
    if (!c) return fail(ctx, 'EMPTY_TEXT', { example });
    if (charLength(c) > max) return fail(ctx, 'TEXT_TOO_LONG', { max });
    return c;
  });

const MIN_POLL_MS = 60e3;
const MAX_POLL_MS = 30 * 86400e3;

/** A duration as typed (time.ts parseDuration: `30m`, `2小时`, `3天`, `1周`), between 1 minute and 30 days. */
export const duration = z.string().transform((v, ctx) => {
  const ms = parseDuration(v);
  if (ms === undefined || ms < MIN_POLL_MS || ms > MAX_POLL_MS) return fail(ctx, 'BAD_DURATION');
  return ms;
});

export const DEFAULT_POLL_MS = 48 * 3600e3;

export const choiceList = z.string().transform((v, ctx) => {
  const parts = v.split('|').map((p) => oneLine(p));
  const example = 'A|B|C';
  if (parts.length < 2 || parts.some((p) => !p)) return fail(ctx, 'BAD_CHOICE', { choices: example });
  if (parts.length > LIMITS.choices) return fail(ctx, 'BAD_CHOICE', { choices: `≤ ${LIMITS.choices}` });
  if (parts.some((p) => charLength(p) > LIMITS.choice)) return fail(ctx, 'TEXT_TOO_LONG', { max: LIMITS.choice });
  if (new Set(parts.map((p) => p.toLowerCase())).size !== parts.length) return fail(ctx, 'BAD_CHOICE', { choices: parts.join('|') });
  return parts;
});

/** `/poll <n> [时长] [A|B|…]`: a word that looks like a duration is one (a malformed one is refused, never a choice). */
export function pollArgs(args: string): { n: number; durationMs: number; choices?: string[] } {
  const [nText = '', rest = ''] = splitArgs(args, 2);
  const n = parseArg(suggestionNumber('/poll 3 48h'), nText);
  let tail = rest.trim();
  let durationMs = DEFAULT_POLL_MS;
  const [first = '', after = ''] = splitArgs(tail, 2);
  if (first && looksLikeDuration(first)) {
    durationMs = parseArg(duration, first);
    tail = after.trim();
  }
  const choices = tail ? parseArg(choiceList, tail) : undefined;
  return { n, durationMs, choices };
}

/** `/done <n> [48h]` */
export function doneArgs(args: string): { n: number; durationMs: number } {
  const [nText = '', d = ''] = splitArgs(args, 2);
  const n = parseArg(suggestionNumber('/done 3'), nText);
  return { n, durationMs: d.trim() ? parseArg(duration, d.trim()) : DEFAULT_POLL_MS };
}

export const percentArg = z.string().transform((v, ctx) => {
  const m = /^(\d{1,3})%?$/.exec(v.trim());
  if (!m || Number(m[1]) > 100) return fail(ctx, 'BAD_NUMBER', { example: 'example.progress' });
  return Number(m[1]);
});

export const linkCode = z.string().transform((v, ctx) => {
  const c = v.trim().toUpperCase();
  if (!/^[A-Z0-9]{6}$/.test(c)) return fail(ctx, 'BAD_CODE');
  return c;
});

export const slugArg = z.string().transform((v, ctx) => {
  const s = v.trim();
  if (!s) return fail(ctx, 'EMPTY_TEXT', { example: '/bind demo' });
  if (!isSlug(s)) return fail(ctx, 'UNKNOWN_COMMUNITY', { slug: oneLine(s).slice(0, 40) });
  return s;
});

export const MEETING_EXAMPLE = 'example.meeting';

/** A date and time typed at the start of `text` (time.ts readDateTime), and what follows; refused BAD_DATE otherwise. */
export function dateTimeArg(text: string, tz: string, now: Date): { when: Date; rest: string } {
  const r = readDateTime(text, tz, now);
  if (!r) throw new DomainError('BAD_DATE', { example: MEETING_EXAMPLE });
  return r;
}

export type MeetingArgs =
  | { op: 'schedule'; when: Date; place: string }
  | { op: 'move'; id: number; when: Date }
  | { op: 'cancel'; id: number };

/** `/meeting <日期 时间> <地点>`, `/meeting 改期 <会议编号> <日期 时间>`, `/meeting 取消 <会议编号>` (move, cancel too). */
export function meetingArgs(args: string, tz: string, now: Date): MeetingArgs {
  const [first = '', rest = ''] = splitArgs(args, 2);
  const op = first.toLowerCase();
  if (op === 'move' || op === '改期') {
    const [id = '', date = ''] = splitArgs(rest, 2);
    const when = dateTimeArg(date, tz, now);
    if (when.rest) throw new DomainError('BAD_DATE', { example: MEETING_EXAMPLE });
    return { op: 'move', id: parseArg(meetingNumber('/meeting 改期 M2 12月9日 19:00'), id), when: when.when };
  }
  if (op === 'cancel' || op === '取消') return { op: 'cancel', id: parseArg(meetingNumber('/meeting 取消 M2'), rest.trim()) };
  const { when, rest: place } = dateTimeArg(args, tz, now);
  return { op: 'schedule', when, place: parseArg(freeText(LIMITS.place, MEETING_EXAMPLE), oneLine(place)) };
}

/** Button data `v:<pollId>:<k>` / `r:<pollId>:<k>`; anything else is BAD_BUTTON. */
export const buttonSchema = z
  .string()
  .max(64)
  .regex(/^[vr]:\d{1,9}:\d{1,2}$/)
  .transform((v) => {
    const [kind, pollId, k] = v.split(':');
    return { kind: kind === 'v' ? ('vote' as const) : ('rating' as const), pollId: Number(pollId), k: Number(k) };
  });

/** Splits an argument string on whitespace (at most `limit` pieces; the last keeps the rest). */
export function splitArgs(args: string, limit = Infinity): string[] {
  const out: string[] = [];
  let rest = args.trim();
  while (rest && out.length < limit - 1) {
    const m = /^(\S+)\s*([\s\S]*)$/.exec(rest)!;
    out.push(m[1]);
    rest = m[2];
  }
  if (rest) out.push(rest);
  return out;
}
