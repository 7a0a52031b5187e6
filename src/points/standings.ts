/**
 * Balances and rankings from the ledger: per person and per unit, over a quarter or a year cut in
 * YISHI_TZ (an entry counts in the period its `at` falls in, there).
 */
import { and, asc, eq, gte, isNotNull, lt, sql } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.js';
import { communities, grids, partyMembers, persons, pointsEntries, type MemberKind } from '../db/schema.js';
import { ranked, type Period } from '../domain/points.js';
import { quarterEnd, quarterStart, zonedTimeToDate } from '../domain/time.js';

export interface Range {
  start: Date;
  end: Date;
}

/** The instants a period covers in `tz`: [start, end). */
export function periodRange(p: Period, tz: string): Range {
  if (p.kind === 'quarter') return { start: quarterStart(p.quarter, tz), end: quarterEnd(p.quarter, tz) };
  const at = (year: number) => zonedTimeToDate({ year, month: 1, day: 1, hour: 0, minute: 0 }, tz);
  return { start: at(p.year), end: at(p.year + 1) };
}

export interface PersonStanding {
  rank: number;
  memberId: number;
  personId: number;
  name: string;
  unit: string;
  grid: string;
  points: number;
  register: number;
  service: number;
  whistle: number;
  deducted: number;
  corrections: number;
  services: number;
  hours: number;
}

const inRange = (r?: Range) => (r ? [gte(pointsEntries.at, r.start), lt(pointsEntries.at, r.end)] : []);

/** Every confirmed member of the community with their points in the range (zero when none), ranked; party members and volunteers apart. */
export async function personStandings(db: Db | Tx, communityId: number, range?: Range, kind: MemberKind = 'party'): Promise<PersonStanding[]> {
  const members = await db
    .select({ memberId: partyMembers.id, personId: partyMembers.personId, name: persons.displayName, unit: partyMembers.unitName, grid: grids.name })
    .from(partyMembers)
    .innerJoin(persons, eq(persons.id, partyMembers.personId))
    .leftJoin(grids, eq(grids.id, partyMembers.gridId))
    .where(and(eq(partyMembers.communityId, communityId), eq(partyMembers.status, 'confirmed'), eq(partyMembers.kind, kind)))
    .orderBy(asc(partyMembers.id));
  const sums = await db
    .select({
      personId: pointsEntries.personId,
      kind: pointsEntries.kind,
      points: sql<number>`sum(${pointsEntries.points})::int`,
      n: sql<number>`count(*)::int`,
      hours: sql<number>`coalesce(sum((${pointsEntries.data}->>'hours')::real), 0)::real`,
    })
    .from(pointsEntries)
    .where(and(eq(pointsEntries.communityId, communityId), isNotNull(pointsEntries.personId), ...inRange(range)))
    .groupBy(pointsEntries.personId, pointsEntries.kind);
  const rows = members.map((m) => {
    const of = sums.filter((s) => s.personId === m.personId);
    const sum = (kind: string) => of.filter((s) => s.kind === kind).reduce((a, s) => a + Number(s.points), 0);
    const service = of.find((s) => s.kind === 'service');
    return {
      memberId: m.memberId,
      personId: m.personId,
      name: m.name,
      unit: m.unit,
      grid: m.grid ?? '',
      points: of.reduce((a, s) => a + Number(s.points), 0),
      register: sum('register'),
      service: sum('service'),
      whistle: sum('whistle'),
      deducted: sum('abandon'),
      corrections: sum('correction'),
      services: Number(service?.n ?? 0),
      hours: Math.round(Number(service?.hours ?? 0) * 10) / 10,
    };
  });
  return ranked(rows);
}

export interface UnitStanding {
  rank: number;
  name: string;
  unitId: number | null;
  points: number;
  /** Of which earned by the unit's party members (the rest: whistles answered on time, corrections to the unit). */
  byMembers: number;
  members: number;
}

/** Units by the points in the range: their members' and their own, a typed unit name counting as one unit. */
export async function unitStandings(db: Db | Tx, communityId: number, range?: Range): Promise<UnitStanding[]> {
  const rows = await db
    .select({ unitId: pointsEntries.unitId, unitName: pointsEntries.unitName, personId: pointsEntries.personId, points: pointsEntries.points })
    .from(pointsEntries)
    .where(and(eq(pointsEntries.communityId, communityId), ...inRange(range)));
  const byKey = new Map<string, UnitStanding & { people: Set<number> }>();
  for (const r of rows) {
    if (r.unitId === null && !r.unitName) continue;
    const key = r.unitId !== null ? `id:${r.unitId}` : `name:${r.unitName}`;
    const u = byKey.get(key) ?? { rank: 0, name: r.unitName ?? '', unitId: r.unitId, points: 0, byMembers: 0, members: 0, people: new Set<number>() };
    u.points += r.points;
    if (r.personId !== null) {
      u.byMembers += r.points;
      u.people.add(r.personId);
    }
    byKey.set(key, u);
  }
  return ranked([...byKey.values()].map(({ people, ...u }) => ({ ...u, members: people.size })));
}

export interface Balance {
  communityId: number;
  community: string;
  total: number;
  inRange: number;
}

/** A person's points per community: all time and within `range`. */
export async function balancesOf(db: Db | Tx, personId: number, range: Range): Promise<Balance[]> {
  const rows = await db
    .select({
      communityId: pointsEntries.communityId,
      community: communities.name,
      total: sql<number>`sum(${pointsEntries.points})::int`,
      inRange: sql<number>`coalesce(sum(${pointsEntries.points}) filter (where ${pointsEntries.at} >= ${range.start.toISOString()}::timestamptz and ${pointsEntries.at} < ${range.end.toISOString()}::timestamptz), 0)::int`,
    })
    .from(pointsEntries)
    .innerJoin(communities, eq(communities.id, pointsEntries.communityId))
    .where(eq(pointsEntries.personId, personId))
    .groupBy(pointsEntries.communityId, communities.name);
  return rows.map((r) => ({ ...r, total: Number(r.total), inRange: Number(r.inRange) }));
}

/** The person's latest entries (newest first). */
export async function latestEntries(db: Db | Tx, personId: number, limit: number) {
  return db.select().from(pointsEntries).where(eq(pointsEntries.personId, personId)).orderBy(sql`${pointsEntries.at} desc, ${pointsEntries.id} desc`).limit(limit);
}
