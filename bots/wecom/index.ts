/** The WeCom adapter's entry point for src/app.ts. */
import type { AppDeps, Stoppable } from '../../src/core/app-types.js';
import { createWecomBot } from './bot.js';

export { createWecomBot, type WecomBot, type WecomBotOptions } from './bot.js';

/** Connects the smart bot (WECOM_BOT_ID, WECOM_BOT_SECRET, WECOM_WS_URL) and registers its sender. */
export async function startWecom(deps: AppDeps): Promise<Stoppable> {
  const bot = createWecomBot(deps);
  await bot.start();
  return bot;
}
