/**
 * The owners' commands: each handler parses its argument string (refusing with a stable code) and calls
 * its use case. The router maps `/ownersvote`, `/ownervote`, `/owner`, `/close` and the `o:` buttons here.
 */
import { closeCommand as closeConsultation } from '../consultation/commands.js';
import type { CommandResult, Ctx } from '../kernel/context.js';
import { duration, parseArg, splitArgs, suggestionNumber } from '../domain/args.js';
import { refuse } from '../domain/errors.js';
import { isMatter, type OwnerChoice } from '../domain/owners.js';
import { foldWidth, looksLikeDuration } from '../domain/time.js';
import type { PersonCtx } from '../kernel/person-context.js';
import { closeOwnersVote } from './close.js';
import { redeemOwnerCode } from './codes.js';
import { matterList } from './render.js';
import { castOwnerBallot, openOwnersVote, openOwnersVoteOn, pressOwnerBallot } from './vote.js';

type Handler = (ctx: Ctx, args: string) => Promise<CommandResult>;

const DAY_MS = 86400e3;
export const DEFAULT_OWNERS_VOTE_MS = 7 * DAY_MS;
const MAX_DAYS = 30;

/** `[days]`: a whole number of days (1-30), or a duration like the other votes' (`7天`, `48小时`, `7d`). */
function ownersVoteDuration(typed: string | undefined): number {
  if (typed === undefined) return DEFAULT_OWNERS_VOTE_MS;
  const v = foldWidth(typed).trim();
  if (/^\d{1,3}$/.test(v)) {
    const days = Number(v);
    if (days < 1 || days > MAX_DAYS) return refuse('BAD_DURATION');
    return days * DAY_MS;
  }
  return parseArg(duration, v);
}

/** `/ownersvote <n> <matter 1-9> [days] [buildings]` (业主表决), staff; buildings as `1栋,2栋` restrict it to their units. */
export const ownersVoteCommand: Handler = (ctx, args) => {
  const [n, m, ...rest] = splitArgs(args);
  const example = '/ownersvote 3 5 14 1栋,2栋';
  const number = parseArg(suggestionNumber(example), n ?? '');
  const matter = Number(m);
  if (!m || !/^\d$/.test(m) || !isMatter(matter)) return refuse('BAD_MATTER', { matters: matterList(ctx.lang) });
  // `[days] [buildings]`: a number or duration is the time, anything else the buildings (`1栋,2栋`).
  const days = rest[0] !== undefined && (/^\d+$/.test(foldWidth(rest[0])) || looksLikeDuration(rest[0])) ? rest.shift() : undefined;
  const buildingsText = rest.shift();
  if (rest.length) return refuse('BAD_NUMBER', { example });
  const buildings = buildingsText === undefined ? undefined : [...new Set(buildingsText.split(/[,，、]/).map((b) => b.trim()).filter(Boolean))];
  if (buildings && !buildings.length) return refuse('BAD_NUMBER', { example });
  return openOwnersVote(ctx, number, matter, ownersVoteDuration(days), buildings);
};

const CHOICE_WORDS: Record<string, OwnerChoice> = {
  '1': 1, 同意: 1, 赞成: 1, agree: 1, yes: 1, for: 1,
  '2': 2, 反对: 2, against: 2, no: 2,
  '3': 3, 弃权: 3, abstain: 3,
};

/** `/ownervote <n> <1|2|3 or 同意|反对|弃权>` (业主投票): an owner's ballot by text. */
export const ownerVoteCommand: Handler = (ctx, args) => {
  const [n, k, ...extra] = splitArgs(args);
  const number = parseArg(suggestionNumber('/ownervote 3 1'), n ?? '');
  const choice = k === undefined || extra.length ? undefined : CHOICE_WORDS[k.toLowerCase()];
  if (!choice) return refuse('BAD_CHOICE', { choices: `1.${ctx.t('owners.choice.1')} 2.${ctx.t('owners.choice.2')} 3.${ctx.t('owners.choice.3')}` });
  return castOwnerBallot(ctx, number, choice);
};

/** A code is letters and digits; anything else cannot be one. */
function ownerCode(args: string): string {
  const code = args.trim();
  return /^[A-Za-z0-9]{4,16}$/.test(code) ? code : refuse('BAD_OWNER_CODE');
}

/** `/owner <code>` in a bound group. */
export const ownerCommand: Handler = async (ctx, args) => {
  const r = await redeemOwnerCode(ctx.tx, ownerCode(args), ctx.personId, ctx.now);
  ctx.audits.count++;
  return { reply: { text: ctx.t(r.already ? 'owners.alreadyLinked' : 'owners.linked', { units: r.units }) } };
};

/** `/owner <code>` in a private chat with the bot. */
export const ownerPrivateCommand = async (ctx: PersonCtx, args: string): Promise<CommandResult> => {
  const r = await redeemOwnerCode(ctx.tx, ownerCode(args), ctx.personId, ctx.now);
  return { reply: { text: ctx.t(r.already ? 'owners.alreadyLinked' : 'owners.linked', { units: r.units }) } };
};

/** `/close <n>`: the open owners' vote on n if there is one, otherwise the consultation's vote or rating. */
export const closeCommand: Handler = async (ctx, args) => {
  const number = parseArg(suggestionNumber('/close 3'), args);
  if (await openOwnersVoteOn(ctx, number)) return closeOwnersVote(ctx, number);
  return closeConsultation(ctx, args);
};

/** A ballot button `o:<voteId>:<k>`. */
export const ownerButton = (ctx: Ctx, data: string) => pressOwnerBallot(ctx, data);
