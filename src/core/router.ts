/**
 * The router: which use case answers which command where. A table, nothing else: parsing of each
 * command's arguments lives beside its use case (src/<area>/commands.ts), the transaction and dedupe
 * in ./unit-of-work.ts, refusal texts in ./refusals.ts.
 */
import * as consultation from '../consultation/commands.js';
import { pressBallot, type PressAnswer } from '../consultation/press.js';
import type { PressGroups } from '../consultation/press-groups.js';
import type { Incoming } from '../kernel/types.js';
import type { Lang } from '../i18n/index.js';
import type { CommandResult, Ctx } from '../kernel/context.js';
import { stats } from '../consultation/stats.js';
import { chairInfo } from '../council/meetings.js';
import { bind } from '../people/bind.js';
import type { PersonCtx } from '../kernel/person-context.js';
import { link } from '../people/link-command.js';
import { start } from '../people/start.js';
import * as owners from '../owners/commands.js';
import * as whistle from '../whistle/commands.js';
import * as members from '../members/commands.js';
import * as points from '../points/commands.js';
import * as web from '../sessions/commands.js';
import type { CommandName } from './parse.js';
import { helpInGroup, helpPrivately, helpUnbound } from './help.js';
// the practice in depth (issue 28)
import * as practice from '../consultation/practice-commands.js';

export type GroupHandler = (ctx: Ctx, args: string) => Promise<CommandResult>;
export type PersonHandler = (ctx: PersonCtx, args: string) => Promise<CommandResult>;

export interface Route {
  /** In a group bound to a community: the writer is (made) a resident there. */
  group?: GroupHandler;
  /** In a private chat with the bot. Absent: refused, "use this in your community's group". */
  private?: PersonHandler;
  /** In a group not bound yet. Absent: refused NOT_BOUND. */
  unbound?: PersonHandler;
  /** In any group, bound or not, before any membership (binding itself). Takes precedence. */
  anyGroup?: PersonHandler;
}

const linkInGroup: GroupHandler = (ctx, args) =>
  link({ tx: ctx.tx, now: ctx.now, t: ctx.t, platform: ctx.chat!.platform, personId: ctx.personId, identityId: ctx.identityId!, where: { kind: 'group' } }, args);

export const ROUTES: Record<CommandName, Route> = {
  start: { group: helpInGroup, private: start, unbound: helpUnbound },
  help: { group: helpInGroup, private: helpPrivately, unbound: helpUnbound },
  bind: { anyGroup: bind, private: bind },
  suggest: { group: consultation.suggestCommand },
  support: { group: consultation.supportCommand },
  comment: { group: consultation.commentCommand },
  list: { group: consultation.listCommand },
  show: { group: consultation.showCommand },
  agenda: { group: consultation.agendaCommand },
  poll: { group: consultation.pollCommand },
  vote: { group: consultation.voteCommand },
  rate: { group: consultation.rateCommand },
  // An owners' vote on n if one is open, otherwise the consultation's vote or rating.
  close: { group: owners.closeCommand },
  progress: { group: consultation.progressCommand },
  done: { group: consultation.doneCommand },
  withdraw: { group: consultation.withdrawCommand },
  link: { group: linkInGroup, private: link },
  chair: { group: chairInfo },
  meeting: { group: consultation.meetingCommand },
  stats: { group: stats, private: practice.areaStatsPrivately },
  whistle: { group: whistle.whistleCommand },
  report: { group: whistle.reportCommand, private: whistle.reportPrivately },
  answer: { group: whistle.answerCommand, private: whistle.answerPrivately },
  ownersvote: { group: owners.ownersVoteCommand },
  ownervote: { group: owners.ownerVoteCommand },
  owner: { group: owners.ownerCommand, private: owners.ownerPrivateCommand },
  register: { group: members.registerInGroup, private: members.registerPrivately },
  volunteer: { group: members.privateOnly('/volunteer'), private: members.registerVolunteerPrivately },
  confirm_member: { group: members.confirmMemberCommand },
  need: { group: members.needCommand },
  needs: { group: members.needsCommand },
  claim: { group: members.claimCommand },
  served: { group: members.servedCommand, private: members.servedPrivately },
  confirm: { group: members.confirmCommand },
  return: { group: members.returnCommand },
  needrate: { group: members.needRateCommand },
  points: { group: members.privateOnly('/points'), private: points.pointsPrivately },
  ranking: { group: points.rankingInGroup, private: points.rankingPrivately },
  web: { group: members.privateOnly('/web'), private: web.webCommand },
  notice: { group: members.privateOnly('/notice'), private: web.noticeCommand },
  page: { group: members.privateOnly('/page'), private: web.pageCommand },
  // the practice in depth (issue 28)
  minutes: { group: practice.minutesCommand },
  checkin: { group: practice.checkinCommand },
  follow: { group: practice.followCommand },
  unfollow: { group: practice.unfollowCommand },
  objection: { group: practice.objectionCommand },
  merge: { group: consultation.mergeCommand },
};

export type StatementButton = (groups: PressGroups, incoming: Incoming, data: string, now: Date, lang: Lang) => Promise<PressAnswer | undefined>;

/**
 * Ballot and rating buttons, by the prefix of their data: each press is one statement of its own,
 * grouped with presses arriving together (consultation/press.ts), outside the unit of work.
 */
export const BALLOT_BUTTONS: Record<string, StatementButton> = {
  v: pressBallot,
  r: pressBallot,
};

/** The other buttons, by the prefix of their data `<prefix>:…`; pressed in a bound group, in the unit of work. */
export const BUTTONS: Record<string, (ctx: Ctx, data: string) => Promise<CommandResult>> = {
  o: owners.ownerButton,
  c: members.claimButtonPressed,
  nr: members.rateButtonPressed,
  sp: consultation.supportButtonPressed,
};
