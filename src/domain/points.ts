/** Pure rules of the points: what a period is, and how standings are ranked. */
import { quarterLabel, readQuarter, readYear } from './time.js';

/** A quarter (`2026Q4`) or a calendar year (`2026`). */
export type Period = { kind: 'quarter'; quarter: string } | { kind: 'year'; year: number };

/** A quarter as time.ts reads it (readQuarter) or a year (`2026`, `2026年`); undefined for anything else. */
export function parsePeriod(text: string): Period | undefined {
  const quarter = readQuarter(text);
  if (quarter) return { kind: 'quarter', quarter };
  const year = readYear(text);
  return year === undefined ? undefined : { kind: 'year', year };
}

/** A period as stored and exported: `2026Q4`, `2026`. */
export const periodKey = (p: Period) => (p.kind === 'quarter' ? p.quarter : String(p.year));

/** A period as people read it (a quarter by quarterLabel); a year `2026年` / `2026`. */
export const periodLabel = (p: Period, lang = 'zh') => (p.kind === 'quarter' ? quarterLabel(lang, p.quarter) : lang === 'en' ? String(p.year) : `${p.year}年`);

export interface Standing {
  points: number;
  name: string;
}

/**
 * Ranks by points, most first; equal points share a rank and the next rank skips (1, 1, 3), and among
 * equals names are in a stable order so a list printed twice reads the same.
 */
export function ranked<T extends Standing>(rows: T[]): Array<T & { rank: number }> {
  const sorted = [...rows].sort((a, b) => b.points - a.points || a.name.localeCompare(b.name, 'zh-CN'));
  let rank = 0;
  return sorted.map((r, i) => {
    if (i === 0 || r.points !== sorted[i - 1]!.points) rank = i + 1;
    return { ...r, rank };
  });
}
