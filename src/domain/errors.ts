/** Domain errors: values with a stable code, rendered to a short localized reply in one place. */
import type { MessageKey, Params } from '../i18n/index.js';

export const ERROR_CODES = [
  'NOT_MEMBER',
  'NOT_BOUND',
  'GROUP_ONLY',
  'NOT_STAFF',
  'NOT_CHAIR',
  'NOT_AUTHOR',
  'POLL_CLOSED',
  'NO_OPEN_POLL',
  'UNKNOWN_SUGGESTION',
  'ALREADY_SUPPORTED',
  'OWN_SUGGESTION',
  'TEXT_TOO_LONG',
  'EMPTY_TEXT',
  'BAD_NUMBER',
  'BAD_CHOICE',
  'BAD_DURATION',
  'BAD_DATE',
  'WRONG_STAGE',
  'BAD_BUTTON',
  'UNKNOWN_COMMAND',
  'UNKNOWN_COMMUNITY',
  'BAD_CODE',
  'ALREADY_LINKED',
  'UNKNOWN_MEETING',
  // owners' joint decisions (src/owners)
  'NOT_OWNER',
  'BAD_MATTER',
  'BAD_OWNER_CODE',
  'NO_PROPERTY',
  'UNKNOWN_GRID',
  'UNKNOWN_UNIT',
  'NOT_UNIT_CONTACT',
  'NO_OPEN_WHISTLE',
  'AMBIGUOUS_WHISTLE',
  'ALREADY_REPORTED',
  'WHISTLE_EXISTS',
  // party members, needs and points (src/members, src/points)
  'PRIVATE_ONLY',
  'NOT_PARTY_MEMBER',
  'MEMBER_NOT_CONFIRMED',
  'ALREADY_MEMBER',
  'UNKNOWN_MEMBER',
  'AMBIGUOUS_MEMBER',
  'ALREADY_CONFIRMED',
  'UNKNOWN_NEED',
  'NEED_FULL',
  'NEED_PAST_DUE',
  'ALREADY_CLAIMED',
  'NOT_CLAIMER',
  'CLAIM_ABANDONED',
  'ALREADY_SERVED',
  'NOTHING_SERVED',
  'NOT_ASKER',
  'NEED_NOT_DONE',
  'RANKING_NOT_PUBLIC',
  'WRITE_AS_YOURSELF',
  // the practice in depth (meetings held, followers, buildings, supervisors, street views)
  'CHECKIN_CLOSED',
  'ALREADY_CHECKED_IN',
  'MEETING_HELD',
  'MEETING_NOT_STARTED',
  'ALREADY_FOLLOWING',
  'NOT_FOLLOWING',
  'UNKNOWN_BUILDING',
  'NOT_SUPERVISOR',
  'NOT_AREA_STAFF',
  // similar suggestions and merging (src/consultation/merge.ts)
  'MERGE_INTO_ITSELF',
  'POLL_OPEN',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/**
 * A refusal. Thrown inside a command's transaction so that nothing it wrote survives; the command
 * layer catches it and turns it into one reply.
 */
export class DomainError extends Error {
  constructor(
    public readonly code: ErrorCode,
    public readonly params: Params = {},
    /** A more specific message than the code's default (same code). */
    public readonly messageKey?: MessageKey,
  ) {
    super(code);
    this.name = 'DomainError';
  }
}

export const refuse = (code: ErrorCode, params: Params = {}, messageKey?: MessageKey): never => {
  throw new DomainError(code, params, messageKey);
};
