/**
 * The composition of the running app: database, Redis, core, jobs and the configured adapters, built
 * from a Config so tests build the same app on test services. Stops in the reverse order it started.
 * The jobs and the adapters are passed in (`Wiring`, given by the entry point src/main.ts), so nothing
 * under src/ but the entry point imports bots/ or jobs/.
 */
import path from 'node:path';
import { Redis } from 'ioredis';
import type { AppDeps, Stoppable } from './core/app-types.js';
import type { Config } from './lib/config.js';
import type { Database } from './db/client.js';
import { createLogger, type Logger } from './lib/logger.js';
import { SenderRegistry } from './messaging/port.js';
import { describeError, openConfiguredDatabase, redactUrl } from './services/database.js';
import { startRedisServer, writeRedisInfo } from './services/redis-server.js';
import { sql } from 'drizzle-orm';
import type { Queue } from 'bullmq';
import type { Core } from './kernel/types.js';
import { metrics, watch } from './lib/metrics.js';
import { outboxFigures } from './messaging/outbox-figures.js';
import { opsRoutes } from './web/ops.js';
import { WebMounts } from './lib/web-mounts.js';

/** What the entry point plugs in: the jobs, and each adapter with when it is configured. */
export interface Wiring {
  startJobs(deps: AppDeps, opts: { prefix?: string; now?: () => Date }): Promise<Stoppable & { queues?: Queue[] }>;
  adapters: { name: AdapterName; configured(config: Config): boolean; start(deps: AppDeps): Promise<Stoppable> }[];
}

export interface StartOptions {
  wiring: Wiring;
  logger?: Logger;
  /** Start Telegram / WeChat when configured (default true); tests of the console path pass false. */
  adapters?: boolean;
  /** Passed to startJobs (tests: a unique BullMQ prefix, a clock). */
  jobs?: { prefix?: string; now?: () => Date };
  now?: () => Date;
  /**
   * Serve the web page with /healthz, /readyz and /metrics on YISHI_WEB_PORT (default: whenever a chat
   * platform is configured and started; `npm start`'s console demo asks for it, so a newcomer sees the pages).
   */
  web?: boolean;
  /** When YISHI_WEB_PORT is taken, listen on a free port instead (the console demo, with no port asked for). */
  webFreePortIfTaken?: boolean;
}

export type AdapterName = 'telegram' | 'wechat' | 'wecom' | 'wechat-mp';

export interface App {
  deps: AppDeps;
  /** The adapters that started; none means the console adapter is the one to run. */
  adapters: AdapterName[];
  /** The embedded redis-server's URL when the app started one (REDIS_URL unset). */
  embeddedRedisUrl?: string;
  /** Stops adapters, then jobs, then Redis, then the database. Safe to call twice. */
  stop(): Promise<void>;
}

/** Whether no chat platform is configured, so `npm start` runs the console adapter. */
export function wantsConsole(config: Config, wiring: Pick<Wiring, 'adapters'>): boolean {
  return !wiring.adapters.some((a) => a.configured(config));
}

/** Checks that REDIS_URL answers, so a wrong URL is one clear line instead of endless reconnects. */
async function pingRedis(url: string): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, connectTimeout: 5000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  let lastError: unknown;
  redis.on('error', (e) => { lastError = e; });
  try {
    await redis.connect();
    await redis.ping();
  } catch (e) {
    throw new Error(`yishi: cannot reach Redis at ${redactUrl(url)}: ${describeError(lastError ?? e)}`);
  } finally {
    redis.disconnect();
  }
}

export async function startApp(config: Config, opts: StartOptions): Promise<App> {
  const logger = opts.logger ?? createLogger(config.YISHI_LOG_LEVEL);
  // Everything started so far, stopped in reverse if a later step fails or at shutdown.
  const started: { name: string; stop: () => Promise<void> }[] = [];
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      for (const s of started.reverse()) {
        try {
          await s.stop();
        } catch (err) {
          logger.warn(`stopping ${s.name} failed`, { err: describeError(err) });
        }
      }
    })());

  try {
    const database: Database = await openConfiguredDatabase(config);
    started.push({ name: 'database', stop: () => database.close() });
    logger.info('database ready', { kind: database.kind, location: database.location });

    let redisUrl = config.REDIS_URL;
    let embeddedRedisUrl: string | undefined;
    if (redisUrl) {
      await pingRedis(redisUrl);
    } else {
      const dir = path.join(config.YISHI_DATA_DIR, 'redis');
      const redis = await startRedisServer(dir);
      const forget = writeRedisInfo(dir, redis.url);
      started.push({ name: 'redis-server', stop: async () => { forget(); await redis.stop(); } });
      redisUrl = embeddedRedisUrl = redis.url;
      logger.info('embedded redis-server started', { url: redis.url, dir });
    }

    const { createCore } = await import('./core/index.js');
    const core = measured(createCore({ database, config, logger, now: opts.now }));
    const deps: AppDeps = { config, database, redisUrl, core, logger, senders: new SenderRegistry() };
    const mounts = new WebMounts();

    const jobs = await opts.wiring.startJobs(deps, opts.jobs ?? {});
    started.push({ name: 'jobs', stop: () => jobs.stop() });

    const adapters: AdapterName[] = [];
    let adaptersStarted = false;
    if (opts.web ?? (opts.adapters !== false && !wantsConsole(config, opts.wiring))) {
      const redis = new Redis(redisUrl, { lazyConnect: true, connectTimeout: 2000, maxRetriesPerRequest: 1, enableOfflineQueue: false });
      redis.on('error', () => {});
      started.push({ name: 'readiness redis client', stop: async () => redis.disconnect() });
      const unwatch = watch({ outbox: () => outboxFigures(database.db), queues: () => jobs.queues ?? [] });
      started.push({ name: 'metrics sources', stop: async () => unwatch() });
      const ops = opsRoutes({
        metricsToken: config.YISHI_METRICS_TOKEN,
        checks: {
          database: async () => (await database.db.execute(sql`select 1`), true),
          redis: async () => {
            if (redis.status === 'wait' || redis.status === 'end') await redis.connect().catch(() => undefined);
            return (await redis.ping()) === 'PONG';
          },
          adapters: async () => adaptersStarted,
        },
      });
      // The page (Hono, bull-board, its renderers) is loaded only when it is served.
      const { startWeb } = await import('./web/server.js');
      const web = await startWeb({ config, database, logger, ops, queues: jobs.queues, notify: (events) => core.publish?.(events), mounts, core }, { freePortIfTaken: opts.webFreePortIfTaken });
      deps.web = mounts;
      started.push({ name: 'web', stop: () => web.stop() });
    }
    if (opts.adapters !== false) {
      for (const adapter of opts.wiring.adapters) {
        if (!adapter.configured(config)) continue;
        const s = await adapter.start(deps);
        adapters.push(adapter.name);
        started.push({ name: adapter.name, stop: () => s.stop() });
      }
    }
    adaptersStarted = true;
    return { deps, adapters, embeddedRedisUrl, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** The core with its updates counted by outcome and its button presses timed (src/metrics.ts). */
function measured(core: Core): Core {
  return {
    ...core,
    async handle(incoming) {
      const t0 = performance.now();
      const outcome = await core.handle(incoming);
      const seconds = typeof incoming.button === 'string' ? (performance.now() - t0) / 1000 : undefined;
      metrics.updateHandled(incoming.platform, outcome, seconds);
      return outcome;
    },
  };
}
