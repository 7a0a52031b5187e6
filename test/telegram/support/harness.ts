/** Builds the real Telegram adapter against the fake Bot API, as tests need it. */
import { createTelegramBot, type TelegramBot, type TelegramBotOptions } from '../../../bots/telegram/index.js';
import type { AppDeps } from '../../../src/core/app-types.js';
import type { Core } from '../../../src/kernel/types.js';
import { loadConfig } from '../../../src/lib/config.js';
import type { Database } from '../../../src/db/client.js';
import { createLogger, silentLogger, type Logger } from '../../../src/lib/logger.js';
import { SenderRegistry } from '../../../src/messaging/port.js';
import type { FakeBotApi } from '../../support/fake-bot-api.js';
import { redisUrl } from '../../support/services.js';

/** YISHI_TEST_LOG=debug shows the adapter's log while a test runs. */
export const testLogger: Logger = process.env.YISHI_TEST_LOG ? createLogger(process.env.YISHI_TEST_LOG as never) : silentLogger;

export function testDeps(fake: FakeBotApi, database: Database, core: Core, env: Record<string, string> = {}): AppDeps {
  return {
    config: loadConfig({ TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.apiRoot, YISHI_DATA_DIR: '/tmp/yishi-telegram-test', ...env }),
    database,
    redisUrl: redisUrl(),
    core,
    logger: testLogger,
    senders: new SenderRegistry(),
  };
}

/** Quick polling and retries, a short live-edit interval, and chat budgets without the 1 s spacing. */
export const fastOptions = (fake: FakeBotApi): TelegramBotOptions => ({
  client: { apiRoot: fake.apiRoot },
  polling: { timeoutSeconds: 1, retryBaseMs: 50, retryMaxMs: 400 },
  liveEditIntervalMs: 600,
  throttle: { perChatMs: 0, groupPerMinute: 10_000 },
});

export async function startBot(deps: AppDeps, fake: FakeBotApi, extra: TelegramBotOptions = {}): Promise<TelegramBot> {
  const tg = createTelegramBot(deps, { ...fastOptions(fake), ...extra });
  await tg.start();
  return tg;
}
