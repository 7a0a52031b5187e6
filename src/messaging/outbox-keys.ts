/**
 * Every outbox dedupe key, in one place: a message with a known key is queued once, ever
 * (outbound_messages.dedupe_key is unique). The formats are stored in existing databases: do not change
 * one, add a new key instead.
 */
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
};

/** The outbox dedupe key of a poll's result: written with the close, so a crash after it loses nothing. */
export const pollResultKey = outboxKeys.pollResult;
