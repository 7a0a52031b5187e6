/**
 * Which quarters had a consultation meeting held (协商议事会 with minutes): only a held meeting makes its
 * quarter met. Counted from the rotation's start (or the community's first quarter) through the running
 * quarter, which stays "not yet met" until a meeting in it is held. One home for /stats, `yishi stats`,
 * the board, the street view and the exports.
 */
import { and, eq } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.js';
import { meetings } from '../db/schema.js';
import { addQuarters, quarterOf, quartersBetween, type Quarter } from '../domain/time.js';

export interface QuarterMet {
  quarter: Quarter;
  met: boolean;
  /** The quarter `now` is in. */
  running: boolean;
}

/** The quarters a community has run, oldest first, each with whether a meeting in it was held. */
export async function quartersMet(db: Db | Tx, community: { id: number; rotationStart: string | null; createdAt: Date }, now: Date, tz: string): Promise<QuarterMet[]> {
  const current = quarterOf(now, tz);
  const first = community.rotationStart ?? quarterOf(community.createdAt, tz);
  const n = Math.max(0, quartersBetween(first, current));
  const held = new Set(
    (await db.selectDistinct({ q: meetings.quarter }).from(meetings).where(and(eq(meetings.communityId, community.id), eq(meetings.status, 'held')))).map((r) => r.q),
  );
  const out: QuarterMet[] = [];
  for (let k = 0; k <= n; k++) {
    const q = addQuarters(first, k);
    out.push({ quarter: q, met: held.has(q), running: q === current });
  }
  return out;
}

/** Whether a meeting of the community in `quarter` was held. */
export async function meetingHeldIn(db: Db | Tx, communityId: number, quarter: Quarter): Promise<boolean> {
  const [m] = await db.select({ id: meetings.id }).from(meetings).where(and(eq(meetings.communityId, communityId), eq(meetings.quarter, quarter), eq(meetings.status, 'held'))).limit(1);
  return Boolean(m);
}
