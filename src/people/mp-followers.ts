/**
 * Followers of the community's WeChat Official Account (platform 'wechat-mp', user id = openid): joining a
 * community (and grid) by a QR code's scene, leaving by unfollowing, switching between communities, and
 * who hears what. A community's (or grid's) followers reach the core through one chat row bound to it
 * (`c:<community>` / `c:<community>:g:<grid>`), so every command works for them as in a bound group.
 * Every state change is one transaction with its audit row and the update's processed row (a retried
 * event changes nothing and gets the first answer).
 */
import { and, asc, eq, isNull, ne, or, sql } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.js';
import { auditLog, chats, communities, grids, identities, wechatMpFollowers, wechatMpMemberships } from '../db/schema.js';
import type { Reply } from '../domain/messages.js';
import { isSlug } from '../domain/slug.js';
import { isFollowersChat } from '../domain/platforms.js';
import { clip, oneLine } from '../domain/text.js';
import { t, type Lang } from '../i18n/index.js';
import { ensureMember } from '../kernel/persons.js';
import { inTransaction } from '../kernel/unit-of-work.js';
import { alreadyProcessed, markProcessed } from '../messaging/updates.js';
import { writeOutbox, type OutboundPayload } from '../messaging/outbox.js';
import { outboxKeys } from '../messaging/outbox-keys.js';

export const MP = 'wechat-mp' as const;
/** Customer-service messages are allowed for 48 hours after the follower's last message or event. */
export const WINDOW_MS = 48 * 3600_000;

/** The chat id of a community's (or grid's) followers. */
export const mpChatId = (communityId: number, gridId?: number | null) => (gridId ? `c:${communityId}:g:${gridId}` : `c:${communityId}`);
export { isFollowersChat };
/** WeChat gives no names without asking: a follower is 微信用户 and the end of their openid. */
export const followerName = (openid: string) => `微信用户${openid.slice(-4)}`;

/** An event's answer: the replies kept with its processed row (the first answer again for a duplicate). */
export interface EventAnswer {
  replies: Reply[];
  duplicate: boolean;
}

const DUPLICATE = Symbol('duplicate');

/** Runs a follower event once: `work` and the processed row in one transaction; a duplicate changes nothing. */
async function once(db: Db, key: string, openid: string, now: Date, work: (tx: Tx) => Promise<Reply[]>): Promise<EventAnswer> {
  try {
    const replies = await inTransaction(db, async (tx) => {
      if (await alreadyProcessed(tx, MP, key)) throw DUPLICATE;
      const r = await work(tx);
      if (!(await markProcessed(tx, MP, key, r, now, { openid }))) throw DUPLICATE;
      return r;
    });
    return { replies, duplicate: false };
  } catch (err) {
    if (err !== DUPLICATE) throw err;
    return { replies: [], duplicate: true };
  }
}

async function upsertFollower(tx: Tx, openid: string, now: Date, set: Partial<typeof wechatMpFollowers.$inferInsert>): Promise<void> {
  await tx
    .insert(wechatMpFollowers)
    .values({ openid, subscribed: true, lastInteractionAt: now, subscribedAt: now, ...set })
    .onConflictDoUpdate({ target: wechatMpFollowers.openid, set: { lastInteractionAt: now, ...set } });
}

/** Their identity's private chat is the openid (so private notices reach them here), or none after unfollowing. */
async function setPrivateChat(tx: Tx, openid: string, privateChatId: string | null): Promise<void> {
  await tx.update(identities).set({ privateChatId }).where(and(eq(identities.platform, MP), eq(identities.platformUserId, openid)));
}

/**
 * `subscribe` (EventKey `qrscene_<scene>`) or `SCAN` (`<scene>`): follows, and with a scene `<slug>` or
 * `<slug>:<grid>` joins that community (and grid), welcomed with what they can do. A bad scene, an unknown
 * community or grid: a clear reply, and nothing changes but the follow itself.
 */
