/**
 * Real Postgres and Redis for the tests and the benchmarks: started from the system's binaries unless
 * DATABASE_URL / REDIS_URL point at running ones. Free of vitest, so the bench can use it too.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { startRedisServer, type EmbeddedRedis } from '../../src/services/redis-server.js';
import { startPostgresServer, type PostgresServer } from './postgres-server.js';

export interface RealServices {
  databaseUrl: string;
  redisUrl: string;
  /** The data directory of the Postgres started here ('' when DATABASE_URL was given). */
  pgDataDir: string;
  stop(): Promise<void>;
}

/** Starts what the environment does not already point at; `stop()` stops only what it started. */
export async function startRealServices(redisDirPrefix = 'yishi-redis-'): Promise<RealServices> {
  let pg: PostgresServer | undefined;
  let redis: EmbeddedRedis | undefined;
  let redisDir: string | undefined;
  let databaseUrl = process.env.DATABASE_URL;
  let redisUrl = process.env.REDIS_URL;
  if (!databaseUrl) {
    pg = await startPostgresServer();
    databaseUrl = pg.url;
  }
  if (!redisUrl) {
    redisDir = fs.mkdtempSync(path.join(os.tmpdir(), redisDirPrefix));
    redis = await startRedisServer(redisDir);
    redisUrl = redis.url;
  }
  return {
    databaseUrl,
    redisUrl,
    pgDataDir: pg?.dataDir ?? '',
    async stop() {
      await redis?.stop();
      if (redisDir) fs.rmSync(redisDir, { recursive: true, force: true });
      await pg?.destroy();
    },
  };
}

/** Creates a new, empty database on the server of `baseUrl` and returns its URL. */
export async function createDatabase(baseUrl: string, namePrefix = 'yishi_t_'): Promise<string> {
  const name = `${namePrefix}${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  const admin = postgres(baseUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end({ timeout: 5 });
  }
  const u = new URL(baseUrl);
  u.pathname = `/${name}`;
  return u.toString();
}
