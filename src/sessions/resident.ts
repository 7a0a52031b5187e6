/**
 * Residents' sessions for the resident pages (/v/…), separate from staff sessions: their own table and
 * cookie, 30 days, revocable (`yishi sessions revoke`). One opens from a personal one-time link the bot
 * sends on `/page` (议事厅; single use, a day), or from WeChat's web authorisation (the follower
 * `wechat-mp:<openid>`, each code used once). A session is an identity: its person is whoever that
 * identity belongs to now (linked identities are one person). Only SHA-256 hashes of the secrets are stored.
 */
import { and, eq, gt, inArray, isNotNull, isNull, lt, or } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.js';
import { auditLog, identities, persons, residentLinks, residentSessions, type Platform } from '../db/schema.js';
import { ensureIdentity } from '../kernel/persons.js';
import { inTransaction } from '../kernel/unit-of-work.js';
import { markProcessed } from '../messaging/updates.js';
import { followerName, MP } from '../people/mp-followers.js';
import { hashSecret, newSecret, type LinkState } from './sessions.js';

export const RESIDENT_LINK_TTL_MS = 24 * 3600e3;
export const RESIDENT_SESSION_TTL_MS = 30 * 24 * 3600e3;

/** Writes a personal one-time link for the identity that asked; returns its token (for the URL). */
export async function createResidentLink(tx: Tx, identityId: number, now: Date): Promise<string> {
  const token = newSecret();
  await tx.insert(residentLinks).values({ tokenHash: hashSecret(token), identityId, createdAt: now, expiresAt: new Date(now.getTime() + RESIDENT_LINK_TTL_MS) });
  return token;
}

/** What a personal link is worth now, without using it (the page with the button that uses it). */
export async function residentLinkState(db: Db, token: string, now: Date): Promise<LinkState> {
  const [row] = await db.select().from(residentLinks).where(eq(residentLinks.tokenHash, hashSecret(token)));
  if (!row) return 'unknown';
  if (row.usedAt) return 'used';
  return row.expiresAt.getTime() > now.getTime() ? 'ok' : 'expired';
}

async function openSession(tx: Tx, identityId: number, personId: number, via: 'link' | 'wechat', now: Date, client: string): Promise<string> {
  const sessionId = newSecret();
  await tx.insert(residentSessions).values({ idHash: hashSecret(sessionId), identityId, csrfToken: newSecret(), via, createdAt: now, expiresAt: new Date(now.getTime() + RESIDENT_SESSION_TTL_MS) });
  await tx.insert(auditLog).values({ actorId: personId, action: 'resident.signed_in', data: { via, client }, at: now });
  return sessionId;
}

/** Uses a personal link (once: the update is the lock) and opens a session, audited. */
export async function redeemResidentLink(db: Db, token: string, now: Date, client: string): Promise<{ sessionId: string } | { refused: Exclude<LinkState, 'ok'> }> {
  return inTransaction(db, async (tx) => {
    const [used] = await tx
      .update(residentLinks)
      .set({ usedAt: now })
      .where(and(eq(residentLinks.tokenHash, hashSecret(token)), isNull(residentLinks.usedAt), gt(residentLinks.expiresAt, now)))
      .returning({ identityId: residentLinks.identityId });
    if (!used) {
      const [row] = await tx.select().from(residentLinks).where(eq(residentLinks.tokenHash, hashSecret(token)));
      return { refused: !row ? 'unknown' : row.usedAt ? 'used' : 'expired' } as const;
    }
    const [identity] = await tx.select({ personId: identities.personId }).from(identities).where(eq(identities.id, used.identityId));
    return { sessionId: await openSession(tx, used.identityId, identity!.personId, 'link', now, client) };
  });
}

/**
 * Claims a web-authorisation code before it is exchanged: each code is used once, here as at WeChat (a
 * replayed return URL is refused without asking WeChat). False when it was seen before.
 */
