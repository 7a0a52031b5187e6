/**
 * The PlatformSender the jobs' send queue uses. It never retries by itself: a 429 becomes
 * RateLimitedError(retry_after) and the queue waits and retries; a send that can never succeed
 * becomes PermanentSendError. Sends share the adapter's pacer, so the chat budgets are common. A
 * group that moved to a new id (400 with migrate_to_chat_id) is told to the core and the message goes
 * to the new id; a group the bot cannot write to (kicked, no rights) is marked inactive.
 */
import type { Api } from 'grammy';
import type { Button } from '../../src/kernel/types.js';
import type { Logger } from '../../src/lib/logger.js';
import { PermanentSendError, RateLimitedError, type OutboundMessage, type PlatformSender, type SentMessage } from '../../src/messaging/port.js';
import type { ChatFate } from './chats.js';
import { cannotWrite, describe, goneReason, isGrammyError, isNotModified, isPermanent, retryAfterSeconds } from './errors.js';
import { isGroupId } from './pacer.js';
import { inlineKeyboard, replyMarkup, safeText } from './render.js';
import { sendAttachment, type AttachmentSource } from './attachments.js';

export function telegramSender(api: Api, logger: Logger, fate?: ChatFate, files?: AttachmentSource): PlatformSender {
  const onInvalid = (b: Button) => logger.error('button data too long, left out', { data: b.data });
  const post = async (chatId: string, message: OutboundMessage) => {
    const sent = await api.sendMessage(chatId, safeText(message.text), {
      link_preview_options: { is_disabled: true },
      ...replyMarkup(message.buttons, onInvalid),
      ...(message.threadId ? { message_thread_id: Number(message.threadId) } : {}),
    });
    // A result's picture follows its text; its failure is logged, never the text's.
    await sendAttachment(api, chatId, message.attachment, files, logger, { replyTo: sent.message_id, threadId: message.threadId ? Number(message.threadId) : undefined });
    return sent;
  };
  return {
    platform: 'telegram',
    async send(message: OutboundMessage): Promise<SentMessage> {
      let chatId = fate?.lanes?.resolve(message.platformChatId) ?? message.platformChatId;
      try {
        try {
          return { messageId: String((await post(chatId, message)).message_id) };
        } catch (err) {
          const to = isGrammyError(err) && err.error_code === 400 ? err.parameters.migrate_to_chat_id : undefined;
          if (to === undefined || !fate) throw err;
          await fate.migrated(chatId, String(to));
          chatId = String(to);
          return { messageId: String((await post(chatId, message)).message_id) };
        }
      } catch (err) {
        if (fate && isGroupId(chatId) && cannotWrite(err)) {
          try {
            await fate.gone(chatId, goneReason(err));
          } catch (e) {
            logger.error('could not mark the chat inactive', describe(e));
          }
        }
        throw mapError(err);
      }
    },
    async edit(platformChatId: string, messageId: string, text: string, buttons?: Button[][]): Promise<void> {
      try {
        await api.editMessageText(platformChatId, Number(messageId), safeText(text), { reply_markup: inlineKeyboard(buttons, onInvalid) });
      } catch (err) {
        if (isNotModified(err)) return;
        throw mapError(err);
      }
    },
  };
}

function mapError(err: unknown): Error {
  const retryAfter = retryAfterSeconds(err);
  if (retryAfter !== undefined) return new RateLimitedError(retryAfter * 1000);
  if (isPermanent(err)) {
    const d = describe(err);
    return new PermanentSendError(`telegram ${d.code}: ${d.description}`);
  }
  return err instanceof Error ? err : new Error(String(err));
}
