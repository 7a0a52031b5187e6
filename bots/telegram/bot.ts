/**
 * The Telegram adapter, built from its dependencies so tests build the same bot against a fake
 * Bot API (`client: { apiRoot }`) and real Postgres.
 */
import { randomBytes } from 'node:crypto';
import { autoRetry, type AutoRetryOptions } from '@grammyjs/auto-retry';
import { apiThrottler, type APIThrottlerOptions } from '@grammyjs/transformer-throttler';
import { Api, Bot, type ApiClientOptions } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import type { AppDeps, Stoppable } from '../../src/app-types.js';
import type { PlatformSender } from '../../src/messaging/port.js';
import { buttonsFeature } from './features/buttons.js';
import { messagesFeature } from './features/messages.js';
import { lightFetch } from './http.js';
import { LiveEdits } from './live-edits.js';
import { registerMenu } from './menu.js';
import { Poller, type PollingOptions } from './polling.js';
import { telegramSender } from './sender.js';
import { UpdateStore } from './store.js';
import { startWebhookServer, type WebhookServer } from './webhook.js';

export const ALLOWED_UPDATES = ['message', 'callback_query'] as const;

export interface TelegramBotOptions {
  /** Default: TELEGRAM_BOT_TOKEN. */
  token?: string;
  /** grammY client options; `apiRoot` defaults to TELEGRAM_API_ROOT. */
  client?: ApiClientOptions;
  /** Skips getMe at start when known. */
  botInfo?: UserFromGetMe;
  /** Default: 'webhook' when TELEGRAM_WEBHOOK_URL is set, else 'polling'. */
  mode?: 'polling' | 'webhook';
  polling?: PollingOptions;
  webhook?: { url?: string; secret?: string; port?: number; host?: string };
  /** The shortest time between two live-count edits of one ballot (default 3000 ms). */
  liveEditIntervalMs?: number;
  /** Outbound throttle (default: Telegram's limits, ~30/s overall, 20/min and 1/s per group); false turns it off. */
  throttle?: APIThrottlerOptions | false;
  autoRetry?: Partial<AutoRetryOptions>;
  /** Register the sender in deps.senders at start (default true). */
  registerSender?: boolean;
  /** Register the command menu at start (default true). */
  setCommands?: boolean;
}

export interface TelegramBot extends Stoppable {
  bot: Bot;
  /** The outbound port for the jobs: no retries of its own, throttled with the bot's replies. */
  sender: PlatformSender;
  liveEdits: LiveEdits;
  start(): Promise<void>;
  /** The webhook server's port once started in webhook mode. */
  readonly webhookPort: number | undefined;
}

export function createTelegramBot(deps: AppDeps, opts: TelegramBotOptions = {}): TelegramBot {
  const { config, core, database } = deps;
  const logger = deps.logger.child({ adapter: 'telegram' });
  const token = opts.token ?? config.TELEGRAM_BOT_TOKEN;
  if (!token) throw new Error('yishi: TELEGRAM_BOT_TOKEN is not set');
  // A light JSON fetch for every call (grammY's default node-fetch cost as much CPU per call as a press).
  const client: ApiClientOptions = { apiRoot: config.TELEGRAM_API_ROOT, fetch: lightFetch(globalThis.fetch as never) as never, ...opts.client };

  const bot = new Bot(token, { client, botInfo: opts.botInfo });
  // One throttle for replies, edits and the jobs' sends, so they share each chat's budget.
  const throttle = opts.throttle === false ? undefined : apiThrottler(opts.throttle);
  if (throttle) bot.api.config.use(throttle);
  // Installed after the throttle, so every retry queues through it again.
  bot.api.config.use(autoRetry(opts.autoRetry));

  const senderApi = new Api(token, client);
  if (throttle) senderApi.config.use(throttle);
  const sender = telegramSender(senderApi, logger.child({ part: 'sender' }));

  const liveEdits = new LiveEdits({ api: bot.api, core, logger }, opts.liveEditIntervalMs ?? 3000);
  const store = new UpdateStore({ core, logger });
  const env = { api: bot.api, core, logger, liveEdits, store };
  bot.use(buttonsFeature(env));
  bot.use(messagesFeature(env));

  const mode = opts.mode ?? (config.TELEGRAM_WEBHOOK_URL || opts.webhook?.url ? 'webhook' : 'polling');
  const pollApi = new Api(token, client);
  const poller = new Poller(bot, pollApi, logger, { allowedUpdates: ALLOWED_UPDATES, ...opts.polling });
  let webhook: WebhookServer | undefined;
  let started = false;

  return {
    bot,
    sender,
    liveEdits,
    get webhookPort() {
      return webhook?.port;
    },
    async start() {
      if (started) return;
      started = true;
      if (!bot.isInited()) await bot.init();
      if (opts.registerSender !== false) deps.senders.register(sender);
      if (opts.setCommands !== false) await registerMenu(bot.api, logger);
      if (mode === 'webhook') {
        const url = opts.webhook?.url ?? config.TELEGRAM_WEBHOOK_URL;
        if (!url) throw new Error('yishi: TELEGRAM_WEBHOOK_URL is not set');
        // Without a configured secret, a fresh random one per start still keeps strangers out.
        const secret = opts.webhook?.secret ?? config.TELEGRAM_WEBHOOK_SECRET ?? randomBytes(24).toString('hex');
        webhook = await startWebhookServer({
          bot,
          logger,
          path: new URL(url).pathname,
          secret,
          port: opts.webhook?.port ?? config.TELEGRAM_WEBHOOK_PORT ?? 8443,
          host: opts.webhook?.host,
        });
        await bot.api.setWebhook(url, { secret_token: secret, allowed_updates: [...ALLOWED_UPDATES] });
        logger.info('telegram adapter started (webhook)', { bot: bot.botInfo.username, port: webhook.port });
      } else {
        // Keep pending updates: they are the residents' commands, and the core skips duplicates.
        await bot.api.deleteWebhook({ drop_pending_updates: false });
        poller.start();
        logger.info('telegram adapter started (long polling)', { bot: bot.botInfo.username });
      }
    },
    async stop() {
      if (!started) return;
      started = false;
      // The webhook stays registered while we are down, so Telegram keeps the updates for us.
      await Promise.all([poller.stop(), webhook?.close()]);
      webhook = undefined;
      await liveEdits.flush();
      logger.info('telegram adapter stopped');
    },
  };
}
