/**
 * The consultation commands' arguments: each handler parses its argument string (zod, refusing with a
 * stable code) and calls its use case. The router maps command names to these.
 */
import { doneArgs, freeText, meetingArgs, parseArg, percentArg, pollArgs, splitArgs, suggestionNumber } from '../domain/args.js';
import { refuse } from '../domain/errors.js';
import { LIMITS } from '../domain/text.js';
import { cancelMeeting, moveMeeting, scheduleMeeting } from '../council/meetings.js';
import { castByCommand } from './ballot.js';
import { getSuggestion, type CommandResult, type Ctx } from '../kernel/context.js';
import { agenda, close, openVote } from './decide.js';
import { done, progress } from './evaluate.js';
import { comment, suggest, support, withdraw } from './raise.js';
import { list, show, stageFromText } from './read.js';
import type { PollKind } from './poll.js';
import { gridFilter } from '../org/grids.js';
import { merge } from './merge.js';

type Handler = (ctx: Ctx, args: string) => Promise<CommandResult>;

/** A handler whose one argument is a suggestion number; `example` is shown when it is malformed. */
const onNumber = (example: string, run: (ctx: Ctx, n: number) => Promise<CommandResult>): Handler => (ctx, args) => run(ctx, parseArg(suggestionNumber(example), args));

export const suggestCommand: Handler = (ctx, args) => suggest(ctx, parseArg(freeText(LIMITS.suggestion, 'example.suggest'), args));
export const supportCommand = onNumber('/support 3', support);
export const showCommand = onNumber('/show 3', show);
export const agendaCommand = onNumber('/agenda 3', agenda);
export const closeCommand = onNumber('/close 3', close);
export const withdrawCommand = onNumber('/withdraw 3', withdraw);

export const commentCommand: Handler = (ctx, args) => {
  const [n, text = ''] = splitArgs(args, 2);
  return comment(ctx, parseArg(suggestionNumber('example.comment'), n ?? ''), parseArg(freeText(LIMITS.comment, 'example.comment'), text));
};

/** `/list [status] [grid]`: a last word naming one of the community's grids filters by grid. */
export const listCommand: Handler = async (ctx, args) => {
  const { rest, grid } = await gridFilter(ctx, args);
  if (!rest.trim()) return list(ctx, undefined, grid?.id);
  const stage = stageFromText(ctx, rest);
  if (!stage) return refuse('BAD_CHOICE', { choices: 'example.stages' });
  return list(ctx, stage, grid?.id);
};

/** `/merge <n> <k>` (合并): staff merge the duplicate n into k. */
export const mergeCommand: Handler = (ctx, args) => {
  const [n = '', k = ''] = splitArgs(args, 2);
  const number = suggestionNumber('/merge 5 3');
  return merge(ctx, parseArg(number, n), parseArg(number, k));
};

/** The 附议 #k button under a reply naming similar items (`sp:<k>`): the same support as `/support k`. */
export async function supportButtonPressed(ctx: Ctx, data: string): Promise<CommandResult> {
  const m = /^sp:(\d{1,9})$/.exec(data);
  if (!m) return refuse('BAD_BUTTON');
  const result = await support(ctx, Number(m[1]));
  return { ...result, toast: result.reply?.text };
}

export const pollCommand: Handler = (ctx, args) => {
  const a = pollArgs(args);
  return openVote(ctx, a.n, a.durationMs, a.choices);
};

/** `/vote <n> <k>` casts only ballots and `/rate <n> <k>` only ratings: a rating typed while a vote is open must not become a ballot. */
const castCommand = (kind: PollKind, example: string, choices: string): Handler => async (ctx, args) => {
  const [n, k = ''] = splitArgs(args, 2);
  const number = parseArg(suggestionNumber(example), n ?? '');
  if (!k.trim()) return refuse('BAD_CHOICE', { choices });
  const s = await getSuggestion(ctx, number);
  return castByCommand(ctx, s, parseArg(freeText(LIMITS.choice, example), k), kind);
};
export const voteCommand = castCommand('vote', '/vote 3 1', '1 2 3');
export const rateCommand = castCommand('rating', '/rate 3 1', 'example.rateChoices');

export const progressCommand: Handler = (ctx, args) => {
  const [n, pct = '', text = ''] = splitArgs(args, 3);
  const example = 'example.progress';
  return progress(ctx, parseArg(suggestionNumber(example), n ?? ''), parseArg(percentArg, pct), parseArg(freeText(LIMITS.progress, example), text));
};

export const doneCommand: Handler = (ctx, args) => {
  const a = doneArgs(args);
  return done(ctx, a.n, a.durationMs);
};

export const meetingCommand: Handler = (ctx, args) => {
  const a = meetingArgs(args, ctx.tz, ctx.now);
  if (a.op === 'move') return moveMeeting(ctx, a.id, a.when);
  if (a.op === 'cancel') return cancelMeeting(ctx, a.id);
  return scheduleMeeting(ctx, a.when, a.place);
};
