/**
 * Long polling stays one instance: a second poller of the same bot token gets 409 Conflict from
 * Telegram. The poller says so in one log line and stops, instead of taking updates away from the
 * other one in a loop.
 */
import { Api, Bot } from 'grammy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Poller } from '../../bots/telegram/polling.js';
import { createLogger } from '../../src/lib/logger.js';
import { startFakeBotApi, type FakeBotApi } from '../support/fake-bot-api.js';

describe('a second long poller', () => {
  let fake: FakeBotApi;
  beforeAll(async () => {
    fake = await startFakeBotApi();
  });
  afterAll(async () => {
    await fake?.close();
  });

  it('says so once and stops polling when Telegram answers 409 Conflict', { timeout: 30_000 }, async () => {
    const lines: string[] = [];
    const logger = createLogger('warn', {}, (l) => lines.push(l));
    const client = { apiRoot: fake.apiRoot };
    const bot = new Bot(fake.token, { client, botInfo: { ...fake.botUser, is_bot: true, can_connect_to_business: false, has_main_web_app: false } as never });
    const poller = new Poller(bot, new Api(fake.token, client), logger, { timeoutSeconds: 1 });
    fake.failNext({ method: 'getUpdates', errorCode: 409, description: 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running' });
    poller.start();
    await fake.waitFor(() => fake.callsOf('getUpdates').some((c) => c.errorCode === 409), 10_000, 'the 409');
    await new Promise((r) => setTimeout(r, 2500));
    expect(fake.callsOf('getUpdates'), 'no getUpdates after the conflict').toHaveLength(1);
    const said = lines.filter((l) => l.includes('409'));
    expect(said).toHaveLength(1);
    expect(said[0]).toMatch(/ERROR telegram long polling stopped: Conflict: terminated by other getUpdates request.*webhook mode/);
    await poller.stop();
  });
});
