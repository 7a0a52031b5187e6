/**
 * The members' and needs' commands: each parses its argument string and calls its use case.
 *   /register <community> [grid] <unit>   (党员报到, privately)      /confirm-member <name or id>  (确认党员)
 *   /need <text> [points] [by date] [capacity] [#n]  (需求, 心愿)     /claim <id> or the button    (认领)
 *   /served <id> [hours] [note]           (已服务, group or private)  /confirm <id>, /return <id> <reason>
 *   /needrate <id> <1-3>                  (评价需求)                  /needs                       (需求列表)
 */
import { and, asc, eq, gt, isNull, or } from 'drizzle-orm';
import { needs } from '../db/schema.js';
import { freeText, needNumber, parseArg, splitArgs } from '../domain/args.js';
import { refuse } from '../domain/errors.js';
import { LIMITS, oneLine } from '../domain/text.js';
import type { CommandResult, Ctx } from '../kernel/context.js';
import type { PersonCtx } from '../kernel/person-context.js';
import { actorOfGroup, actorOfPerson, type Actor } from './actor.js';
import { claimNeed } from './claim.js';
import { confirmMember } from './confirm-member.js';
import { confirmService, returnService } from './confirm-service.js';
import { needOffer, placesTaken } from './needs.js';
import { needArgs, postNeed } from './post-need.js';
import { RATE_NEED_EXAMPLE, rateNeed, ratingLevel } from './rate-need.js';
import { register } from './register.js';
import { reportServed } from './serve.js';

export { claimButtonPressed } from './claim.js';
export { rateButtonPressed } from './rate-need.js';

type Handler = (ctx: Ctx, args: string) => Promise<CommandResult>;

const needId = (example: string, text: string) => parseArg(needNumber(example), text);

/** A command that only works in a private chat with the bot, written in a group. */
export const privateOnly = (command: string): Handler => async () => refuse('PRIVATE_ONLY', { command });

/** `/register volunteer …` (or `/register 志愿者 …`) is 志愿者报到. */
export const registerPrivately = (ctx: PersonCtx, args: string) => {
  const [first = '', rest = ''] = splitArgs(args, 2);
  return /^(volunteer|志愿者)$/i.test(first) ? register(ctx, rest, 'volunteer') : register(ctx, args);
};
export const registerVolunteerPrivately = (ctx: PersonCtx, args: string) => register(ctx, args, 'volunteer');
export const registerInGroup = privateOnly('/register');

export const confirmMemberCommand: Handler = (ctx, args) => confirmMember(ctx, args);

export const needCommand: Handler = (ctx, args) => postNeed(ctx, needArgs(args));

export const claimCommand: Handler = (ctx, args) => claimNeed(ctx, needId('/claim 5', args));

const SERVED_EXAMPLE = '/served 5 2 陪老人去医院复诊';

/** `<id> [hours] [note]`: hours as `2`, `1.5`, `2h` or `2小时`, between 0 and 24. */
export function servedArgs(args: string): { id: number; hours?: number; note?: string } {
  const [idText = '', rest = ''] = splitArgs(args, 2);
  const id = needId(SERVED_EXAMPLE, idText);
  const [first = '', after = ''] = splitArgs(rest, 2);
  const m = /^(\d{1,2}(?:\.\d)?)(?:h|小时)?$/i.exec(first);
  let hours: number | undefined;
  let note = rest;
  if (m) {
    hours = Number(m[1]);
    if (!(hours > 0 && hours <= 24)) return refuse('BAD_NUMBER', { example: SERVED_EXAMPLE });
    note = after;
  }
  return { id, hours, note: note.trim() ? parseArg(freeText(LIMITS.comment, SERVED_EXAMPLE), note) : undefined };
}

const served = (a: Actor, args: string, communityId?: number) => {
  const s = servedArgs(args);
  return reportServed(a, s.id, s.hours, s.note, communityId);
};
export const servedCommand: Handler = (ctx, args) => served(actorOfGroup(ctx), args, ctx.community.id);
export const servedPrivately = (ctx: PersonCtx, args: string) => served(actorOfPerson(ctx), args);

export const confirmCommand: Handler = (ctx, args) => confirmService(ctx, needId('/confirm 5', args));

const RETURN_EXAMPLE = '/return 5 请补充服务照片';
export const returnCommand: Handler = (ctx, args) => {
  const [id = '', reason = ''] = splitArgs(args, 2);
  const n = needId(RETURN_EXAMPLE, id);
  return returnService(ctx, n, parseArg(freeText(LIMITS.comment, RETURN_EXAMPLE), oneLine(reason)));
};

export const needRateCommand: Handler = (ctx, args) => {
  const [id = '', k = ''] = splitArgs(args, 2);
  const n = needId(RATE_NEED_EXAMPLE, id);
  const level = ratingLevel(k, [1, 2, 3].map((i) => ctx.t(`need.rating.${i as 1 | 2 | 3}`)));
  if (level === undefined) return refuse('BAD_CHOICE', { choices: '1 2 3' });
  return rateNeed(ctx, n, level);
};

/** `/needs`: the community's needs that can still be claimed, each with its button. */
export const needsCommand: Handler = async (ctx) => {
  const open = await ctx.tx
    .select()
    .from(needs)
    .where(and(eq(needs.communityId, ctx.community.id), or(isNull(needs.dueAt), gt(needs.dueAt, ctx.now))))
    .orderBy(asc(needs.id));
  const lines: string[] = [];
  const buttons = [];
  for (const n of open) {
    const offer = needOffer(n, await placesTaken(ctx.tx, n.id), ctx.t);
    if (!offer.buttons) continue;
    lines.push(offer.text);
    buttons.push(...offer.buttons);
    if (lines.length >= 10) break;
  }
  if (!lines.length) return { reply: { text: ctx.t('need.none') } };
  return { reply: { text: lines.join('\n\n'), buttons } };
};
