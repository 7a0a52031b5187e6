/** Sends an Outcome's replies for one update: to the chat, or to the sender in private. */
import type { Api } from 'grammy';
import type { Chat, User } from 'grammy/types';
import type { Core, Outcome, Reply } from '../../src/core/types.js';
import { t } from '../../src/i18n/index.js';
import type { Logger } from '../../src/logger.js';
import { describe, isGrammyError } from './errors.js';
import { replyMarkup, safeText } from './render.js';

export interface DeliverEnv {
  api: Api;
  core: Core;
  logger: Logger;
}

/**
 * Delivers replies after the core has committed the update. Failures are logged and never thrown:
 * the effects are stored, so the update must still be acknowledged (a re-delivery would be a
 * duplicate and send nothing anyway).
 */
export async function deliver(env: DeliverEnv, outcome: Outcome, chat: Chat, from: User, replyTo?: number): Promise<void> {
  for (const reply of outcome.replies) {
    try {
      await deliverOne(env, reply, chat, from, replyTo);
    } catch (err) {
      env.logger.error('reply not delivered', { chatId: chat.id, ...describe(err) });
    }
  }
}

async function deliverOne(env: DeliverEnv, reply: Reply, chat: Chat, from: User, replyTo?: number): Promise<void> {
  const log = env.logger;
  const markup = replyMarkup(reply.buttons, (b) => log.error('button data too long, left out', { data: b.data }));
  const toPrivate = reply.to === 'private' && chat.type !== 'private';
  if (toPrivate) {
    try {
      await send(env, reply, from.id, markup);
      return;
    } catch (err) {
      // The sender has not started the bot (or blocked it): say so in the group, never the content.
      if (!(isGrammyError(err) && (err.error_code === 403 || err.error_code === 400))) throw err;
      log.info('private reply impossible, noting it in the group', { userId: from.id, ...describe(err) });
      const note = t(from.language_code, 'telegram.privateUnavailable', { name: safeText(from.first_name, 64) });
      await env.api.sendMessage(chat.id, safeText(note), replyParams(replyTo));
      return;
    }
  }
  await send(env, reply, chat.id, { ...markup, ...replyParams(chat.type === 'private' ? undefined : replyTo) });
}

async function send(env: DeliverEnv, reply: Reply, chatId: number, extra: object): Promise<void> {
  const msg = await env.api.sendMessage(chatId, safeText(reply.text), { link_preview_options: { is_disabled: true }, ...extra });
  if (reply.pollId !== undefined) {
    try {
      await env.core.setPollMessage(reply.pollId, String(msg.message_id));
    } catch (err) {
      env.logger.error('could not remember the ballot message; live counts will not show', { pollId: reply.pollId, ...describe(err) });
    }
  }
}

function replyParams(messageId?: number) {
  return messageId ? { reply_parameters: { message_id: messageId, allow_sending_without_reply: true } } : {};
}
