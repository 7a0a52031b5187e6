/**
 * Who acts on members and needs, from a bound group (Ctx) or a private chat (PersonCtx): the whistle's
 * Actor shape (src/whistle/actor.ts), with the audit row of a step in a given community.
 */
import { auditLog } from '../db/schema.js';
import type { Actor } from '../whistle/actor.js';

export { actorOfGroup, actorOfPerson, type Actor } from '../whistle/actor.js';

/** The one audit row of a members' or needs' state change, in the actor's transaction. */
export async function auditIn(a: Actor, communityId: number, action: string, data: Record<string, unknown>): Promise<void> {
  if (a.counted) a.counted.count++;
  await a.tx.insert(auditLog).values({ communityId, actorId: a.personId, action, data, at: a.now });
}
