/**
 * The outbox dedupe keys of the organisation and whistle messages (see src/messaging/outbox-keys.ts for
 * the rule: a stored format never changes; add a new key instead).
 */
import type { WhistleStep } from '../db/schema.js';

export const orgOutboxKeys = {
  /** A new item raised in a grid, told to one grid worker. */
  gridItem: (suggestionId: number, personId: number) => `grid-item-${suggestionId}-person-${personId}`,
  /** The whistle handed to one of the unit's contacts. */
  whistleToContact: (whistleId: number, personId: number) => `whistle-${whistleId}-to-${personId}`,
  /** A report or an answer posted to the item's group (when given elsewhere). */
  whistleStepToChat: (whistleId: number, step: WhistleStep) => `whistle-${whistleId}-${step}-chat`,
  /** The reminder before one deadline (a prefix: one key per contact). */
  whistleReminder: (whistleId: number, step: WhistleStep, deadline: Date) => `whistle-${whistleId}-remind-${step}-${deadline.getTime()}`,
  whistleReminderTo: (whistleId: number, step: WhistleStep, deadline: Date, personId: number) =>
    `${orgOutboxKeys.whistleReminder(whistleId, step, deadline)}-person-${personId}`,
  /** What a missed deadline caused (an escalation, or at the top an overdue notice), to the group and to persons. */
  whistleMissed: (whistleId: number, step: WhistleStep, deadline: Date) => `whistle-${whistleId}-missed-${step}-${deadline.getTime()}`,
  whistleMissedToChat: (whistleId: number, step: WhistleStep, deadline: Date) => `${orgOutboxKeys.whistleMissed(whistleId, step, deadline)}-chat`,
  whistleMissedTo: (whistleId: number, step: WhistleStep, deadline: Date, personId: number) =>
    `${orgOutboxKeys.whistleMissed(whistleId, step, deadline)}-person-${personId}`,
};
