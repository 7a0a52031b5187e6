/**
 * A ballot or rating button (`v:<poll>:<k>`, `r:<poll>:<k>`): the press is one statement of its own
 * (yishi_press_button: dedupe, checks, membership, ballot, audit and processed_updates row), grouped
 * with presses arriving at the same time (./press-groups.ts), so it runs outside the unit of work's
 * transaction. Answers what the core makes an Outcome of.
 */
import { buttonSchema } from '../domain/args.js';
import { DomainError } from '../domain/errors.js';
import type { Lang } from '../i18n/index.js';
import type { CommandResult } from '../kernel/context.js';
import type { Incoming } from '../kernel/types.js';
import { ballotToast } from './ballot.js';
import type { PressGroups } from './press-groups.js';

export type PressAnswer = { duplicate: true } | { refused: DomainError } | { result: CommandResult };

/** The press, or undefined when the data is not a well-formed ballot button (the core refuses it). */
export async function pressBallot(groups: PressGroups, incoming: Incoming, data: string, now: Date, lang: Lang): Promise<PressAnswer | undefined> {
  const parsed = buttonSchema.safeParse(data);
  if (!parsed.success) return undefined;
  const { kind, pollId, k } = parsed.data;
  const r = await groups.press({ platform: incoming.platform, updateKey: incoming.updateKey, chat: incoming.chat, sender: incoming.sender, kind, pollId, position: k, now });
  if (r.outcome === 'duplicate') return { duplicate: true };
  if (r.outcome === 'cast' || r.outcome === 'changed') return { result: { toast: ballotToast(lang, kind, r), changedPollIds: [pollId] } };
  // A refusal: the statement wrote only the processed_updates row.
  return { refused: new DomainError(r.outcome, r.outcome === 'POLL_CLOSED' && r.suggestionNumber !== undefined ? { n: r.suggestionNumber } : {}) };
}
