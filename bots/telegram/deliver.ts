/**
 * Queues an Outcome's replies for one update: to the chat (in its forum topic), or to the sender in
 * private. The sending itself is the chat's lane (replies.ts): the update is acknowledged without
 * waiting for a busy group's budget.
 */
import type { Api } from 'grammy';
import type { Chat, User } from 'grammy/types';
import type { Core, Outcome } from '../../src/core/types.js';
import { t } from '../../src/i18n/index.js';
import type { Logger } from '../../src/logger.js';
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

/** Queues the replies after the core has committed the update; never throws. */
export function deliver(env: DeliverEnv, outcome: Outcome, chat: Chat, from: User, origin: Origin = {}): void {
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
        text: reply.text, ...markup, pollId: reply.pollId, attachment: reply.attachment, who, lang, mergeable: false,
        fallback: { chatId: chat.id, reply: { text: note, who, lang, mergeable: true, replyTo: origin.messageId, threadId: origin.threadId } },
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
    });
  }
}
