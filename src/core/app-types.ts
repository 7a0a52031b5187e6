/** What every adapter and the jobs are given: built once at start, passed in (tests build the same). */
import type { Config } from '../lib/config.js';
import type { Database } from '../db/client.js';
import type { Core } from '../kernel/types.js';
import type { Logger } from '../lib/logger.js';
import type { SenderRegistry } from '../messaging/port.js';
import type { WebMounts } from '../lib/web-mounts.js';

export interface AppDeps {
  config: Config;
  database: Database;
  /** The Redis that BullMQ uses (REDIS_URL or the embedded redis-server). */
  redisUrl: string;
  core: Core;
  logger: Logger;
  senders: SenderRegistry;
  /** Routes adapters add to the web port (the Official Account's callback); absent when no web port is served. */
  web?: WebMounts;
}

/** Something started by the app that must be stopped on shutdown. */
export interface Stoppable {
  stop(): Promise<void>;
}
