/** The Telegram adapter's entry point for src/main.ts. */
import type { AppDeps, Stoppable } from '../../src/core/app-types.js';
import { createTelegramBot } from './bot.js';

export { createTelegramBot, type TelegramBot, type TelegramBotOptions } from './bot.js';

/** Starts the bot (long polling, or webhook when TELEGRAM_WEBHOOK_URL is set) and registers its sender. */
export async function startTelegram(deps: AppDeps): Promise<Stoppable> {
  const telegram = createTelegramBot(deps);
  await telegram.start();
  return telegram;
}
