/** The WeCom adapter against the fake WeCom server (the wire), with the real core on a fresh real Postgres. */
import type { AppDeps } from '../../src/core/app-types.js';
import { loadConfig } from '../../src/lib/config.js';
import { createCore } from '../../src/core/index.js';
import type { Core } from '../../src/kernel/types.js';
import type { Database } from '../../src/db/client.js';
import { silentLogger } from '../../src/lib/logger.js';
import { SenderRegistry } from '../../src/messaging/port.js';
import { createWecomBot, type WecomBot, type WecomBotOptions } from '../../bots/wecom/index.js';
import { FakeWecom, frameText, type BotFrame, type WecomUser } from '../support/fake-wecom.js';
import { freshDatabase, redisUrl } from '../support/services.js';

export interface WecomWorld {
  database: Database & { url: string };
  deps: AppDeps;
  fake: FakeWecom;
  bot: WecomBot;
  /** `who` writes `text` (in `chatId`, or directly); resolves with the frames the bot sent for it. */
  say(who: WecomUser, text: string, chatId?: string, opts?: { quiet?: boolean }): Promise<{ reqId: string; body: any; frames: BotFrame[]; text: string }>;
  /** `who` presses `key` on the card `taskId`; resolves with the card updates and anything else sent. */
  press(who: WecomUser, chatId: string | undefined, key: string, taskId: string): Promise<{ reqId: string; body: any; frames: BotFrame[] }>;
  /** Resolves when the bot has handled everything delivered so far. */
  settle(): Promise<void>;
  stop(): Promise<void>;
}

export async function startWecomWorld(opts: { core?: (database: Database) => Core; bot?: WecomBotOptions; database?: Database & { url: string } } = {}): Promise<WecomWorld> {
  const database = opts.database ?? (await freshDatabase());
  const config = loadConfig({ YISHI_TZ: 'Asia/Shanghai', YISHI_LOG_LEVEL: 'silent' });
  const core = opts.core ? opts.core(database) : createCore({ database, config });
  const deps: AppDeps = { config, database, redisUrl: redisUrl(), core, logger: silentLogger, senders: new SenderRegistry() };
  const fake = await FakeWecom.start();
  const bot = createWecomBot(deps, { botId: 'bot-yishi', secret: 'secret-yishi', wsUrl: fake.url, reconnectBaseMs: 50, later: { waitMs: 10_000 }, ...opts.bot });
  await bot.start();
  await fake.waitConnected();

  async function settle() {
    // The callback has to reach the bot before idle() means anything.
    await new Promise((r) => setTimeout(r, 30));
    await bot.idle();
  }
  return {
    database,
    deps,
    fake,
    bot,
    async say(who, text, chatId, sayOpts = {}) {
      const before = fake.frames.length;
      const sent = fake.text(who, text, chatId);
      // A message that gets no reply on its req_id (chatter, or a reply sent privately) is given a moment.
      if (sayOpts.quiet) await new Promise((r) => setTimeout(r, 150));
      else await fake.waitFor(() => fake.frames.some((f) => f.reqId === sent.reqId) || undefined, 10_000, `the reply to ${JSON.stringify(text)}`).catch(() => undefined);
      await settle();
      const frames = fake.frames.slice(before);
      return { ...sent, frames, text: frames.map(frameText).join('\n') };
    },
    async press(who, chatId, key, taskId) {
      const before = fake.frames.length;
      const sent = fake.press(who, chatId, key, taskId);
      await fake.waitFor(() => fake.frames.some((f) => f.reqId === sent.reqId) || undefined, 10_000, `the card update for ${key}`).catch(() => undefined);
      await settle();
      return { ...sent, frames: fake.frames.slice(before) };
    },
    settle,
    async stop() {
      await bot.stop();
      await fake.close();
      await database.close();
    },
  };
}

/** The card of a frame (a reply, an update or a proactive send), if it carries one. */
export const cardOf = (f: BotFrame | undefined): any => f?.body?.template_card;
