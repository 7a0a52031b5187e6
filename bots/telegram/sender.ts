/**
 * The PlatformSender the jobs' send queue uses. It never retries by itself: a 429 becomes
 * RateLimitedError(retry_after) and the queue waits and retries; a send that can never succeed
 * becomes PermanentSendError. Sends share the adapter's throttle, so the chat budgets are common.
 */
import type { Api } from 'grammy';
import type { Button } from '../../src/core/types.js';
import type { Logger } from '../../src/logger.js';
import { PermanentSendError, RateLimitedError, type OutboundMessage, type PlatformSender, type SentMessage } from '../../src/messaging/port.js';
import { describe, isNotModified, isPermanent, retryAfterSeconds } from './errors.js';
import { inlineKeyboard, replyMarkup, safeText } from './render.js';

export function telegramSender(api: Api, logger: Logger): PlatformSender {
  const onInvalid = (b: Button) => logger.error('button data too long, left out', { data: b.data });
  return {
    platform: 'telegram',
    async send(message: OutboundMessage): Promise<SentMessage> {
      try {
        const sent = await api.sendMessage(message.platformChatId, safeText(message.text), {
          link_preview_options: { is_disabled: true },
          ...replyMarkup(message.buttons, onInvalid),
        });
        return { messageId: String(sent.message_id) };
      } catch (err) {
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
