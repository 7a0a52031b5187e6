/**
 * Volunteers serve too: the people of a `volunteer` unit registered at the community or above (its
 * contacts) are volunteers there without reporting in; the first time one claims a need they are
 * recorded as a confirmed volunteer of the community (audited in the claim's transaction). Others
 * report in with `/register volunteer …` (志愿者报到) and are confirmed by staff like party members.
 */
import { and, eq, inArray } from 'drizzle-orm';
import { memberUnits, partyMembers } from '../db/schema.js';
import type { Ctx } from '../kernel/context.js';
import { communityNode, pathUp } from '../org/tree.js';
import { unitIdsOfPerson } from '../org/units.js';
import { actorOfGroup, auditIn } from './actor.js';
import type { PartyMember } from './roster.js';

/** The writer as a volunteer of the community by their volunteer unit, recorded now if needed; undefined when they are none. */
export async function volunteerByUnit(ctx: Ctx): Promise<PartyMember | undefined> {
  const [existing] = await ctx.tx.select({ id: partyMembers.id }).from(partyMembers).where(eq(partyMembers.personId, ctx.personId));
  if (existing) return undefined;
  const units = await unitIdsOfPerson(ctx.tx, ctx.personId);
  if (!units.length) return undefined;
  const nodes = (await pathUp(ctx.tx, (await communityNode(ctx.tx, ctx.community.id)).id)).map((n) => n.id);
  const [unit] = await ctx.tx
    .select()
    .from(memberUnits)
    .where(and(inArray(memberUnits.id, units), inArray(memberUnits.nodeId, nodes), eq(memberUnits.kind, 'volunteer')))
    .limit(1);
  if (!unit) return undefined;
  const [member] = await ctx.tx
    .insert(partyMembers)
    .values({ personId: ctx.personId, communityId: ctx.community.id, unitId: unit.id, unitName: unit.name, kind: 'volunteer', status: 'confirmed', registeredAt: ctx.now, confirmedAt: ctx.now })
    .returning();
  await auditIn(actorOfGroup(ctx), ctx.community.id, 'member.volunteer_by_unit', { memberId: member!.id, unitId: unit.id, unit: unit.name });
  return member;
}
