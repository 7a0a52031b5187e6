/** The WeChat Official Account adapter's entry point for src/main.ts. */
import type { AppDeps, Stoppable } from '../../src/core/app-types.js';
import { createWechatMpBot } from './bot.js';

export { createWechatMpBot, type WechatMpBot, type WechatMpBotOptions } from './bot.js';

/** Mounts the callback at /wechat-mp on the web port and registers the 'wechat-mp' sender. */
export async function startWechatMp(deps: AppDeps): Promise<Stoppable> {
  const bot = createWechatMpBot(deps);
  await bot.start();
  return bot;
}
