/**
 * A community's points rules: the latest `points_rules` row not after the moment asked about, or the
 * documented defaults below when the community never set any. Rows are never edited (see
 * schema-points.ts): `yishi points rules` adds a row from now on.
 */
import { and, desc, eq, lte } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.js';
import { auditLog, pointsRules } from '../db/schema.js';

export interface PointsRules {
  /** Reporting in (党员报到), once staff confirm the member. */
  register: number;
  /** A confirmed service, for a need posted without its own points. */
  service: number;
  /** A whistle answered by its unit before the first answer deadline: to the unit. */
  whistleOnTime: number;
  /** A claim still not served `graceHours` after the need's date (zero or negative). */
  abandon: number;
  graceHours: number;
  /** Whether `/ranking` may show the top `rankingTop` in the community's group (otherwise only privately). */
  rankingInGroup: boolean;
  rankingTop: number;
}

/** The documented defaults (README, "From a need to points"). */
export const DEFAULT_RULES: PointsRules = {
  register: 10,
  service: 10,
  whistleOnTime: 5,
  abandon: -5,
  graceHours: 48,
  rankingInGroup: false,
  rankingTop: 10,
};

export async function rulesOf(db: Db | Tx, communityId: number, at: Date): Promise<PointsRules> {
  const [row] = await db
    .select()
    .from(pointsRules)
    .where(and(eq(pointsRules.communityId, communityId), lte(pointsRules.since, at)))
    .orderBy(desc(pointsRules.since), desc(pointsRules.id))
    .limit(1);
  if (!row) return { ...DEFAULT_RULES };
  const { register, service, whistleOnTime, abandon, graceHours, rankingInGroup, rankingTop } = row;
  return { register, service, whistleOnTime, abandon, graceHours, rankingInGroup, rankingTop };
}

/** Adds a rules row from `now` on: the current rules with `change` applied; audited. */
export async function setRules(tx: Tx, communityId: number, change: Partial<PointsRules>, now: Date, via: string): Promise<PointsRules> {
  const rules = { ...(await rulesOf(tx, communityId, now)), ...change };
  await tx.insert(pointsRules).values({ communityId, ...rules, since: now, createdAt: now });
  await tx.insert(auditLog).values({ communityId, action: 'points.rules_set', data: { ...rules, via }, at: now });
  return rules;
}
