/** Argument schemas (zod) for each command. A failed parse is a DomainError with the code in the issue. */
import { z } from 'zod';
import { DomainError, type ErrorCode } from './errors.js';
import { isSlug } from './slug.js';
import { charLength, cleanText, LIMITS, oneLine } from './text.js';
import { parseDuration, parseLocalDateTime } from './time.js';

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

export const suggestionNumber = (example: string) =>
  z.string().transform((v, ctx) => {
    const m = /^#?(\d{1,9})$/.exec(v.trim());
    if (!m || Number(m[1]) < 1) return fail(ctx, 'BAD_NUMBER', { example });
    return Number(m[1]);
  });

export const freeText = (max: number, example: string) =>
  z.string().transform((v, ctx) => {
    const c = cleanText(v);
    if (!c) return fail(ctx, 'EMPTY_TEXT', { example });
    if (charLength(c) > max) return fail(ctx, 'TEXT_TOO_LONG', { max });
    return c;
  });

const MIN_POLL_MS = 60e3;
const MAX_POLL_MS = 30 * 86400e3;

export const duration = z.string().transform((v, ctx) => {
  const ms = parseDuration(v);
  if (ms === undefined || ms < MIN_POLL_MS || ms > MAX_POLL_MS) return fail(ctx, 'BAD_DURATION');
  return ms;
});

export const DEFAULT_POLL_MS = 48 * 3600e3;

/** Looks like a duration (so a malformed one is BAD_DURATION, not a choice). */
const durationLike = (s: string) => /^\d+\s*[A-Za-z]+$/.test(s);

export const choiceList = z.string().transform((v, ctx) => {
  const parts = v.split('|').map((p) => oneLine(p));
  const example = 'A|B|C';
  if (parts.length < 2 || parts.some((p) => !p)) return fail(ctx, 'BAD_CHOICE', { choices: example });
  if (parts.length > LIMITS.choices) return fail(ctx, 'BAD_CHOICE', { choices: `≤ ${LIMITS.choices}` });
  if (parts.some((p) => charLength(p) > LIMITS.choice)) return fail(ctx, 'TEXT_TOO_LONG', { max: LIMITS.choice });
  if (new Set(parts.map((p) => p.toLowerCase())).size !== parts.length) return fail(ctx, 'BAD_CHOICE', { choices: parts.join('|') });
  return parts;
});

/** `/poll <n> [30m|48h|7d] [A|B|…]` */
export function pollArgs(args: string): { n: number; durationMs: number; choices?: string[] } {
  const [nText = '', rest = ''] = splitArgs(args, 2);
  const n = parseArg(suggestionNumber('/poll 3 48h'), nText);
  let tail = rest.trim();
  let durationMs = DEFAULT_POLL_MS;
  const [first = '', after = ''] = splitArgs(tail, 2);
  if (first && durationLike(first)) {
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

/** `YYYY-MM-DD HH:mm` in `tz` (undefined when malformed; the caller refuses). */
export function meetingTime(date: string, time: string, tz: string): Date {
  const when = parseLocalDateTime(`${date} ${time}`, tz);
  if (!when) throw new DomainError('BAD_DATE', { example: MEETING_EXAMPLE });
  return when;
}

export type MeetingArgs =
  | { op: 'schedule'; when: Date; place: string }
  | { op: 'move'; id: number; when: Date }
  | { op: 'cancel'; id: number };

export function meetingArgs(args: string, tz: string): MeetingArgs {
  const parts = splitArgs(args, 4);
  const op = parts[0]?.toLowerCase();
  const idOf = (v = '') => parseArg(suggestionNumber('/meeting cancel 2'), v);
  if (op === 'move' || op === '改期') {
    const [, id, date = '', time = ''] = splitArgs(args, 4);
    return { op: 'move', id: idOf(id), when: meetingTime(date, time.trim(), tz) };
  }
  if (op === 'cancel' || op === '取消') return { op: 'cancel', id: idOf(parts[1]?.trim()) };
  const [date = '', time = '', place = ''] = splitArgs(args, 3);
  if (!date || !time) throw new DomainError('BAD_DATE', { example: MEETING_EXAMPLE });
  const when = meetingTime(date, time, tz);
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
