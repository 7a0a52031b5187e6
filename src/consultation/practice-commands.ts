/**
 * The commands of the practice in depth (issue 28), parsed here and handed to their use cases:
 *   /checkin M<n> (签到)   /minutes M<n> <text> (纪要)   /follow <n> (关注)   /unfollow <n> (取消关注)
 *   /objection <n> <text> (异议)   /stats [slug] privately (street and district staff)
 */
import { freeText, meetingNumber, parseArg, splitArgs, suggestionNumber } from '../domain/args.js';
import { LIMITS } from '../domain/text.js';
import { checkIn, recordMinutes } from '../council/meeting-held.js';
import type { CommandResult, Ctx } from '../kernel/context.js';
import { follow, unfollow } from './followers.js';
import { objection } from './objection.js';

export { areaStatsPrivately } from './area-stats.js';

type Handler = (ctx: Ctx, args: string) => Promise<CommandResult>;

const MINUTES_MAX = 2000;
/** A meeting's number as typed: `M2` or `2`. */
const meetingId = (example: string, text: string) => parseArg(meetingNumber(example), text);

export const checkinCommand: Handler = (ctx, args) => checkIn(ctx, meetingId('签到 M2', args));

export const minutesCommand: Handler = (ctx, args) => {
  const [id = '', text = ''] = splitArgs(args, 2);
  const example = '纪要 M2 到会 15 人，议定 #3 由物业月底前修复路灯';
  return recordMinutes(ctx, meetingId(example, id), parseArg(freeText(MINUTES_MAX, example), text));
};

export const followCommand: Handler = (ctx, args) => follow(ctx, parseArg(suggestionNumber('关注 3'), args));
export const unfollowCommand: Handler = (ctx, args) => unfollow(ctx, parseArg(suggestionNumber('取消关注 3'), args));

export const objectionCommand: Handler = (ctx, args) => {
  const [n = '', text = ''] = splitArgs(args, 2);
  const example = '异议 3 表决前未公示方案';
  return objection(ctx, parseArg(suggestionNumber(example), n), parseArg(freeText(LIMITS.comment, example), text));
};
