/**
 * Where the app's own messages go: a community's group chats, and a person's private chat (on one of
 * their identities that started the bot). Used by the time-driven use cases (nudge, chair announcement,
 * meeting reminders, the 45th-day check).
 */
import { and, asc, eq, inArray, isNotNull } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.js';
import { chats, councilUnits, identities, persons, type Platform } from '../db/schema.js';

/** Whether a platform has a running sender (jobs pass the sender registry's answer). */
export type Reachable = (platform: Platform) => boolean;

/** What every time-driven use case is given. */
export interface ScheduledRun {
  db: Db;
  now: Date;
  tz: string;
  reachable: Reachable;
}

export interface PrivateAddress {
  personId: number;
  platform: Platform;
  platformChatId: string;
  /** The person's own language (private messages use it; group messages use the community's). */
  lang: string;
}

export interface GroupChat {
  id: number;
  platform: Platform;
  platformChatId: string;
}

/** The private addresses of persons, one per person: on `prefer` if possible, else on a reachable platform. */
export async function privateAddressesOf(db: Db | Tx, personIds: number[], reachable: Reachable, prefer?: Platform): Promise<PrivateAddress[]> {
  if (!personIds.length) return [];
  const rows = await db
    .select({ personId: persons.id, lang: persons.lang, identityId: identities.id, platform: identities.platform, platformChatId: identities.privateChatId })
    .from(identities)
    .innerJoin(persons, eq(persons.id, identities.personId))
    .where(and(isNotNull(identities.privateChatId), inArray(identities.personId, personIds)))
    .orderBy(asc(identities.id));
  const byPerson = new Map<number, typeof rows>();
  for (const r of rows) byPerson.set(r.personId, [...(byPerson.get(r.personId) ?? []), r]);
  const out: PrivateAddress[] = [];
  for (const list of byPerson.values()) {
    const chosen = list.find((a) => a.platform === prefer) ?? list.find((a) => reachable(a.platform)) ?? list[0]!;
    out.push({ personId: chosen.personId, platform: chosen.platform, platformChatId: chosen.platformChatId!, lang: chosen.lang });
  }
  return out;
}

/** Where a council unit's contact can be messaged privately, if the contact has started the bot. */
export async function contactAddress(db: Db | Tx, unit: typeof councilUnits.$inferSelect, reachable: Reachable): Promise<PrivateAddress | undefined> {
  if (!unit.contactPlatform || !unit.contactUserId) return undefined;
  const [identity] = await db
    .select({ personId: identities.personId })
    .from(identities)
    .where(and(eq(identities.platform, unit.contactPlatform), eq(identities.platformUserId, unit.contactUserId)));
  if (!identity) return undefined;
  return (await privateAddressesOf(db, [identity.personId], reachable, unit.contactPlatform))[0];
}

/** The group chats bound to a community where the bot may write (not inactive), oldest first. */
export async function groupChatsOf(db: Db | Tx, communityId: number): Promise<GroupChat[]> {
  return db
    .select({ id: chats.id, platform: chats.platform, platformChatId: chats.platformChatId })
    .from(chats)
    .where(and(eq(chats.communityId, communityId), eq(chats.kind, 'group'), eq(chats.active, true)))
    .orderBy(asc(chats.id));
}

/** What a time-driven use case did: a short note for the log, and the outbox keys the send queue carries. */
export interface ScheduledResult {
  note: string;
  /**
   * The keys of the messages it queued. Also given when a repeated run wrote nothing new: a crash between
   * the first run's commit and its enqueue is healed by enqueueing the still-pending rows again.
   */
  queued: string[];
}
