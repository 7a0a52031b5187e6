/** `points correct`: a correcting entry for a party member, with its audit row, in one transaction (the ledger is never edited). */
import { and, eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { auditLog, partyMembers } from '../db/schema.js';
import { AdminError } from '../domain/admin-errors.js';
import { inTransaction } from '../kernel/unit-of-work.js';
import { addEntry, type PointsEntry } from './ledger.js';

/** UNKNOWN_MEMBER unless `memberId` is a party member of the community. */
export async function correctPoints(
  db: Db,
  community: { id: number; slug: string },
  c: { memberId: number; points: number; reason: string; at: Date; via: string },
): Promise<{ memberId: number; entry: PointsEntry }> {
  return inTransaction(db, async (tx) => {
    const [member] = await tx.select().from(partyMembers).where(and(eq(partyMembers.id, c.memberId), eq(partyMembers.communityId, community.id)));
    if (!member) throw new AdminError('UNKNOWN_MEMBER', `${community.slug} has no party member number ${c.memberId}`);
    const entry = (await addEntry(tx, { communityId: community.id, kind: 'correction', points: c.points, at: c.at, member, reason: c.reason }))!;
    await tx.insert(auditLog).values({ communityId: community.id, action: 'points.corrected', data: { memberId: member.id, points: c.points, reason: c.reason, entryId: entry.id, via: c.via }, at: c.at });
    return { memberId: member.id, entry };
  });
}
