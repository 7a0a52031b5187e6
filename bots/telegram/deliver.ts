/**
 * Queues an Outcome's replies for one update: to the chat (in its forum topic), or to the sender in
 * private. The sending itself is the chat's lane (replies.ts): the update is acknowledged without
 * waiting for a busy group's budget. Where the replies go is kept by the core with the update
 * (Incoming.delivery, made by deliveryOf) until the lanes settled them; at start, what a killed
 * process left unsent is claimed and queued again (replayUndelivered).
 */
import type { Api } from 'grammy';
import type { Chat, User } from 'grammy/types';
import type { Core, Outcome } from '../../src/kernel/types.js';
import { t } from '../../src/i18n/index.js';
import type { Logger } from '../../src/lib/logger.js';
import { displayName } from './incoming.js';
import type { ReplyLanes } from './replies.js';
import { replyMarkup, safeText } from './render.js';

export interface DeliverEnv {
  api: Api;
  core: Core;
  logger: Logger;
  lanes: ReplyLanes;
}

/** Where in the chat the command was written: its message and forum topic. */
export interface Origin {
  messageId?: number;
  threadId?: number;
  /** Written on behalf of a chat: nobody to answer privately. */
  anonymous?: boolean;
}

/** What the core keeps for the replies of an update until they went out: enough to call deliver again. */
export function deliveryOf(chat: Chat, from: User, origin: Origin = {}): Record<string, unknown> {
  const title = 'title' in chat ? chat.title : undefined;
  return {
    chat: { id: chat.id, type: chat.type, ...(title ? { title } : {}) },
    from: { id: from.id, is_bot: from.is_bot, first_name: from.first_name, ...(from.last_name ? { last_name: from.last_name } : {}), ...(from.language_code ? { language_code: from.language_code } : {}) },
    origin,
  };
}

/**
 * Queues again the replies a killed process never sent (claimed from the core: marked delivered as
 * they are claimed, so they go once). `before`: only updates processed before it (in webhook mode
 * other instances may still be sending their own). Returns how many updates were replayed.
 */
export async function replayUndelivered(env: DeliverEnv, before: Date): Promise<number> {
  const since = new Date(before.getTime() - REPLAY_WINDOW_MS);
  const rows = await env.core.claimUndeliveredReplies('telegram', { since, before });
  for (const row of rows) {
    const { chat, from, origin } = row.delivery as { chat: Chat; from: User; origin?: Origin };
    if (!chat || !from) continue;
    deliver(env, { stored: true, replies: row.replies }, chat, from, origin ?? {});
  }
  if (rows.length) env.logger.info('replies left unsent by the last process were queued again', { updates: rows.length });
  return rows.length;
}

/** Replies older than this are not sent any more after a restart (the conversation has moved on). */
export const REPLAY_WINDOW_MS = 24 * 3600_000;

/** Queues the replies after the core has committed the update; never throws. */
export function deliver(env: DeliverEnv, outcome: Outcome, chat: Chat, from: User, origin: Origin = {}, updateKey?: string): void {
  const inGroup = chat.type !== 'private';
  const who = displayName(from);
  const lang = from.language_code;
  for (const reply of outcome.replies) {
    const markup = replyMarkup(reply.buttons, (b) => env.logger.error('button data too long, left out', { data: b.data }));
    const alone = Boolean(markup.reply_markup || reply.pollId !== undefined || reply.attachment || reply.standalone);
    if (reply.to === 'private' && inGroup) {
      // Only a note in the group (never the content) when the sender has not started the bot.
      const note = t(lang, 'telegram.privateUnavailable', { name: safeText(from.first_name, 64) });
      env.lanes.post(from.id, {
        text: reply.text, ...markup, pollId: reply.pollId, attachment: reply.attachment, who, lang, mergeable: false, updateKey,
        fallback: { chatId: chat.id, reply: { text: note, who, lang, mergeable: true, replyTo: origin.messageId, threadId: origin.threadId, updateKey } },
      });
      continue;
    }
    env.lanes.post(chat.id, {
      text: reply.text,
      ...markup,
      pollId: reply.pollId,
      attachment: reply.attachment,
      replyTo: inGroup ? origin.messageId : undefined,
      threadId: inGroup ? origin.threadId : undefined,
      who,
      lang,
      mergeable: inGroup && !alone,
      refusalTo: inGroup && outcome.errorCode && !alone && !origin.anonymous && !from.is_bot ? from.id : undefined,
      updateKey,
    });
  }
}