export async function claimOauthCode(db: Db, code: string, now: Date): Promise<boolean> {
  return inTransaction(db, (tx) => markProcessed(tx, MP, `oauth:${hashSecret(code)}`, [], now));
}

/** A session for the follower `wechat-mp:<openid>` whom WeChat's web authorisation named (the identity made on first sight). */
export async function openWechatSession(db: Db, openid: string, now: Date, client: string): Promise<{ sessionId: string }> {
  return inTransaction(db, async (tx) => {
    const { identity } = await ensureIdentity(tx, MP, { platformUserId: openid, displayName: followerName(openid) });
    return { sessionId: await openSession(tx, identity.id, identity.personId, 'wechat', now, client) };
  });
}

export interface ResidentSession {
  idHash: string;
  csrfToken: string;
  identityId: number;
  personId: number;
  platform: Platform;
  platformUserId: string;
  displayName: string;
  lang: 'zh' | 'en';
}

/** The live resident session of a cookie value, or undefined (unknown, expired or revoked). */
export async function residentSessionOf(db: Db, sessionId: string | undefined, now: Date): Promise<ResidentSession | undefined> {
  if (!sessionId || sessionId.length > 100) return undefined;
  const [row] = await db
    .select({
      idHash: residentSessions.idHash,
      csrfToken: residentSessions.csrfToken,
      identityId: identities.id,
      personId: identities.personId,
      platform: identities.platform,
      platformUserId: identities.platformUserId,
      identityName: identities.displayName,
      displayName: persons.displayName,
      lang: persons.lang,
    })
    .from(residentSessions)
    .innerJoin(identities, eq(identities.id, residentSessions.identityId))
    .innerJoin(persons, eq(persons.id, identities.personId))
    .where(and(eq(residentSessions.idHash, hashSecret(sessionId)), isNull(residentSessions.revokedAt), gt(residentSessions.expiresAt, now)));
  if (!row) return undefined;
  const { identityName, ...rest } = row;
  return { ...rest, displayName: identityName ?? row.displayName, lang: row.lang === 'en' ? 'en' : 'zh' };
}

/** Ends resident sessions: one (sign out), a person's (every identity of theirs), or all. Returns how many. */
export async function revokeResidentSessions(db: Db, which: { idHash?: string; personId?: number }, now: Date): Promise<number> {
  const conds = [isNull(residentSessions.revokedAt)];
  if (which.idHash) conds.push(eq(residentSessions.idHash, which.idHash));
  if (which.personId !== undefined) conds.push(inArray(residentSessions.identityId, db.select({ id: identities.id }).from(identities).where(eq(identities.personId, which.personId))));
  return inTransaction(db, async (tx) => {
    const rows = await tx.update(residentSessions).set({ revokedAt: now }).where(and(...conds)).returning({ identityId: residentSessions.identityId });
    if (rows.length) await tx.insert(auditLog).values({ action: 'resident.sessions_revoked', data: { count: rows.length, personId: which.personId ?? null, signOut: !!which.idHash }, at: now });
    return rows.length;
  });
}

/**
 * Part of the daily prune (retention.ts, in its transaction): personal links used or expired before
 * `linksBefore`, and resident sessions once expired or revoked. Returns how many of each went.
 */
export async function pruneResident(tx: Tx, now: Date, linksBefore: Date): Promise<{ residentLinks: number; residentSessions: number }> {
  const links = await tx
    .delete(residentLinks)
    .where(or(lt(residentLinks.expiresAt, linksBefore), and(isNotNull(residentLinks.usedAt), lt(residentLinks.usedAt, linksBefore))))
    .returning({ k: residentLinks.tokenHash });
  const sessions = await tx
    .delete(residentSessions)
    .where(or(lt(residentSessions.expiresAt, now), isNotNull(residentSessions.revokedAt)))
    .returning({ k: residentSessions.idHash });
  return { residentLinks: links.length, residentSessions: sessions.length };
}
