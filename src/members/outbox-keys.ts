/**
 * The outbox dedupe keys of members and needs (see src/messaging/outbox-keys.ts for the rule: a stored
 * format never changes; add a new key instead).
 */
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
