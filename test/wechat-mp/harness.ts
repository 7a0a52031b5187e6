/**
 * The Official Account adapter against the fake platform (test/support/fake-wechat-mp.ts), with the real
 * core on a fresh real Postgres, real Redis (tokens, the send queue) and one or more instances, each its
 * callback served on its own port (a round-robin proxy is the fake's `targets`).
 */
import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import type { AppDeps } from '../../src/core/app-types.js';
import { loadConfig } from '../../src/lib/config.js';
import { createCore } from '../../src/core/index.js';
import type { Core, Incoming } from '../../src/kernel/types.js';
import type { Database } from '../../src/db/client.js';
import { silentLogger } from '../../src/lib/logger.js';
import { SenderRegistry } from '../../src/messaging/port.js';
import { startJobs, type Jobs } from '../../jobs/index.js';
import { createWechatMpBot, type WechatMpBot } from '../../bots/wechat-mp/index.js';
import { FakeWechatMp, MP_AES_KEY, MP_APP_ID, MP_SECRET, MP_TOKEN, type Delivery } from '../support/fake-wechat-mp.js';
import { freshDatabase, redisUrl, uniqueName } from '../support/services.js';

export interface Instance {
  deps: AppDeps;
  bot: WechatMpBot;
  url: string;
  jobs?: Jobs;
}

export interface MpWorld {
  database: Database & { url: string };
  fake: FakeWechatMp;
  instances: Instance[];
  /** The first instance's URL, or each in turn (round robin) when there are several. */
  target: (attempt: number) => string;
  /** A follower writes `text`; resolves with WeChat's view of the answer (passive reply, tries). */
  say(openid: string, text: string, opts?: { safe?: boolean; timeoutMs?: number }): Promise<Delivery & { text: string }>;
  /** An event (subscribe with `qrscene_<scene>`, SCAN, unsubscribe, CLICK). */
  event(openid: string, event: string, eventKey?: string, opts?: { createTime?: number; safe?: boolean }): Promise<Delivery & { text: string }>;
  /** Everything under way handled, written and sent (answers, notices, the send queue). */
  settle(ms?: number): Promise<void>;
  stop(): Promise<void>;
}

export interface WorldOptions {
  instances?: number;
  safe?: boolean;
  template?: boolean;
  deadlineMs?: number;
  /** Each core.handle waits this long first (a slow answer). */
  slowMs?: number;
  /** Start the jobs (the send queue) on the first instance (default true). */
  jobs?: boolean;
}

export async function startMpWorld(opts: WorldOptions = {}): Promise<MpWorld> {
  const database = await freshDatabase();
  const fake = await FakeWechatMp.start();
  const config = loadConfig({
    YISHI_TZ: 'Asia/Shanghai',
    YISHI_LOG_LEVEL: 'silent',
    WECHAT_MP_APP_ID: MP_APP_ID,
    WECHAT_MP_APP_SECRET: MP_SECRET,
    WECHAT_MP_TOKEN: MP_TOKEN,
    WECHAT_MP_API_ROOT: fake.url,
    ...(opts.safe ? { WECHAT_MP_AES_KEY: MP_AES_KEY } : {}),
    ...(opts.template ? { WECHAT_MP_TEMPLATE_ID: 'tmpl-yishi-notice' } : {}),
  });
  const instances: Instance[] = [];
  const servers: ReturnType<typeof serve>[] = [];
  for (let i = 0; i < (opts.instances ?? 1); i++) {
    const real = createCore({ database, config });
    const core: Core = opts.slowMs
      ? { ...real, handle: async (incoming: Incoming) => (await new Promise((r) => setTimeout(r, opts.slowMs)), real.handle(incoming)) }
      : real;
    const deps: AppDeps = { config, database, redisUrl: redisUrl(), core, logger: silentLogger, senders: new SenderRegistry() };
    const jobs = opts.jobs !== false && i === 0 ? await startJobs(deps, { prefix: uniqueName('mp'), limits: { 'wechat-mp': { perChat: [], global: [] } }, sendBackoffMs: 100 }) : undefined;
    const bot = createWechatMpBot(deps, { deadlineMs: opts.deadlineMs ?? 4500, quotaWaitMs: 300, mount: false });
    await bot.start();
    const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
      const s = serve({ fetch: bot.app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(s));
    });
    servers.push(server);
    instances.push({ deps, bot, jobs, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
  }
  const target = (attempt: number) => instances[(attempt - 1) % instances.length]!.url;
  const textOf = (d: Delivery) => d.reply?.Content ?? '';
  const settle = async (ms = 100) => {
    await new Promise((r) => setTimeout(r, ms));
    for (const i of instances) await i.bot.idle();
  };
  return {
    database,
    fake,
    instances,
    target,
    async say(openid, text, o = {}) {
      const d = await fake.deliver(target, fake.text(openid, text), { safe: o.safe ?? opts.safe, timeoutMs: o.timeoutMs });
      return { ...d, text: textOf(d) };
    },
    async event(openid, event, eventKey, o = {}) {
      const d = await fake.deliver(target, fake.event(openid, event, eventKey, o.createTime), { safe: o.safe ?? opts.safe });
      return { ...d, text: textOf(d) };
    },
    settle,
    async stop() {
      for (const i of instances) {
        await i.bot.stop();
        await i.jobs?.stop();
      }
      for (const s of servers) await new Promise((r) => { s.close(() => r(undefined)); (s as unknown as { closeAllConnections?: () => void }).closeAllConnections?.(); });
      await fake.close();
      await database.close();
    },
  };
}