export async function follow(db: Db, e: { openid: string; scene?: string; updateKey: string; now: Date; lang: Lang }): Promise<EventAnswer> {
  const { openid, now, lang } = e;
  return once(db, e.updateKey, openid, now, async (tx) => {
    const [before] = await tx.select().from(wechatMpFollowers).where(eq(wechatMpFollowers.openid, openid));
    const wasFollowing = before?.subscribed === true;
    await upsertFollower(tx, openid, now, { subscribed: true, unsubscribedAt: null, ...(wasFollowing ? {} : { subscribedAt: now }) });
    await setPrivateChat(tx, openid, openid);
    const say = (text: string): Reply[] => [{ text }];
    const scene = e.scene?.trim();
    if (!scene) {
      if (!wasFollowing) await tx.insert(auditLog).values({ action: 'wechat_mp.followed', data: { openid }, at: now });
      return before?.currentCommunityId ? [] : say(t(lang, 'mp.welcome.none'));
    }
    const m = /^([^:]{1,40})(?::([^:]{1,40}))?$/.exec(scene);
    if (!m || !isSlug(m[1]!) || (m[2] !== undefined && !isSlug(m[2]))) return say(t(lang, 'mp.scene.bad'));
    const [community] = await tx.select().from(communities).where(eq(communities.slug, m[1]!));
    if (!community) return say(t(lang, 'mp.scene.noCommunity', { slug: m[1]! }));
    const [grid] = m[2] ? await tx.select().from(grids).where(and(eq(grids.communityId, community.id), eq(grids.slug, m[2]))) : [];
    if (m[2] && !grid) return say(t(lang, 'mp.scene.noGrid', { community: community.name, grid: m[2] }));
    const name = grid ? `${community.name} · ${grid.name}` : community.name;
    const { identity } = await ensureMember(tx, MP, { platformUserId: openid, displayName: followerName(openid), lang }, community.id);
    await setPrivateChat(tx, openid, openid);
    const platformChatId = mpChatId(community.id, grid?.id);
    await tx
      .insert(chats)
      .values({ platform: MP, platformChatId, kind: 'group', title: clip(oneLine(name), 100), communityId: community.id, gridId: grid?.id ?? null, boundAt: now, createdAt: now })
      .onConflictDoNothing({ target: [chats.platform, chats.platformChatId] });
    const [chat] = await tx.select().from(chats).where(and(eq(chats.platform, MP), eq(chats.platformChatId, platformChatId)));
    await tx
      .insert(wechatMpMemberships)
      .values({ openid, communityId: community.id, gridId: grid?.id ?? null, chatId: chat!.id, joinedAt: now })
      .onConflictDoUpdate({ target: [wechatMpMemberships.openid, wechatMpMemberships.communityId], set: { gridId: grid?.id ?? null, chatId: chat!.id } });
    await tx.update(wechatMpFollowers).set({ currentCommunityId: community.id }).where(eq(wechatMpFollowers.openid, openid));
    await tx.insert(auditLog).values({ communityId: community.id, actorId: identity.personId, action: 'wechat_mp.joined', data: { openid, scene, gridId: grid?.id ?? null }, at: now });
    return say(t(lang, 'mp.welcome.joined', { name }));
  });
}

/** `unsubscribe`: nothing is sent to them any more (their other platforms get their private notices). */
export async function unfollow(db: Db, e: { openid: string; updateKey: string; now: Date }): Promise<EventAnswer> {
  return once(db, e.updateKey, e.openid, e.now, async (tx) => {
    const [before] = await tx.select().from(wechatMpFollowers).where(eq(wechatMpFollowers.openid, e.openid));
    if (!before?.subscribed) return [];
    await tx.update(wechatMpFollowers).set({ subscribed: false, unsubscribedAt: e.now }).where(eq(wechatMpFollowers.openid, e.openid));
    await setPrivateChat(tx, e.openid, null);
    await tx.insert(auditLog).values({ communityId: before.currentCommunityId, action: 'wechat_mp.unfollowed', data: { openid: e.openid }, at: e.now });
    return [];
  });
}

/** The communities a follower joined, with the one their commands go to. */
async function joined(db: Db | Tx, openid: string) {
  return db
    .select({ communityId: wechatMpMemberships.communityId, slug: communities.slug, name: communities.name, platformChatId: chats.platformChatId, current: wechatMpFollowers.currentCommunityId })
    .from(wechatMpMemberships)
    .innerJoin(communities, eq(communities.id, wechatMpMemberships.communityId))
    .innerJoin(chats, eq(chats.id, wechatMpMemberships.chatId))
    .innerJoin(wechatMpFollowers, eq(wechatMpFollowers.openid, wechatMpMemberships.openid))
    .where(eq(wechatMpMemberships.openid, openid))
    .orderBy(asc(communities.slug));
}

