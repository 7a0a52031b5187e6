/**
 * A vote or rating reaches every chat of its community: when it opens, its ballot is posted to every
 * active group chat bound to the community (the item's grid's chats, for an item raised in a grid), each
 * with its own buttons and live counts, and the staff and grid workers get privately a message ready to
 * forward into personal WeChat groups (the page link); when it closes, the result goes to each of those
 * chats. All of it as outbox rows in the transaction that opened or closed the poll, so each chat gets
 * it exactly once and its own pacing (a busy group holds back no other).
 */
import { and, asc, eq, isNotNull } from 'drizzle-orm';
import type { Tx } from '../db/client.js';
import { chats, pollPosts, roles } from '../db/schema.js';
import { isFollowersChat } from '../domain/platforms.js';
import type { Reply } from '../domain/messages.js';
import { clip, oneLine } from '../domain/text.js';
import { formatLocal } from '../domain/time.js';
import { langOf, t } from '../i18n/index.js';
import type { Chat, Community, Ctx, Suggestion } from '../kernel/context.js';
import { residentPageUrl, publicWebUrl } from '../lib/web-url.js';
import { privateAddressesOf } from '../messaging/addresses.js';
import { outboxKeys } from '../messaging/outbox-keys.js';
import { replyMessage, writeOutbox, type OutboxMessage } from '../messaging/outbox.js';
import { gridWorkerPersons, gridsOf } from '../org/grids.js';
import { renderBallot, type Poll } from './poll.js';

/** The chats a poll of `s` goes to: the community's active bound groups, or its grid's. */
async function chatsFor(tx: Tx, community: Community, s: Suggestion): Promise<Chat[]> {
  return tx
    .select()
    .from(chats)
    .where(and(eq(chats.communityId, community.id), eq(chats.kind, 'group'), eq(chats.active, true), isNotNull(chats.boundAt), s.gridId ? eq(chats.gridId, s.gridId) : undefined))
    .orderBy(asc(chats.id));
}

/**
 * The chat that gets the command's own reply, which therefore needs no copy: a group of the community.
 * A followers' chat of the Official Account is not one: its reply goes to the one who wrote.
 */
export const answeredIn = (ctx: Ctx): Chat | undefined =>
  ctx.chat && ctx.chat.kind === 'group' && ctx.chat.communityId === ctx.community.id && !isFollowersChat(ctx.chat.platformChatId) ? ctx.chat : undefined;

/** Posts a poll just opened by `ctx` to every other chat of its community, and the forwarding message to staff and grid workers. */
export async function postPollEverywhere(ctx: Ctx, s: Suggestion, poll: Poll, labels: string[]): Promise<void> {
  const lang = langOf(ctx.community.lang);
  const here = answeredIn(ctx);
  const targets = await chatsFor(ctx.tx, ctx.community, s);
  const posted = here && !targets.some((c) => c.id === here.id) ? [here, ...targets] : targets;
  if (posted.length) await ctx.tx.insert(pollPosts).values(posted.map((c) => ({ pollId: poll.id, chatId: c.id }))).onConflictDoNothing();
  const ballot = renderBallot(lang, ctx.tz, s, poll, labels, labels.map(() => 0));
  const messages: OutboxMessage[] = targets
    .filter((c) => c.id !== here?.id)
    .map((c) => replyMessage({ platform: c.platform, platformChatId: c.platformChatId }, outboxKeys.pollToChat(poll.id, c.id), ballot));
  messages.push(...(await forwardingMessages(ctx, s, poll)));
  const written = await writeOutbox(ctx.tx, messages);
  if (written.length) ctx.emit({ type: 'outbox.queued', dedupeKeys: written });
}

/**
 * For staff and the grid workers (the grid's, for a grid's item): a short note, then two lines to forward
 * as they are into a personal WeChat group: the title with the deadline, and the page link.
 */
async function forwardingMessages(ctx: Ctx, s: Suggestion, poll: Poll): Promise<OutboxMessage[]> {
  const staff = await ctx.tx.select({ personId: roles.personId }).from(roles).where(and(eq(roles.communityId, ctx.community.id), eq(roles.role, 'staff')));
  const gridIds = s.gridId ? [s.gridId] : (await gridsOf(ctx.tx, ctx.community.id)).map((g) => g.id);
  const workers = (await Promise.all(gridIds.map((g) => gridWorkerPersons(ctx.tx, g)))).flat();
  const people = [...new Set([...staff.map((r) => r.personId), ...workers])];
  const addresses = await privateAddressesOf(ctx.tx, people, () => true, ctx.chat?.platform);
  const url = residentPageUrl(publicWebUrl(), ctx.community.slug, s.number);
  const out: OutboxMessage[] = [];
  for (const a of addresses) {
    const what = t(a.lang, poll.kind === 'vote' ? 'resident.what.vote' : 'resident.what.rating');
    const params = { n: s.number, text: clip(oneLine(s.text), 40), deadline: formatLocal(poll.deadline, ctx.tz), url, community: ctx.community.name, what };
    const to = { platform: a.platform, platformChatId: a.platformChatId };
    out.push(replyMessage(to, outboxKeys.pollForwardNote(poll.id, a.personId), { text: t(a.lang, 'resident.forward.note', params) }));
    out.push(replyMessage(to, outboxKeys.pollForward(poll.id, a.personId), { text: t(a.lang, poll.kind === 'vote' ? 'resident.forward.vote' : 'resident.forward.rating', params) }));
  }
  return out;
}

/**
 * The result of a poll closed just now, to every chat its ballot was posted in but `skipChatId` (the chat
 * that gets it already: as the command's reply, or as the deadline's message). Returns the keys written.
 */
export async function postResultEverywhere(tx: Tx, pollId: number, result: Pick<Reply, 'text' | 'attachment'>, skipChatId: number | undefined): Promise<string[]> {
  const rows = await tx.select({ chat: chats }).from(pollPosts).innerJoin(chats, eq(chats.id, pollPosts.chatId)).where(eq(pollPosts.pollId, pollId)).orderBy(asc(chats.id));
  const messages = rows
    .map((r) => r.chat)
    .filter((c) => c.id !== skipChatId && c.active)
    .map((c) => replyMessage({ platform: c.platform, platformChatId: c.platformChatId }, outboxKeys.pollResultToChat(pollId, c.id), result));
  return writeOutbox(tx, messages);
}
