/**
 * Every outbox dedupe key, in one place: a message with a known key is queued once, ever
 * (outbound_messages.dedupe_key is unique). The formats are stored in existing databases: do not change
 * one, add a new key instead. No other file writes a key (test/architecture/outbox-keys.test.ts).
 */
import type { WhistleStep } from '../db/schema.js';
import type { Quarter } from '../domain/time.js';

export type MeetingOffset = '24h' | '1h';

export const outboxKeys = {
  /** A poll's result, written with its close. */
  pollResult: (pollId: number) => `poll-result-${pollId}`,
  /** An owners' vote's result (src/owners), written with its close. */
  ownersVoteResult: (voteId: number) => `owners-vote-result-${voteId}`,
  /** The private nudge of one non-voter. */
  nudge: (pollId: number, personId: number) => `nudge-${pollId}-${personId}`,
  /** Every reminder of one meeting at one time (a prefix: one key per chat, below). */
  meetingReminder: (meetingId: number, startsAt: Date, before: MeetingOffset) => `meeting-${meetingId}-${startsAt.getTime()}-${before}`,
  meetingReminderToChat: (meetingId: number, startsAt: Date, before: MeetingOffset, chatId: number) =>
    `${outboxKeys.meetingReminder(meetingId, startsAt, before)}-chat-${chatId}`,
  /** The quarter's chair announcement in a group chat, and privately to the chair unit's contact. */
  chairToChat: (communityId: number, quarter: Quarter, chatId: number) => `chair-${communityId}-${quarter}-chat-${chatId}`,
  chairToContact: (communityId: number, quarter: Quarter) => `chair-${communityId}-${quarter}-contact`,
  /** The 45th-day "no meeting scheduled" reminder to one person. */
  meetingDue: (communityId: number, quarter: Quarter, personId: number) => `meeting-due-${communityId}-${quarter}-person-${personId}`,
  /** The check two weeks before the quarter's end, to one person. */
  meetingDueLate: (communityId: number, quarter: Quarter, personId: number) => `meeting-due-late-${communityId}-${quarter}-person-${personId}`,
  /** A raised suggestion unanswered for half its answer time (to a staff member), or for the whole (escalated). */
  answerReminder: (suggestionId: number, personId: number) => `answer-remind-${suggestionId}-person-${personId}`,
  answerEscalated: (suggestionId: number) => `answer-escalated-${suggestionId}`,
  answerEscalatedToChat: (suggestionId: number, chatId: number) => `answer-escalated-${suggestionId}-chat-${chatId}`,
  answerEscalatedTo: (suggestionId: number, personId: number) => `answer-escalated-${suggestionId}-person-${personId}`,
  /** What a follower (or a supervisor) of an item is told privately: `what` names the cause (progress-<id>, result-<pollId>, rating-<pollId>). */
  followerNotice: (suggestionId: number, what: string, personId: number) => `follow-${suggestionId}-${what}-person-${personId}`,
  /** A supervisor's objection, told to one staff member. */
  objectionTo: (objectionId: number, personId: number) => `objection-${objectionId}-person-${personId}`,
  /** The author of an item merged into another (`/merge`), told privately. */
  mergedToAuthor: (suggestionId: number) => `merged-${suggestionId}-author`,
  /** A new item raised in a grid, told to one grid worker. */
  gridItem: (suggestionId: number, personId: number) => `grid-item-${suggestionId}-person-${personId}`,
  /** The whistle handed to one of the unit's contacts. */
  whistleToContact: (whistleId: number, personId: number) => `whistle-${whistleId}-to-${personId}`,
  /** A report or an answer posted to the item's group (when given elsewhere). */
  whistleStepToChat: (whistleId: number, step: WhistleStep) => `whistle-${whistleId}-${step}-chat`,
  /** The reminder before one deadline (a prefix: one key per contact). */
  whistleReminder: (whistleId: number, step: WhistleStep, deadline: Date) => `whistle-${whistleId}-remind-${step}-${deadline.getTime()}`,
  whistleReminderTo: (whistleId: number, step: WhistleStep, deadline: Date, personId: number) =>
    `${outboxKeys.whistleReminder(whistleId, step, deadline)}-person-${personId}`,
  /** What a missed deadline caused (an escalation, or at the top an overdue notice), to the group and to persons. */
  whistleMissed: (whistleId: number, step: WhistleStep, deadline: Date) => `whistle-${whistleId}-missed-${step}-${deadline.getTime()}`,
  whistleMissedToChat: (whistleId: number, step: WhistleStep, deadline: Date) => `${outboxKeys.whistleMissed(whistleId, step, deadline)}-chat`,
  whistleMissedTo: (whistleId: number, step: WhistleStep, deadline: Date, personId: number) =>
    `${outboxKeys.whistleMissed(whistleId, step, deadline)}-person-${personId}`,
  /** A staff page action's reply posted to the item's chat (`id`: a fresh random id, so each is its own message). */
  webReply: (id: string) => `web-${id}`,
};

/** The keys of members and needs (src/members). */
export const memberOutboxKeys = {
  /** A report (党员报到) told to one of the community's staff; `at` tells a corrected report apart. */
  registeredTo: (memberId: number, at: Date, personId: number) => `member-${memberId}-registered-${at.getTime()}-to-${personId}`,
  /** The member told that staff confirmed them. */
  confirmed: (memberId: number) => `member-${memberId}-confirmed`,
  /** A service reported privately, said in the need's group. */
  servedToChat: (claimId: number, at: Date) => `need-claim-${claimId}-served-${at.getTime()}-chat`,
  /** A claimer told that staff confirmed or returned their service. */
  confirmedTo: (claimId: number) => `need-claim-${claimId}-confirmed`,
  returnedTo: (claimId: number, at: Date) => `need-claim-${claimId}-returned-${at.getTime()}`,
  /** The reminder of an unclaimed need near its date (a prefix: one key per member). */
  unclaimed: (needId: number, due: Date) => `need-${needId}-unclaimed-${due.getTime()}`,
  unclaimedTo: (needId: number, due: Date, personId: number) => `${memberOutboxKeys.unclaimed(needId, due)}-person-${personId}`,
  /** A claimer reminded after the date that the service is not reported yet. */
  lateTo: (claimId: number, due: Date) => `need-claim-${claimId}-late-${due.getTime()}`,
  /** A claimer told that the claim was abandoned and points deducted. */
  abandonedTo: (claimId: number) => `need-claim-${claimId}-abandoned`,
};
