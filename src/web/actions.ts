/**
 * Staff actions from the page (progress, close, done) run the same use cases as the chat commands, in
 * one transaction with their audit rows; the reply the chat command would have posted goes to the
 * item's group chat through the outbox, written in that same transaction.
 */
import { randomUUID } from 'node:crypto';
import { and, asc, eq, isNotNull } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.js';
import { chats, suggestions } from '../db/schema.js';
import type { CoreEvent } from '../domain/messages.js';
import type { Lang } from '../i18n/index.js';
import { makeCtx, type Chat, type CommandResult, type Community, type Ctx } from '../kernel/context.js';
import { outboxKeys } from '../messaging/outbox-keys.js';
import { itemAddress, replyMessage, writeOutbox } from '../messaging/outbox.js';

/**
 * The group chat an item's messages go to: where it was raised (in its forum topic, if it was raised in
 * one), else the community's first bound group.
 */
async function chatOf(tx: Tx, community: Community, n: number): Promise<{ chat?: Chat; threadId?: string }> {
  const [s] = await tx.select({ chatId: suggestions.chatId, threadId: suggestions.threadId }).from(suggestions).where(and(eq(suggestions.communityId, community.id), eq(suggestions.number, n)));
  if (s?.chatId) {
    const [c] = await tx.select().from(chats).where(eq(chats.id, s.chatId));
    if (c?.communityId === community.id) return { chat: c, ...(s.threadId ? { threadId: s.threadId } : {}) };
  }
  const [c] = await tx
    .select()
    .from(chats)
    .where(and(eq(chats.communityId, community.id), eq(chats.kind, 'group'), isNotNull(chats.boundAt)))
    .orderBy(asc(chats.id))
    .limit(1);
  return { chat: c };
}

export interface ActionRun {
  db: Db;
  now: Date;
  tz: string;
  lang: Lang;
  community: Community;
  personId: number;
  displayName: string;
  /** The item the action is about (its chat receives the reply). */
  n: number;
}

/** Runs `use` as the signed-in staff member; returns the reply text and the events to tell after the commit. */
export async function runStaffAction(run: ActionRun, use: (ctx: Ctx) => Promise<CommandResult>): Promise<{ text: string; events: CoreEvent[] }> {
  const events: CoreEvent[] = [];
  const text = await run.db.transaction(async (tx) => {
    events.length = 0;
    const { chat, threadId } = await chatOf(tx, run.community, run.n);
    const ctx = makeCtx({ tx, now: run.now, tz: run.tz, lang: run.lang, community: run.community, chat, personId: run.personId, displayName: run.displayName, events, audits: { count: 0 } });
    const result = await use(ctx);
    const reply = result.reply;
    if (reply && chat) {
      // A poll's result keeps the key the deadline's close would use, so it is posted once either way.
      const closed = events.find((e): e is Extract<CoreEvent, { type: 'poll.closed' }> => e.type === 'poll.closed');
      const dedupeKey = closed ? outboxKeys.pollResult(closed.pollId) : `web-${randomUUID()}`;
      const posted = { text: reply.text, buttons: reply.buttons, attachment: reply.attachment, pollId: closed ? undefined : reply.pollId };
      await writeOutbox(tx, [replyMessage(itemAddress(chat, threadId), dedupeKey, posted)]);
      events.push({ type: 'outbox.queued', dedupeKeys: [dedupeKey] });
    }
    return reply?.text ?? '';
  });
  return { text, events };
}
