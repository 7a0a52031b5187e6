/**
 * Writing the points ledger: one entry per cause (a confirmed report, a confirmed service, a whistle
 * answered on time, an abandoned claim), each priced by the community's rules at that moment. Entries are
 * never changed (the database refuses it); a correction is a new entry that names the one it corrects.
 */
import type { Tx } from '../db/client.js';
import { partyMembers, pointsEntries, type PointsKind } from '../db/schema.js';
import { rulesOf } from './rules.js';

export type PointsEntry = typeof pointsEntries.$inferSelect;
type Member = typeof partyMembers.$inferSelect;

export interface NewEntry {
  communityId: number;
  kind: PointsKind;
  points: number;
  at: Date;
  member?: Member;
  unitId?: number | null;
  unitName?: string | null;
  needId?: number;
  claimId?: number;
  whistleId?: number;
  correctsId?: number;
  reason?: string;
  data?: Record<string, unknown>;
  createdBy?: number;
}

/** Appends one entry; a cause already counted (by its unique key) writes nothing and returns undefined. */
export async function addEntry(tx: Tx, e: NewEntry): Promise<PointsEntry | undefined> {
  const [row] = await tx
    .insert(pointsEntries)
    .values({
      communityId: e.communityId,
      kind: e.kind,
      points: e.points,
      at: e.at,
      personId: e.member?.personId ?? null,
      memberId: e.member?.id ?? null,
      // A person's entry carries their unit as it is now, so per-unit balances keep what was earned there.
      unitId: e.member ? e.member.unitId : (e.unitId ?? null),
      unitName: e.member ? e.member.unitName : (e.unitName ?? null),
      needId: e.needId ?? null,
      claimId: e.claimId ?? null,
      whistleId: e.whistleId ?? null,
      correctsId: e.correctsId ?? null,
      reason: e.reason ?? null,
      data: e.data ?? null,
      createdBy: e.createdBy ?? null,
      createdAt: e.at,
    })
    .onConflictDoNothing()
    .returning();
  return row;
}

/** The points for reporting in, when staff confirm the member. */
export async function creditRegister(tx: Tx, member: Member, at: Date, by: number): Promise<PointsEntry | undefined> {
  const rules = await rulesOf(tx, member.communityId, at);
  return addEntry(tx, { communityId: member.communityId, kind: 'register', points: rules.register, at, member, createdBy: by });
}

/** 吹哨报到: a whistle answered before its first answer deadline earns its unit the community's points. */
export async function creditWhistleOnTime(tx: Tx, w: { id: number; communityId: number; unitId: number; answerDueAt: Date }, unitName: string, at: Date, by: number): Promise<PointsEntry | undefined> {
  if (at.getTime() > w.answerDueAt.getTime()) return undefined;
  const rules = await rulesOf(tx, w.communityId, at);
  if (!rules.whistleOnTime) return undefined;
  return addEntry(tx, { communityId: w.communityId, kind: 'whistle', points: rules.whistleOnTime, at, unitId: w.unitId, unitName, whistleId: w.id, createdBy: by });
}

