/**
 * Owners' joint decisions (业主共同决定), counted as Civil Code art. 278 and the Supreme People's Court's
 * interpretation on building-division ownership (法释〔2009〕7号, as amended in 2020, arts. 8-9) require.
 * Pure functions on integers: areas are hundredths of a square metre, thresholds are compared by
 * cross-multiplication, so no fraction is ever rounded.
 *
 *  - Participation: owners holding >= 2/3 of the exclusive area AND >= 2/3 of the owners by head
 *    took part (三分之二以上 includes exactly two thirds, Civil Code art. 1259).
 *  - Items 6-8: approved by >= 3/4 of the participating area AND >= 3/4 of the participating owners.
 *    Other items: by more than half of both (过半数: strictly more).
 *  - Head count (interpretation art. 9): one exclusive part is one owner; one owner of several parts
 *    counts once; the developer's unsold or undelivered parts count together as one; co-owners of a
 *    part count once. Here every unit has exactly one owner key (co-owners share one key, unsold units
 *    carry the key `developer`), so the heads are the distinct owner keys among the units.
 *  - Area (interpretation art. 8): the sum of the exclusive parts' areas.
 *  - Abstaining owners took part: they count in both participation and the approval denominators.
 */

/** Art. 278's nine items, by number (the article's first paragraph). */
export const MATTERS = [1, 2, 3, 4, 5, 6, 7, 8, 9] as const;
export type Matter = (typeof MATTERS)[number];

/** Items 6-8 (raising repair funds, rebuilding, changing common parts' use) need three quarters. */
export const isQualifiedMatter = (m: Matter) => m >= 6 && m <= 8;

export const isMatter = (n: number): n is Matter => Number.isInteger(n) && n >= 1 && n <= 9;

/** The owners' ballot choices, in button order. */
export const OWNER_CHOICES = ['agree', 'against', 'abstain'] as const;
export type OwnerChoice = 1 | 2 | 3;

/** The owner key of units the developer has not sold or not delivered. */
export const DEVELOPER_KEY = 'developer';

/** An owner key as stored: trimmed, `developer` in any case is the developer, other letters upper case (ID-card X). */
export function normalizeOwnerKey(raw: string): string | undefined {
  const v = raw.trim();
  if (!/^[\p{L}\p{N}._@+-]{1,64}$/u.test(v)) return undefined;
  return v.toLowerCase() === DEVELOPER_KEY ? DEVELOPER_KEY : v.toUpperCase();
}

/** `"89.5"` -> 8950 hundredths of m²; undefined unless a positive number with at most two decimals. */
export function parseArea(raw: string): number | undefined {
  const m = /^(\d{1,7})(?:\.(\d{1,2}))?$/.exec(raw.trim());
  if (!m) return undefined;
  const hundredths = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
  return hundredths > 0 ? hundredths : undefined;
}

/** 8950 -> `"89.50"` (exact: integer division, no floating point). */
export function formatArea(hundredths: number | bigint): string {
  const h = BigInt(hundredths);
  const whole = h / 100n;
  const cents = (h % 100n).toString().padStart(2, '0');
  return `${whole}.${cents}`;
}

/** A fraction exactly as counted: never reduced, never rounded. */
export interface Ratio {
  num: number;
  den: number;
}

export interface RegisteredUnit {
  /** The owner's stable identity (id or key); equal values are one owner. */
  owner: string | number;
  /** Exclusive area in hundredths of m² (a positive integer). */
  area: number;
}

export type Threshold = 'participation.area' | 'participation.heads' | 'approval.area' | 'approval.heads';

export interface OwnersCount {
  matter: Matter;
  /** Owners' ballots by head: 同意, 反对, 弃权. */
  heads: { agree: number; against: number; abstain: number };
  participationArea: Ratio;
  participationHeads: Ratio;
  approvalArea: Ratio;
  approvalHeads: Ratio;
  /** The thresholds not met, in the order above; empty when the decision passed. */
  failed: Threshold[];
  passed: boolean;
}

/** a/b >= p/q, exactly. */
const atLeast = (a: number, b: number, p: number, q: number) => BigInt(a) * BigInt(q) >= BigInt(b) * BigInt(p);
/** a/b > 1/2, exactly. */
const moreThanHalf = (a: number, b: number) => BigInt(a) * 2n > BigInt(b);

/**
 * Counts an owners' vote. `units` is the property register; `ballots` maps an owner (as in
 * `units[].owner`) to the choice of that owner's one ballot, which covers all the owner's units.
 * Ballots of owners who hold no unit are ignored (they are not owners of this register).
 */
export function countOwnersVote(matter: Matter, units: readonly RegisteredUnit[], ballots: ReadonlyMap<string | number, OwnerChoice>): OwnersCount {
  const areaOf = new Map<string | number, number>();
  for (const u of units) {
    if (!Number.isSafeInteger(u.area) || u.area <= 0) throw new RangeError(`unit area must be a positive integer of hundredths, got ${u.area}`);
    areaOf.set(u.owner, (areaOf.get(u.owner) ?? 0) + u.area);
  }
  let totalArea = 0;
  for (const a of areaOf.values()) totalArea += a;
  const totalHeads = areaOf.size;
  let partArea = 0;
  let yesArea = 0;
  const heads = { agree: 0, against: 0, abstain: 0 };
  for (const [owner, choice] of ballots) {
    const area = areaOf.get(owner);
    if (area === undefined) continue;
    partArea += area;
    if (choice === 1) {
      heads.agree++;
      yesArea += area;
    } else if (choice === 2) heads.against++;
    else heads.abstain++;
  }
  const partHeads = heads.agree + heads.against + heads.abstain;
  if (!Number.isSafeInteger(totalArea)) throw new RangeError('total area out of range');
  const failed: Threshold[] = [];
  // With nobody registered, nothing can be two thirds of it: an empty register never decides.
  if (!totalArea || !atLeast(partArea, totalArea, 2, 3)) failed.push('participation.area');
  if (!totalHeads || !atLeast(partHeads, totalHeads, 2, 3)) failed.push('participation.heads');
  const qualified = isQualifiedMatter(matter);
  const areaOk = partArea > 0 && (qualified ? atLeast(yesArea, partArea, 3, 4) : moreThanHalf(yesArea, partArea));
  const headsOk = partHeads > 0 && (qualified ? atLeast(heads.agree, partHeads, 3, 4) : moreThanHalf(heads.agree, partHeads));
  if (!areaOk) failed.push('approval.area');
  if (!headsOk) failed.push('approval.heads');
  return {
    matter,
    heads,
    participationArea: { num: partArea, den: totalArea },
    participationHeads: { num: partHeads, den: totalHeads },
    approvalArea: { num: yesArea, den: partArea },
    approvalHeads: { num: heads.agree, den: partHeads },
    failed,
    passed: failed.length === 0,
  };
}
