/**
 * The bench's own services: a real Postgres and redis-server started the same way the test setup does,
 * unless DATABASE_URL / REDIS_URL point at running ones. Each bench gets a fresh database.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import postgres from 'postgres';
import { startRedisServer, type EmbeddedRedis } from '../src/services/redis-server.js';
import { startPostgresServer, type PostgresServer } from '../test/support/postgres-server.js';
import { openDatabase, type Database } from '../src/db/client.js';

export interface BenchServices {
  databaseUrl: string;
  redisUrl: string;
  /** A new, empty database on the bench Postgres; its URL. */
  freshDatabaseUrl(): Promise<string>;
  /** A new database with the real migrations applied. */
  freshDatabase(opts?: { max?: number }): Promise<Database & { url: string }>;
  tempDir(prefix?: string): string;
  stop(): Promise<void>;
}

export async function startBenchServices(): Promise<BenchServices> {
  let pg: PostgresServer | undefined;
  let redis: EmbeddedRedis | undefined;
  const dirs: string[] = [];
  const tempDir = (prefix = 'yishi-bench-') => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    dirs.push(d);
    return d;
  };
  let databaseUrl = process.env.DATABASE_URL;
  let redisUrl = process.env.REDIS_URL;
  if (!databaseUrl) {
    pg = await startPostgresServer();
    databaseUrl = pg.url;
  }
  if (!redisUrl) {
    redis = await startRedisServer(tempDir('yishi-bench-redis-'));
    redisUrl = redis.url;
  }
  const baseUrl = databaseUrl;
  const freshDatabaseUrl = async () => {
    const name = `yishi_b_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
    const admin = postgres(baseUrl, { max: 1, onnotice: () => {} });
    try {
      await admin.unsafe(`CREATE DATABASE ${name}`);
    } finally {
      await admin.end({ timeout: 5 });
    }
    const u = new URL(baseUrl);
    u.pathname = `/${name}`;
    return u.toString();
  };
  return {
    databaseUrl,
    redisUrl,
    freshDatabaseUrl,
    async freshDatabase(opts = {}) {
      const url = await freshDatabaseUrl();
      const database = await openDatabase({ databaseUrl: url, dataDir: tempDir(), max: opts.max });
      return Object.assign(database, { url });
    },
    tempDir,
    async stop() {
      await redis?.stop();
      await pg?.destroy();
      for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
    },
  };
}