/** `切换 <slug>`: their commands go to another community they joined; without a slug, the list. */
export async function switchCommunity(db: Db, e: { openid: string; slug: string; updateKey: string; now: Date; lang: Lang }): Promise<EventAnswer> {
  return once(db, e.updateKey, e.openid, e.now, async (tx) => {
    const rows = await joined(tx, e.openid);
    if (!rows.length) return [{ text: t(e.lang, 'mp.notJoined') }];
    const list = rows.map((r) => `${r.name}（${r.slug}）`).join('、');
    const slug = e.slug.trim().toLowerCase();
    if (!slug) return [{ text: t(e.lang, 'mp.switch.list', { list, current: rows.find((r) => r.communityId === r.current)?.name ?? '-' }) }];
    const target = rows.find((r) => r.slug === slug);
    if (!target) return [{ text: t(e.lang, 'mp.switch.unknown', { slug: clip(oneLine(e.slug), 40), list }) }];
    if (target.current !== target.communityId) {
      await tx.update(wechatMpFollowers).set({ currentCommunityId: target.communityId, lastInteractionAt: e.now }).where(eq(wechatMpFollowers.openid, e.openid));
      await tx.insert(auditLog).values({ communityId: target.communityId, action: 'wechat_mp.switched', data: { openid: e.openid }, at: e.now });
    }
    return [{ text: t(e.lang, 'mp.switch.ok', { name: target.name }) }];
  });
}

/**
 * A message or event from them: the 48-hour window starts again, they follow (a follower from before
 * the adapter ran is known from now on), and their private chat is this one. Returns the chat their
 * commands go to, if they joined a community.
 */
export async function touch(db: Db, openid: string, now: Date): Promise<{ platformChatId: string } | undefined> {
  await inTransaction(db, async (tx) => {
    await upsertFollower(tx, openid, now, { subscribed: true, unsubscribedAt: null });
    await tx
      .update(identities)
      .set({ privateChatId: openid })
      .where(and(eq(identities.platform, MP), eq(identities.platformUserId, openid), or(isNull(identities.privateChatId), ne(identities.privateChatId, openid))));
  });
  const rows = await joined(db, openid);
  const current = rows.find((r) => r.communityId === r.current) ?? rows[0];
  return current ? { platformChatId: current.platformChatId } : undefined;
}

/** Whether a follower may be sent to now: not at all after unfollowing; by customer service inside the window; else by template. */
export async function reachability(db: Db, openid: string, now: Date): Promise<'unsubscribed' | 'window' | 'outside'> {
  const [f] = await db.select().from(wechatMpFollowers).where(eq(wechatMpFollowers.openid, openid));
  if (!f) return 'outside';
  if (!f.subscribed) return 'unsubscribed';
  return now.getTime() - f.lastInteractionAt.getTime() < WINDOW_MS ? 'window' : 'outside';
}

/** The following members of a community's (or grid's) chat. */
async function chatFollowers(db: Db | Tx, platformChatId: string): Promise<string[]> {
  const rows = await db
    .select({ openid: wechatMpMemberships.openid })
    .from(wechatMpMemberships)
    .innerJoin(chats, eq(chats.id, wechatMpMemberships.chatId))
    .innerJoin(wechatMpFollowers, eq(wechatMpFollowers.openid, wechatMpMemberships.openid))
    .where(and(eq(chats.platform, MP), eq(chats.platformChatId, platformChatId), eq(wechatMpFollowers.subscribed, true)))
    .orderBy(asc(wechatMpMemberships.openid));
  return rows.map((r) => r.openid);
}

/**
 * A message to a community's followers (an outbox row to `c:<id>`) becomes one outbox row per follower,
 * keyed on the row it came from: written once however often this runs. Returns every key (to enqueue).
 */
export async function fanOut(db: Db, outboxId: number, platformChatId: string, payload: OutboundPayload): Promise<string[]> {
  return inTransaction(db, async (tx) => {
    const openids = await chatFollowers(tx, platformChatId);
    const messages = openids.map((openid) => ({ platform: MP, platformChatId: openid, dedupeKey: outboxKeys.mpFollowerCopy(outboxId, openid), payload }));
    await writeOutbox(tx, messages);
    return messages.map((m) => m.dedupeKey);
  });
}

/** Followers counted (for logs and the CLI). */
export async function followerCount(db: Db): Promise<number> {
  const [r] = await db.select({ n: sql<number>`count(*)::int` }).from(wechatMpFollowers).where(eq(wechatMpFollowers.subscribed, true));
  return r?.n ?? 0;
}
