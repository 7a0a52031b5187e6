/**
 * A reply's attachment on Telegram: a picture with sendPhoto, a PDF with sendDocument, sent right after
 * the text message (as a reply to it). It never throws: the text is already out, and a picture that
 * cannot be drawn or sent must not turn a delivered result into a retried one.
 */
import { InputFile, type Api } from 'grammy';
import type { Attachment, RenderedFile } from '../../src/domain/messages.js';
import type { Logger } from '../../src/lib/logger.js';
import { describe } from './errors.js';
import { safeText } from './render.js';

/** Draws an attachment (the core's renderAttachment). */
export type AttachmentSource = (attachment: Attachment) => Promise<RenderedFile | undefined>;

const MAX_CAPTION = 1024;

export async function sendAttachment(
  api: Api,
  chatId: string | number,
  attachment: Attachment | undefined,
  source: AttachmentSource | undefined,
  logger: Logger,
  extra: { replyTo?: number; threadId?: number } = {},
): Promise<void> {
  if (!attachment || !source) return;
  try {
    const file = await source(attachment);
    if (!file) return;
    const input = new InputFile(file.bytes, file.filename);
    const options = {
      caption: safeText(file.caption, MAX_CAPTION),
      ...(extra.replyTo ? { reply_parameters: { message_id: extra.replyTo, allow_sending_without_reply: true } } : {}),
      ...(extra.threadId ? { message_thread_id: extra.threadId } : {}),
    };
    if (file.mime === 'image/png') await api.sendPhoto(chatId, input, options);
    else await api.sendDocument(chatId, input, options);
  } catch (err) {
    logger.warn('attachment not sent; the text went out', { chatId, kind: attachment.kind, ...describe(err) });
  }
}
