import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startRedisServer, type EmbeddedRedis } from '../../src/services/redis-server.js';
import { startPostgresServer, type PostgresServer } from './postgres-server.js';

let pg: PostgresServer | undefined;
let redis: EmbeddedRedis | undefined;
let redisDir: string | undefined;

/** Starts real Postgres and Redis for the suite unless DATABASE_URL / REDIS_URL point at running ones. */
export async function setup(project: TestProject) {
  let databaseUrl = process.env.DATABASE_URL;
  let redisUrl = process.env.REDIS_URL;
  if (!databaseUrl) {
    pg = await startPostgresServer();
    databaseUrl = pg.url;
  }
  if (!redisUrl) {
    redisDir = fs.mkdtempSync(path.join(os.tmpdir(), 'yishi-redis-'));
    redis = await startRedisServer(redisDir);
    redisUrl = redis.url;
  }
  project.provide('databaseUrl', databaseUrl);
  project.provide('redisUrl', redisUrl);
  project.provide('pgDataDir', pg?.dataDir ?? '');
}

export async function teardown() {
  await redis?.stop();
  if (redisDir) fs.rmSync(redisDir, { recursive: true, force: true });
  await pg?.destroy();
}

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    redisUrl: string;
    pgDataDir: string;
  }
}
