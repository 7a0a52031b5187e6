/**
 * Sign-in without passwords: `/web` gives a staff member a one-time link (single use, 10 minutes) that
 * opens a session of 7 days. Only SHA-256 hashes of the link tokens and session ids are stored.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { and, asc, eq, gt, isNull, sql } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.js';
import { auditLog, communities, persons, roles, webOperators, webSessions, webSignInLinks } from '../db/schema.js';
import { inTransaction } from '../kernel/unit-of-work.js';

export const LINK_TTL_MS = 10 * 60e3;
export const SESSION_TTL_MS = 7 * 24 * 3600e3;

export const newSecret = () => randomBytes(32).toString('base64url');
export const hashSecret = (secret: string) => createHash('sha256').update(secret).digest('hex');

/** Constant-time comparison of two tokens (CSRF). */
export function sameToken(a: string | undefined, b: string): boolean {
  if (!a) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Writes a new one-time link for `personId` and returns its token (to put in the URL). */
export async function createSignInLink(tx: Tx, personId: number, now: Date): Promise<string> {
  const token = newSecret();
  await tx.insert(webSignInLinks).values({ tokenHash: hashSecret(token), personId, createdAt: now, expiresAt: new Date(now.getTime() + LINK_TTL_MS) });
  return token;
}

export type LinkState = 'ok' | 'used' | 'expired' | 'unknown';

/** What a link is worth now, without using it (the page that asks to confirm the sign-in). */
export async function linkState(db: Db, token: string, now: Date): Promise<LinkState> {
  const [row] = await db.select().from(webSignInLinks).where(eq(webSignInLinks.tokenHash, hashSecret(token)));
  if (!row) return 'unknown';
  if (row.usedAt) return 'used';
  return row.expiresAt.getTime() > now.getTime() ? 'ok' : 'expired';
}

export interface NewSession {
  sessionId: string;
  personId: number;
}

/** Uses the link (once: the update is the lock) and opens a session; the sign-in is audited. */
export async function redeemSignInLink(db: Db, token: string, now: Date, client: string): Promise<NewSession | { refused: Exclude<LinkState, 'ok'> }> {
  return inTransaction(db, async (tx) => {
    const [used] = await tx
      .update(webSignInLinks)
      .set({ usedAt: now })
      .where(and(eq(webSignInLinks.tokenHash, hashSecret(token)), isNull(webSignInLinks.usedAt), gt(webSignInLinks.expiresAt, now)))
      .returning({ personId: webSignInLinks.personId });
    if (!used) {
      const [row] = await tx.select().from(webSignInLinks).where(eq(webSignInLinks.tokenHash, hashSecret(token)));
      return { refused: !row ? 'unknown' : row.usedAt ? 'used' : 'expired' } as const;
    }
    const sessionId = newSecret();
    await tx.insert(webSessions).values({
      idHash: hashSecret(sessionId),
      personId: used.personId,
      csrfToken: newSecret(),
      createdAt: now,
      expiresAt: new Date(now.getTime() + SESSION_TTL_MS),
    });
    await tx.insert(auditLog).values({ actorId: used.personId, action: 'web.signed_in', data: { client }, at: now });
    return { sessionId, personId: used.personId };
  });
}

export interface Session {
  personId: number;
  displayName: string;
  lang: 'zh' | 'en';
  csrfToken: string;
  idHash: string;
  /** May open the job queues (`yishi operator grant`): read-only or with write access; null: may not. */
  operator: 'read' | 'write' | null;
}

/** The live session of a cookie value, or undefined (unknown, expired or revoked). */
export async function sessionOf(db: Db, sessionId: string | undefined, now: Date): Promise<Session | undefined> {
  if (!sessionId || sessionId.length > 100) return undefined;
  const [row] = await db
    .select({ personId: webSessions.personId, csrfToken: webSessions.csrfToken, idHash: webSessions.idHash, displayName: persons.displayName, lang: persons.lang, canWrite: webOperators.canWrite })
    .from(webSessions)
    .innerJoin(persons, eq(persons.id, webSessions.personId))
    .leftJoin(webOperators, eq(webOperators.personId, webSessions.personId))
    .where(and(eq(webSessions.idHash, hashSecret(sessionId)), isNull(webSessions.revokedAt), gt(webSessions.expiresAt, now)));
  if (!row) return undefined;
  const { canWrite, ...rest } = row;
  return { ...rest, lang: row.lang === 'en' ? 'en' : 'zh', operator: canWrite === null ? null : canWrite ? 'write' : 'read' };
}

/** Ends sessions: one (sign out), a person's, or all of them (`yishi sessions revoke`). Returns how many. */
export async function revokeSessions(db: Db, which: { idHash?: string; personId?: number }, now: Date): Promise<number> {
  const conds = [isNull(webSessions.revokedAt)];
  if (which.idHash) conds.push(eq(webSessions.idHash, which.idHash));
  if (which.personId !== undefined) conds.push(eq(webSessions.personId, which.personId));
  return inTransaction(db, async (tx) => {
    const rows = await tx.update(webSessions).set({ revokedAt: now }).where(and(...conds)).returning({ personId: webSessions.personId });
    if (rows.length) await tx.insert(auditLog).values({ actorId: which.idHash ? rows[0]!.personId : null, action: 'web.sessions_revoked', data: { count: rows.length, personId: which.personId ?? null, signOut: !!which.idHash }, at: now });
    return rows.length;
  });
}

export type StaffCommunity = typeof communities.$inferSelect;

/** The communities where the person is staff: what the page may show them. */
export async function staffCommunities(db: Db | Tx, personId: number): Promise<StaffCommunity[]> {
  return db
    .select({ c: communities })
    .from(roles)
    .innerJoin(communities, eq(communities.id, roles.communityId))
    .where(and(eq(roles.personId, personId), eq(roles.role, 'staff')))
    .orderBy(asc(communities.slug))
    .then((rows) => rows.map((r) => r.c));
}
