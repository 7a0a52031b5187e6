/**
 * Staff actions from the page (progress, close, done) run the same use cases as the chat commands, in
 * one transaction with their audit rows; the reply the chat command would have posted goes to the
 * item's group chat through the outbox, written in that same transaction.
 */
import { randomUUID } from 'node:crypto';
import { itemChat } from '../consultation/item-chat.js';
import type { Db } from '../db/client.js';
import type { CoreEvent } from '../domain/messages.js';
import type { Lang } from '../i18n/index.js';
import { makeCtx, type CommandResult, type Community, type Ctx } from '../kernel/context.js';
import { inTransaction } from '../kernel/unit-of-work.js';
import type { Logger } from '../lib/logger.js';
import { outboxKeys } from '../messaging/outbox-keys.js';
import { itemAddress, replyMessage, writeOutbox } from '../messaging/outbox.js';

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
  logger?: Logger;
}

/** Runs `use` as the signed-in staff member; returns the reply text and the events to tell after the commit. */
export async function runStaffAction(run: ActionRun, use: (ctx: Ctx) => Promise<CommandResult>): Promise<{ text: string; events: CoreEvent[] }> {
  const events: CoreEvent[] = [];
  const text = await inTransaction(
    run.db,
    async (tx) => {
      events.length = 0;
      const { chat, threadId } = await itemChat(tx, run.community, run.n);
      const ctx = makeCtx({ tx, now: run.now, tz: run.tz, lang: run.lang, community: run.community, chat, personId: run.personId, displayName: run.displayName, events, audits: { count: 0 } });
      const result = await use(ctx);
      const reply = result.reply;
      if (reply && chat) {
        // A poll's result keeps the key the deadline's close would use, so it is posted once either way.
        const closed = events.find((e): e is Extract<CoreEvent, { type: 'poll.closed' }> => e.type === 'poll.closed');
        const dedupeKey = closed ? outboxKeys.pollResult(closed.pollId) : outboxKeys.webReply(randomUUID());
        const posted = { text: reply.text, buttons: reply.buttons, attachment: reply.attachment, pollId: closed ? undefined : reply.pollId };
        await writeOutbox(tx, [replyMessage(itemAddress(chat, threadId), dedupeKey, posted)]);
        events.push({ type: 'outbox.queued', dedupeKeys: [dedupeKey] });
      }
      return reply?.text ?? '';
    },
    run.logger,
  );
  return { text, events };
}
