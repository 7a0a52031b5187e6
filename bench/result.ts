/** One benchmark's figure, its baseline measured in the same run, and the ratio between them. */
export interface BenchResult {
  name: string;
  /** What was measured, in one line. */
  figure: { label: string; value: number; unit: string };
  baseline: { label: string; value: number; unit: string };
  /** figure/baseline or baseline/figure, whichever makes "higher is better"; explained in `ratioMeans`. */
  ratio: number;
  ratioMeans: string;
  target: string;
  /** Whether the figure meets its target, and whether the correctness checks held (exact tally, no loss). */
  meetsTarget: boolean;
  correct: boolean;
  checks: string[];
  extra?: Record<string, unknown>;
}

export const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

/** Median of a list of numbers. */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;
