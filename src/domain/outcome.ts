/**
 * How a closed vote or rating is decided. Pure functions, so the rules are easy to read and test.
 *
 * Vote with the default choices 同意/反对/弃权:
 *  - 'majority' (default): approved when 同意 > 反对 and 同意 > half of the ballots that are not 弃权.
 *  - 'two_thirds': approved when 同意 >= two thirds of the ballots that are not 弃权 (and at least one).
 * Vote with custom choices (A|B|…): the choice with the most votes wins and the suggestion counts as
 * approved (a decision was taken); a tie for the most votes, or no ballots, is rejected (no decision).
 * Rating: satisfaction = (满意 + 基本满意) / ratings. Below the community's threshold the suggestion is
 * reopened to in_progress. With no ratings at all nothing shows residents are satisfied, so it is treated
 * as not satisfied and reopened too: staff can run /done again to open a new rating round.
 */

export const DEFAULT_VOTE_CHOICES = ['同意', '反对', '弃权'] as const;
export const RATING_CHOICES = ['满意', '基本满意', '不满意'] as const;

export type VoteOutcome = { outcome: 'approved' | 'rejected'; winner?: number; tie?: boolean };

export function isDefaultChoices(labels: readonly string[]): boolean {
  return labels.length === 3 && labels.every((l, i) => l === DEFAULT_VOTE_CHOICES[i]);
}

/** `counts[i]` is the number of ballots for `labels[i]`. */
export function voteOutcome(rule: string, labels: readonly string[], counts: readonly number[]): VoteOutcome {
  const total = counts.reduce((a, b) => a + b, 0);
  if (isDefaultChoices(labels)) {
    const [yes, no, abstain] = counts;
    const deciding = total - abstain;
    if (rule === 'two_thirds') return { outcome: deciding > 0 && yes * 3 >= deciding * 2 ? 'approved' : 'rejected' };
    return { outcome: yes > no && yes * 2 > deciding ? 'approved' : 'rejected' };
  }
  if (total === 0) return { outcome: 'rejected' };
  const max = Math.max(...counts);
  const top = counts.flatMap((c, i) => (c === max ? [i] : []));
  if (top.length > 1) return { outcome: 'rejected', tie: true };
  return { outcome: 'approved', winner: top[0] };
}

/**
 * The satisfaction rate of a rating round's counts (满意, 基本满意, 不满意): (满意 + 基本满意) / ratings,
 * or undefined when nobody rated. The one place the rate is computed: the result, /show, /stats, the
 * board, the notice and the exports all ask it (several rounds pooled with `pooledCounts`).
 */
export function satisfactionRate(counts: readonly number[]): number | undefined {
  const total = counts.reduce((a, b) => a + b, 0);
  if (!total) return undefined;
  return ((counts[0] ?? 0) + (counts[1] ?? 0)) / total;
}

/**
 * Several rounds' counts added choice by choice, so rounds taken together (a community's, a quarter's)
 * are rated as one: `satisfactionRate(pooledCounts(rounds))` is every satisfied rating over every rating.
 */
export function pooledCounts(rounds: Iterable<readonly number[]>): number[] {
  const sum: number[] = [];
  for (const counts of rounds) counts.forEach((c, i) => (sum[i] = (sum[i] ?? 0) + c));
  return sum;
}

/** True when the rating keeps the suggestion evaluated; false reopens it. */
export function ratingPasses(counts: readonly number[], threshold: number): boolean {
  const rate = satisfactionRate(counts);
  return rate !== undefined && rate >= threshold;
}

export const percent = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? '—' : `${Math.round(x * 100)}%`);
