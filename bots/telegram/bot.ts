/**
 * The Telegram adapter, built from its dependencies so tests build the same bot against a fake
 * Bot API (`client: { apiRoot }`) and real Postgres.
 */
import { randomBytes } from 'node:crypto';
import { autoRetry, type AutoRetryOptions } from '@grammyjs/auto-retry';
import { Api, Bot, type ApiClientOptions } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import type { AppDeps, Stoppable } from '../../src/core/app-types.js';
import type { PlatformSender } from '../../src/messaging/port.js';
import { ChatFate } from './chats.js';
import { replayUndelivered } from './deliver.js';
import { describe } from './errors.js';
import { buttonsFeature } from './features/buttons.js';
import { membershipFeature } from './features/membership.js';
import { messagesFeature } from './features/messages.js';
import { lightFetch } from './http.js';
import { LiveEdits } from './live-edits.js';
import { registerMenu } from './menu.js';
import { Pacer, pacerTransformer, type PacerOptions } from './pacer.js';
import { Poller, type PollingOptions } from './polling.js';
import { ReplyLanes } from './replies.js';
import { telegramSender } from './sender.js';
import { UpdateStore } from './store.js';
import { startWebhookServer, type WebhookServer } from './webhook.js';

/** In webhook mode, replies left unsent are sent again at start once they are this old (see start()). */
export const WEBHOOK_REPLAY_AFTER_MS = 5 * 60_000;

/** edited_message is left out on purpose: editing a command does not run it again (README). */
export const ALLOWED_UPDATES = ['message', 'callback_query', 'my_chat_member'] as const;

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
  /**
   * Outbound budgets, per chat (default: Telegram's limits, 1/s per chat, 20/min per group, 30/s
   * overall; see pacer.ts); false turns them off.
   */
  throttle?: PacerOptions | false;
  autoRetry?: Partial<AutoRetryOptions>;
  /** Register the sender in deps.senders at start (default true). */
  registerSender?: boolean;
  /** Register the command menu at start (default true). */
  setCommands?: boolean;
}

export interface TelegramBot extends Stoppable {
  bot: Bot;
  /** The outbound port for the jobs: no retries of its own, paced with the bot's replies. */
  sender: PlatformSender;
  liveEdits: LiveEdits;
  /** Replies on their way out, one lane per chat. */
  lanes: ReplyLanes;
  pacer: Pacer;
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
  // One pacer for replies, edits and the jobs' sends, so they share each chat's budget (and only the
  // overall one across chats). answerCallbackQuery is not paced at all.
  const pacer = new Pacer(opts.throttle === false ? { perChatMs: 0, groupPerMinute: Infinity, globalPerSecond: Infinity } : opts.throttle);
  bot.api.config.use(pacerTransformer(pacer));
  // Installed after the pacer, so every retry queues through it again.
  bot.api.config.use(autoRetry(opts.autoRetry));

  const fate = new ChatFate({ core, logger });
  // The lanes pace and retry by themselves, on an Api without transformers.
  const lanes = new ReplyLanes({
    api: new Api(token, client),
    pacer,
    logger: logger.child({ part: 'replies' }),
    files: core.renderAttachment && ((a) => core.renderAttachment!(a)),
    onPollMessage: (pollId, chatId, messageId) => core.setPollMessage(pollId, chatId, String(messageId)),
    onMigrated: (from, to) => fate.migrated(from, to),
    onGone: (chatId, reason) => fate.gone(chatId, reason),
    onDelivered: (updateKey) => core.repliesDelivered('telegram', updateKey),
  });
  fate.lanes = lanes;

  const senderApi = new Api(token, client);
  senderApi.config.use(pacerTransformer(pacer));
  const sender = telegramSender(senderApi, logger.child({ part: 'sender' }), fate, core.renderAttachment && ((a) => core.renderAttachment!(a)));

  const liveEdits = new LiveEdits({ api: bot.api, core, logger }, opts.liveEditIntervalMs ?? 3000);
  const store = new UpdateStore({ core, logger });
  const env = { api: bot.api, core, logger, liveEdits, store, lanes, fate };
  bot.use(buttonsFeature(env));
  bot.use(messagesFeature(env));
  bot.use(membershipFeature(env));

  const mode = opts.mode ?? (config.TELEGRAM_WEBHOOK_URL || opts.webhook?.url ? 'webhook' : 'polling');
  const pollApi = new Api(token, client);
  const poller = new Poller(bot, pollApi, logger, { allowedUpdates: ALLOWED_UPDATES, ...opts.polling });
  let webhook: WebhookServer | undefined;
  let started = false;
  let unsubscribe: (() => void) | undefined;

  return {
    bot,
    sender,
    liveEdits,
    lanes,
    pacer,
    get webhookPort() {
      return webhook?.port;
    },
    async start() {
      if (started) return;
      started = true;
      if (!bot.isInited()) await bot.init();
      if (opts.registerSender !== false) deps.senders.register(sender);
      // Counts changed anywhere (another platform, the resident page): the ballots here show them too.
      unsubscribe = core.onEvent((e) => {
        if (e.type === 'poll.counted') liveEdits.touch([e.pollId]);
      });
      if (opts.setCommands !== false) await registerMenu(bot.api, logger);
      // Replies a killed process left unsent. In webhook mode other instances may be sending their own
      // right now: only those older than a lane ever holds one.
      try {
        await replayUndelivered(env, new Date(Date.now() - (mode === 'webhook' ? WEBHOOK_REPLAY_AFTER_MS : 0)));
      } catch (err) {
        logger.warn('could not look for replies left unsent by the last process', describe(err));
      }
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
      unsubscribe?.();
      // The webhook stays registered while we are down, so Telegram keeps the updates for us.
      await Promise.all([poller.stop(), webhook?.close()]);
      webhook = undefined;
      // Replies already queued (their updates are acknowledged) still go out, within a bound.
      if (!(await lanes.idle(15000))) logger.warn('telegram adapter stopped with replies still queued');
      await liveEdits.flush();
      logger.info('telegram adapter stopped');
    },
  };
}
