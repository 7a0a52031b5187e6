/** Persons, their platform identities and their role in a community. */
import { and, eq, sql } from 'drizzle-orm';
import { rowsOf, type Db, type Tx } from '../db/client.js';
import { identities, roles, type Platform } from '../db/schema.js';
import { langOf } from '../i18n/index.js';
import { LIMITS, clip, oneLine } from '../domain/text.js';
import { currentChair } from './rotation.js';

export type Identity = typeof identities.$inferSelect;
export type Role = 'resident' | 'staff' | 'supervisor';

/** A display name safe to store and echo: one line, no control or bidi characters, bounded. */
export function safeName(name: string | undefined, fallback: string): string {
  const v = clip(oneLine(name ?? ''), LIMITS.displayName);
  return v || fallback;
}

export async function findIdentity(db: Db | Tx, platform: Platform, platformUserId: string): Promise<Identity | undefined> {
  const [row] = await db.select().from(identities).where(and(eq(identities.platform, platform), eq(identities.platformUserId, platformUserId)));
  return row;
}

/** What a sender looks like to the membership rules: a platform user id, perhaps a name and a language. */
export interface SenderRef {
  platformUserId: string;
  /** As the platform shows it; cleaned here (safeName). Undefined when unknown (the admin CLI). */
  displayName?: string;
  /** The platform's language code ('en-GB', 'zh-hans', …): English makes an English person (langOf). */
  lang?: string;
}

/**
 * The identity of a platform user, created with a new person on first sight; the display name is
 * refreshed when it changed. Identity is by platform user id, never by name. One rule for commands,
 * buttons and the admin CLI: the database function yishi_ensure_member (drizzle/0004), which
 * yishi_press_button runs too. A concurrent first sight of the same user fails on the unique index;
 * the caller's transaction is retried and then finds the identity.
 */
export async function ensureIdentity(tx: Tx, platform: Platform, sender: SenderRef): Promise<{ identity: Identity; created: boolean }> {
  const { identity, created } = await ensureMember(tx, platform, sender, null);
  return { identity, created };
}

/**
 * ensureIdentity and, in the same statement, the resident role in `communityId` (yishi_ensure_resident,
 * drizzle/0004): what a writer in a bound group becomes. `joined` is true when this call made them a resident.
 */
export async function ensureMember(
  tx: Tx,
  platform: Platform,
  sender: SenderRef,
  communityId: number | null,
): Promise<{ identity: Identity; created: boolean; joined: boolean }> {
  const name = sender.displayName === undefined ? null : safeName(sender.displayName, sender.platformUserId);
  const result = await tx.execute(sql`select identity_id, person_id, display_name, private_chat_id, to_json(created_at) #>> '{}' as created_at, created, joined
    from yishi_ensure_member(${platform}, ${sender.platformUserId}, ${name}, ${langOf(sender.lang)}, ${communityId}::integer)`);
  const [row] = rowsOf<{
    identity_id: number;
    person_id: number;
    display_name: string | null;
    private_chat_id: string | null;
    created_at: string;
    created: boolean;
    joined: boolean;
  }>(result);
  if (!row) throw new Error('yishi_ensure_member returned no row');
  const identity: Identity = {
    id: row.identity_id,
    personId: row.person_id,
    platform,
    platformUserId: sender.platformUserId,
    displayName: row.display_name,
    privateChatId: row.private_chat_id,
    createdAt: new Date(row.created_at),
  };
  return { identity, created: row.created, joined: row.joined };
}

export async function roleOf(db: Db | Tx, communityId: number, personId: number): Promise<Role | undefined> {
  const [row] = await db.select({ role: roles.role }).from(roles).where(and(eq(roles.communityId, communityId), eq(roles.personId, personId)));
  return row?.role;
}

/** True when one of the person's identities is the contact of this quarter's chair unit. */
export async function isChair(db: Db | Tx, communityId: number, personId: number, now: Date, tz: string): Promise<boolean> {
  const chair = await currentChair(db, communityId, now, tz);
  if (!chair?.unit.contactPlatform || !chair.unit.contactUserId) return false;
  const identity = await findIdentity(db, chair.unit.contactPlatform, chair.unit.contactUserId);
  return identity?.personId === personId;
}
