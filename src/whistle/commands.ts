/** The whistle commands' arguments: `/whistle <n> <unit> [deadline]`, `/report <n>`, `/answer <n> <text>`. */
import { z } from 'zod';
import { duration, freeText, parseArg, splitArgs, suggestionNumber } from '../domain/args.js';
import { DomainError, refuse } from '../domain/errors.js';
import { findItemRef, parseItemRef } from '../domain/slug.js';
import { looksLikeDuration } from '../domain/time.js';
import { LIMITS } from '../domain/text.js';
import type { CommandResult, Ctx } from '../kernel/context.js';
import type { PersonCtx } from '../kernel/person-context.js';
import { actorOfGroup, actorOfPerson } from './actor.js';
import { blowWhistle } from './blow.js';
import { answerWhistle, reportWhistle, type ItemRef } from './respond.js';

const WHISTLE_EXAMPLE = '/whistle 3 城管执法队 24';
const REPORT_EXAMPLE = '/report 3';
const ANSWER_EXAMPLE = '/answer 3 已安排下周二维修';

/** A report deadline: a bare number is hours; else a duration as for /poll (`30分钟`, `2小时`, `3天`, `30m`), at least 1 minute. */
export function reportDeadlineArg(text: string): number {
  if (/^\d{1,4}$/.test(text)) return parseArg(duration, `${text}h`);
  return parseArg(duration, text);
}

const looksLikeDeadline = (s: string) => /^\d{1,4}$/.test(s) || looksLikeDuration(s);

/** `/whistle <n> <unit name> [deadline]` (吹哨). */
export async function whistleCommand(ctx: Ctx, args: string): Promise<CommandResult> {
  const [nText = '', rest = ''] = splitArgs(args, 2);
  const n = parseArg(suggestionNumber(WHISTLE_EXAMPLE), nText);
  const words = rest.trim().split(/\s+/).filter(Boolean);
  let reportMs: number | undefined;
  if (words.length > 1 && looksLikeDeadline(words[words.length - 1]!)) reportMs = reportDeadlineArg(words.pop()!);
  const unit = parseArg(freeText(100, WHISTLE_EXAMPLE), words.join(' '));
  return blowWhistle(ctx, n, unit, reportMs);
}

/** `3`, `#3` or `<community>#3`. */
export const itemRef = (example: string) =>
  z.string().transform((v, ctx): ItemRef => {
    const ref = parseItemRef(v);
    if (!ref || ref.digits.length > 9 || Number(ref.digits) < 1) {
      ctx.addIssue({ code: 'custom', message: 'BAD_NUMBER', params: { code: 'BAD_NUMBER', example } });
      return z.NEVER;
    }
    return { slug: ref.slug, n: Number(ref.digits) };
  });

/** In a group the item is this community's: a `<community>#<n>` naming another one is refused. */
function inGroup(ctx: Ctx, ref: ItemRef): ItemRef {
  if (ref.slug && ref.slug !== ctx.community.slug) throw new DomainError('NO_OPEN_WHISTLE', { n: `${ref.slug}#${ref.n}` });
  return { n: ref.n };
}

export const reportCommand = (ctx: Ctx, args: string) => reportWhistle(actorOfGroup(ctx), inGroup(ctx, parseArg(itemRef(REPORT_EXAMPLE), args)), ctx.community.id);

/**
 * Privately a bare `<n>` is looked up among the unit's open whistles; written as a reply to the whistle
 * message, the `<community>#<n>` that message carries tells two communities' items apart (and stands in
 * for a missing number).
 */
function privateRef(ctx: PersonCtx, given: string, example: string): ItemRef {
  const quoted = findItemRef(ctx.where.replyToText ?? '');
  if (!given.trim() && quoted) return { slug: quoted.slug, n: Number(quoted.digits) };
  const ref = parseArg(itemRef(example), given);
  return !ref.slug && quoted && Number(quoted.digits) === ref.n ? { slug: quoted.slug, n: ref.n } : ref;
}

export const reportPrivately = (ctx: PersonCtx, args: string) => reportWhistle(actorOfPerson(ctx), privateRef(ctx, args, REPORT_EXAMPLE));

function answerArgs(args: string, ctx?: PersonCtx): { ref: ItemRef; text: string } {
  let [r = '', text = ''] = splitArgs(args, 2);
  // Replying to the whistle message, the number may be left out: then every word is the answer.
  if (ctx?.where.replyToText && !parseItemRef(r)) [r, text] = ['', args];
  const ref = ctx ? privateRef(ctx, r, ANSWER_EXAMPLE) : parseArg(itemRef(ANSWER_EXAMPLE), r);
  if (!text.trim()) return refuse('EMPTY_TEXT', { example: ANSWER_EXAMPLE });
  return { ref, text: parseArg(freeText(LIMITS.comment, ANSWER_EXAMPLE), text) };
}

export async function answerCommand(ctx: Ctx, args: string): Promise<CommandResult> {
  const a = answerArgs(args);
  return answerWhistle(actorOfGroup(ctx), inGroup(ctx, a.ref), a.text, ctx.community.id);
}

export async function answerPrivately(ctx: PersonCtx, args: string): Promise<CommandResult> {
  const a = answerArgs(args, ctx);
  return answerWhistle(actorOfPerson(ctx), a.ref, a.text);
}
