/** Needs (心愿 / 服务需求) as stored: loading one, counting its claims, and the message that offers it. */
import { and, asc, eq, ne, sql } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.js';
import { needClaims, needs, persons } from '../db/schema.js';
import type { Button } from '../domain/messages.js';
import { refuse } from '../domain/errors.js';
import type { MessageKey, Params } from '../i18n/index.js';

export type Need = typeof needs.$inferSelect;
export type NeedClaim = typeof needClaims.$inferSelect;

/** Button data of the claim button (认领): `c:<needId>`. */
export const claimButton = (needId: number) => `c:${needId}`;
/** Button data of the asker's rating: `nr:<needId>:<1-3>`. */
export const rateButton = (needId: number, k: number) => `nr:${needId}:${k}`;

/** Need `id`, in `communityId` when given (a group's own needs), locked when `lock`; UNKNOWN_NEED otherwise. */
export async function loadNeed(tx: Tx, id: number, communityId?: number, lock = false): Promise<Need> {
  const q = tx.select().from(needs).where(and(eq(needs.id, id), communityId === undefined ? undefined : eq(needs.communityId, communityId)));
  const [row] = lock ? await q.for('update') : await q;
  if (!row) return refuse('UNKNOWN_NEED', { id });
  return row;
}

/** How many claims hold a place (every claim but an abandoned one). */
export async function placesTaken(db: Db | Tx, needId: number): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(needClaims).where(and(eq(needClaims.needId, needId), ne(needClaims.status, 'abandoned')));
  return Number(row?.n ?? 0);
}

/** The need's claims with their claimers' names, oldest first. */
export async function claimsOf(db: Db | Tx, needId: number) {
  return db
    .select({ c: needClaims, name: persons.displayName })
    .from(needClaims)
    .innerJoin(persons, eq(persons.id, needClaims.personId))
    .where(eq(needClaims.needId, needId))
    .orderBy(asc(needClaims.id));
}

/** The text and claim button of a need, as posted and as the answer to `/needs`. */
export function needOffer(n: Need, taken: number, tr: (key: MessageKey, params?: Params) => string): { text: string; buttons?: Button[][] } {
  const text = tr('need.offer', {
    id: n.id,
    text: n.text,
    points: n.points,
    due: n.dueDate ?? tr('need.noDate'),
    taken,
    capacity: n.capacity,
  });
  return taken < n.capacity ? { text, buttons: [[{ label: tr('need.claimButton', { id: n.id }), data: claimButton(n.id) }]] } : { text };
}
