/**
 * Followers of an item: its author and supporters by default, anyone by `/follow`, nobody after
 * `/unfollow`. Progress, a result (the rating and a reopening included) and the opening of the rating
 * reach them privately through the outbox, one message each; whoever never started the bot has no
 * private address and is skipped quietly. Supervisors of the community get every result too.
 */
import { and, eq } from 'drizzle-orm';
import type { Tx } from '../db/client.js';
import { follows, roles, supports } from '../db/schema.js';
import type { Button, CoreEvent } from '../domain/messages.js';
import { refuse } from '../domain/errors.js';
import { t, type MessageKey, type Params } from '../i18n/index.js';
import { privateAddressesOf } from '../messaging/addresses.js';
import { outboxKeys } from '../messaging/outbox-keys.js';
import { writeOutbox } from '../messaging/outbox.js';
import { getSuggestion, type CommandResult, type Ctx, type Suggestion } from '../kernel/context.js';

/** The persons following an item now. */
export async function followersOf(tx: Tx, s: Pick<Suggestion, 'id' | 'authorId'>): Promise<number[]> {
  const supporters = await tx.select({ p: supports.personId }).from(supports).where(eq(supports.suggestionId, s.id));
  const explicit = await tx.select({ p: follows.personId, following: follows.following }).from(follows).where(eq(follows.suggestionId, s.id));
  const set = new Set([s.authorId, ...supporters.map((r) => r.p)]);
  for (const e of explicit) {
    if (e.following) set.add(e.p);
    else set.delete(e.p);
  }
  return [...set];
}

export async function supervisorsOf(tx: Tx, communityId: number): Promise<number[]> {
  return (await tx.select({ p: roles.personId }).from(roles).where(and(eq(roles.communityId, communityId), eq(roles.role, 'supervisor')))).map((r) => r.p);
}

/**
 * Tells an item's followers (and, for a result, the community's supervisors) privately, each in their
 * own language; `what` makes the outbox key (one message per cause and person). Returns the keys written.
 */
export async function tellFollowers(
  tx: Tx,
  opts: { suggestion: Pick<Suggestion, 'id' | 'authorId' | 'communityId'>; what: string; key: MessageKey; params: Params; buttons?: Button[][]; supervisors?: boolean; except?: number; events: CoreEvent[] },
): Promise<string[]> {
  const ids = new Set(await followersOf(tx, opts.suggestion));
  if (opts.supervisors) for (const p of await supervisorsOf(tx, opts.suggestion.communityId)) ids.add(p);
  if (opts.except !== undefined) ids.delete(opts.except);
  const addresses = await privateAddressesOf(tx, [...ids], () => true);
  const written = await writeOutbox(
    tx,
    addresses.map((a) => ({
      platform: a.platform,
      platformChatId: a.platformChatId,
      dedupeKey: outboxKeys.followerNotice(opts.suggestion.id, opts.what, a.personId),
      payload: { text: t(a.lang, opts.key, opts.params), ...(opts.buttons?.length ? { buttons: opts.buttons } : {}) },
    })),
  );
  if (written.length) opts.events.push({ type: 'outbox.queued', dedupeKeys: written });
  return written;
}

async function setFollowing(ctx: Ctx, n: number, following: boolean): Promise<CommandResult> {
  const s = await getSuggestion(ctx, n);
  const now = (await followersOf(ctx.tx, s)).includes(ctx.personId);
  if (now === following) return refuse(following ? 'ALREADY_FOLLOWING' : 'NOT_FOLLOWING', { n });
  await ctx.tx
    .insert(follows)
    .values({ suggestionId: s.id, personId: ctx.personId, following, at: ctx.now })
    .onConflictDoUpdate({ target: [follows.suggestionId, follows.personId], set: { following, at: ctx.now } });
  await ctx.audit(following ? 'suggestion.followed' : 'suggestion.unfollowed', { number: n }, s.id);
  return { reply: { text: ctx.t(following ? 'follow.ok' : 'unfollow.ok', { n }) } };
}

export const follow = (ctx: Ctx, n: number) => setFollowing(ctx, n, true);
export const unfollow = (ctx: Ctx, n: number) => setFollowing(ctx, n, false);

