/**
 * Linking identities (/link): a one-time code from one identity, redeemed by another, makes both one
 * person. The redeeming identity's person is merged into the code's person in one transaction.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Tx } from '../db/client.js';
import { auditLog, identities, linkCodes, suggestions, supports, type Platform } from '../db/schema.js';
import { newLinkCode } from '../domain/codes.js';
import { refuse } from '../domain/errors.js';
import { mergeOwnerLinks } from '../owners/register.js';

export const LINK_CODE_TTL_MS = 10 * 60 * 1000;

export async function createLinkCode(tx: Tx, personId: number, platform: Platform, now: Date): Promise<string> {
  const code = newLinkCode();
  // A (rare) collision fails on the primary key and the whole transaction is retried with a new code.
  await tx.insert(linkCodes).values({ code, personId, platform, expiresAt: new Date(now.getTime() + LINK_CODE_TTL_MS), createdAt: now });
  await tx.insert(auditLog).values({ actorId: personId, action: 'link.code_created', data: { platform }, at: now });
  return code;
}

/**
 * Redeems `code` for the identity `identityId`: its person (and every other identity of that person)
 * joins the code's person. Roles, supports, ballots and ratings are merged so that one person never
 * holds two ballots on one poll (the later one is kept); authorship and other references move too.
 */
export async function redeemLinkCode(tx: Tx, code: string, identityId: number, now: Date): Promise<{ personId: number }> {
  const [row] = await tx.select().from(linkCodes).where(eq(linkCodes.code, code.toUpperCase())).for('update');
  if (!row || row.usedAt || row.expiresAt.getTime() <= now.getTime()) return refuse('BAD_CODE');
  const [identity] = await tx.select().from(identities).where(eq(identities.id, identityId)).for('update');
  const keep = row.personId;
  const gone = identity.personId;
  if (keep === gone) return refuse('ALREADY_LINKED');
  await tx.update(linkCodes).set({ usedAt: now }).where(eq(linkCodes.code, row.code));
  await mergePersons(tx, keep, gone);
  await tx.insert(auditLog).values({ actorId: keep, action: 'identity.linked', data: { identityId, mergedPersonId: gone, into: keep, platform: identity.platform }, at: now });
  return { personId: keep };
}

/** Moves everything of person `gone` to person `keep`. The `gone` row stays (the audit log refers to it). */
export async function mergePersons(tx: Tx, keep: number, gone: number): Promise<void> {
  const x = (q: ReturnType<typeof sql>) => tx.execute(q);
  await x(sql`update identities set person_id = ${keep} where person_id = ${gone}`);
  // Roles: staff anywhere stays staff.
  await x(sql`insert into roles (community_id, person_id, role, created_at)
    select community_id, ${keep}, role, created_at from roles where person_id = ${gone}
    on conflict (community_id, person_id) do update
      set role = case when roles.role = 'staff' or excluded.role = 'staff' then 'staff' when roles.role = 'supervisor' or excluded.role = 'supervisor' then 'supervisor' else 'resident' end`);
  await x(sql`delete from roles where person_id = ${gone}`);
  // Ballots and ratings: on a poll where both voted, the later one wins.
  await x(sql`delete from ballots g using ballots k where g.person_id = ${gone} and k.person_id = ${keep} and k.poll_id = g.poll_id
    and coalesce(k.changed_at, k.cast_at) >= coalesce(g.changed_at, g.cast_at)`);
  await x(sql`delete from ballots k using ballots g where g.person_id = ${gone} and k.person_id = ${keep} and k.poll_id = g.poll_id`);
  await x(sql`update ballots set person_id = ${keep} where person_id = ${gone}`);
  await x(sql`delete from ratings g using ratings k where g.person_id = ${gone} and k.person_id = ${keep} and k.poll_id = g.poll_id
    and coalesce(k.changed_at, k.rated_at) >= coalesce(g.changed_at, g.rated_at)`);
  await x(sql`delete from ratings k using ratings g where g.person_id = ${gone} and k.person_id = ${keep} and k.poll_id = g.poll_id`);
  await x(sql`update ratings set person_id = ${keep} where person_id = ${gone}`);
  // Authorship and other references.
  await x(sql`update suggestions set author_id = ${keep} where author_id = ${gone}`);
  await x(sql`update comments set person_id = ${keep} where person_id = ${gone}`);
  await x(sql`update progress_updates set person_id = ${keep} where person_id = ${gone}`);
  await x(sql`update agenda_items set added_by = ${keep} where added_by = ${gone}`);
  await x(sql`update meetings set created_by = ${keep} where created_by = ${gone}`);
  await x(sql`update polls set opened_by = ${keep} where opened_by = ${gone}`);
  await x(sql`update polls set closed_by = ${keep} where closed_by = ${gone}`);
  await x(sql`update link_codes set person_id = ${keep} where person_id = ${gone}`);
  await mergeOwnerLinks(tx, keep, gone);
  // Supports: one per person, and never on one's own suggestion; then recount what changed.
  const touched = (
    await tx.select({ id: supports.suggestionId }).from(supports).where(inArray(supports.personId, [keep, gone]))
  ).map((r) => r.id);
  await x(sql`insert into supports (suggestion_id, person_id, created_at)
    select suggestion_id, ${keep}, created_at from supports where person_id = ${gone} on conflict do nothing`);
  await x(sql`delete from supports where person_id = ${gone}`);
  await x(sql`delete from supports s using suggestions g where s.suggestion_id = g.id and s.person_id = ${keep} and g.author_id = ${keep}`);
  if (touched.length)
    await tx
      .update(suggestions)
      .set({ supportCount: sql`(select count(*) from supports s where s.suggestion_id = ${suggestions.id})::int` })
      .where(inArray(suggestions.id, [...new Set(touched)]));
}

export async function identityById(tx: Tx, id: number) {
  const [row] = await tx.select().from(identities).where(and(eq(identities.id, id)));
  return row;
}
