/**
 * What a fault test needs around the real app process: a fresh database on the suite's Postgres (or a
 * dedicated one), a dedicated redis-server (the app's BullMQ prefix is fixed, so each file gets its own
 * Redis), the fake Bot API, and a bound community with a suggestion ready to be voted on.
 */
import postgres from 'postgres';
import { startRedisServer, type EmbeddedRedis } from '../../src/services/redis-server.js';
import { startFakeBotApi, fixtures, type FakeBotApi, type FakeUser } from '../support/fake-bot-api.js';
import { freshDatabaseUrl, tempDir } from '../support/services.js';
import { openDatabase } from '../../src/db/client.js';
import { startApp, type AppProcess } from './app-process.js';
import { seedTelegramGroup } from '../support/seed-group.js';

export const GROUP = fixtures.group(-100555000111, '故障演练群');
export const STAFF = fixtures.user(8_100_001, '主任');
export const resident = (i: number): FakeUser => fixtures.user(6_000_000 + i, `居民${i}`);

export interface Stack {
  databaseUrl: string;
  sql: postgres.Sql;
  redis: EmbeddedRedis;
  redisDir: string;
  fake: FakeBotApi;
  dataDir: string;
  /** Starts the app process against this stack (one at a time). */
  start(): Promise<AppProcess>;
  app?: AppProcess;
  stop(): Promise<void>;
}

/** Migrates the database, seeds a bound community (staff = STAFF) with suggestion #1 on the agenda. */
export async function startStack(opts: { databaseUrl?: string } = {}): Promise<Stack> {
  const databaseUrl = opts.databaseUrl ?? (await freshDatabaseUrl());
  const migrated = await openDatabase({ databaseUrl, dataDir: tempDir() });
  await migrated.close();
  const sql = postgres(databaseUrl, { max: 4, onnotice: () => {} });
  await seedTelegramGroup(sql, { slug: 'fault', name: '演练社区', group: GROUP, staff: STAFF, item: '楼道加装声控灯' });
  const redisDir = tempDir('yishi-fault-redis-');
  const redis = await startRedisServer(redisDir);
  const fake = await startFakeBotApi();
  const dataDir = tempDir();
  const stack: Stack = {
    databaseUrl,
    sql,
    redis,
    redisDir,
    fake,
    dataDir,
    async start() {
      const app = startApp({
        TELEGRAM_BOT_TOKEN: fake.token,
        TELEGRAM_API_ROOT: fake.apiRoot,
        DATABASE_URL: databaseUrl,
        REDIS_URL: stack.redis.url,
        YISHI_DATA_DIR: dataDir,
        YISHI_LOG_LEVEL: process.env.YISHI_TEST_LOG ?? 'warn',
      });
      stack.app = app;
      // deleteWebhook is answered at once, right before the first long poll (which the fake records only when it ends).
      const before = fake.callsOf('deleteWebhook').length;
      await Promise.race([
        fake.waitFor(() => fake.callsOf('deleteWebhook').length > before, 60000, 'the app to start polling'),
        app.exited.then((r) => { throw new Error(`the app exited (${r.code ?? r.signal}) at start:\n${app.output().slice(-3000)}`); }),
      ]);
      return app;
    },
    async stop() {
      await stack.app?.kill('SIGTERM');
      await fake.close();
      // The current one: a test may have replaced the first (restarted Redis).
      await stack.redis.stop();
      await sql.end({ timeout: 5 });
    },
  };
  return stack;
}

/** The staff opens the vote on #1 through the app; returns the ballot message id and its buttons' data. */
export async function openPoll(fake: FakeBotApi): Promise<{ messageId: number; data: string[]; update: any }> {
  const before = fake.botMessages(GROUP.id).length;
  const update = fake.sendText(GROUP, STAFF, '/poll 1 48h');
  const [ballot] = await fake.waitForBotMessages(GROUP.id, before, 1, 30000);
  const data: string[] = (ballot!.reply_markup?.inline_keyboard ?? []).flat().map((b: { callback_data: string }) => b.callback_data);
  if (data.length !== 3) throw new Error(`no ballot buttons: ${JSON.stringify(ballot)}`);
  return { messageId: ballot!.message_id, data, update };
}

/** Ids of the callback queries the bot has answered at least once (a second answer is refused by Telegram). */
export const answeredQueries = (fake: FakeBotApi) => new Set(fake.callsOf('answerCallbackQuery').map((c) => String(c.payload.callback_query_id)));

/** The ballots of poll `pollId` as resident index -> choice position. */
export async function ballotsByResident(sql: postgres.Sql): Promise<Map<number, number>> {
  const rows = await sql`select i.platform_user_id as uid, b.choice from ballots b
    join identities i on i.person_id = b.person_id and i.platform = 'telegram'`;
  return new Map(rows.map((r) => [Number(r.uid) - 6_000_000, Number(r.choice)]));
}
