/** Running updates exactly once: per-chat ordering keys, one error boundary. */
import type { Bot } from 'grammy';
import { BotError } from 'grammy';
import type { Update } from 'grammy/types';
import type { Logger } from '../../src/lib/logger.js';
import { describe } from './errors.js';

/**
 * The key an update is ordered by: updates of one chat run in order, different chats concurrently.
 * Button presses are ordered per presser within the chat: one resident's presses keep their order
 * (a changed ballot lands after the first), while a whole group voting at once is not serialized.
 */
export function chatKeyOf(u: Update): string {
  const press = u.callback_query;
  if (press?.message) return `${press.message.chat.id}:${press.from.id}`;
  const id = u.message?.chat.id ?? u.edited_message?.chat.id ?? u.callback_query?.message?.chat.id ?? u.callback_query?.from.id ?? u.my_chat_member?.chat.id;
  return id === undefined ? 'other' : String(id);
}

/** What the error boundary logs about an update: enough to find it, no message text. */
export function updateContext(u: Update): Record<string, unknown> {
  const kind = Object.keys(u).find((k) => k !== 'update_id');
  const from = u.message?.from ?? u.callback_query?.from;
  return { updateId: u.update_id, kind, chatId: chatKeyOf(u), userId: from?.id };
}

/**
 * Runs one update through the bot. Resolves when the middleware finished (the core committed its
 * effects or decided there were none); rejects with the cause, after logging it once with the
 * update's context, when it did not.
 */
export async function runUpdate(bot: Bot, update: Update, logger: Logger, attempt = 0): Promise<void> {
  try {
    await bot.handleUpdate(update);
  } catch (err) {
    const cause = err instanceof BotError ? err.error : err;
    logger.error('update not handled; it will be retried', { ...updateContext(update), attempt, ...describe(cause) });
    throw cause;
  }
}
