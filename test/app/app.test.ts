import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { Redis } from 'ioredis';
import { wantsConsole } from '../../src/app.js';
import { startYishi as startApp, wiring } from '../../src/main.js';
import { loadConfig } from '../../src/lib/config.js';
import { silentLogger } from '../../src/lib/logger.js';
import * as s from '../../src/db/schema.js';
import { freshDatabaseUrl, redisUrl, tempDir, uniqueName } from '../support/services.js';

const portOpen = (port: number) =>
  new Promise<boolean>((resolve) => {
    const c = net.connect(port, '127.0.0.1');
    c.once('connect', () => { c.destroy(); resolve(true); });
    c.once('error', () => resolve(false));
  });

describe('startApp: the composition npm start runs', () => {
  it('builds core, jobs and senders on real Postgres and Redis, and stops them all once', async () => {
    const config = loadConfig({ DATABASE_URL: await freshDatabaseUrl(), REDIS_URL: redisUrl(), YISHI_DATA_DIR: tempDir() });
    expect(wantsConsole(config, wiring)).toBe(true);
    const app = await startApp(config, { logger: silentLogger, jobs: { prefix: uniqueName('app') } });
    expect(app.adapters).toEqual([]);
    expect(app.embeddedRedisUrl).toBeUndefined();
    expect(app.deps.redisUrl).toBe(redisUrl());
    expect(app.deps.database.kind).toBe('postgres');

    // The core answers through the same deps the adapters get, and its writes land in Postgres.
    const outcome = await app.deps.core.handle({
      platform: 'console',
      chat: { platformChatId: 'app-test', kind: 'group' },
      sender: { platformUserId: 'u1', displayName: '张三' },
      text: '/help',
    });
    expect(outcome.replies.length).toBe(1);
    expect(outcome.replies[0].text.length).toBeGreaterThan(0);
    const [{ n }] = await app.deps.database.db.select({ n: sql<number>`count(*)` }).from(s.communities);
    expect(Number(n)).toBe(0);

    await app.stop();
    await app.stop();
    await expect(app.deps.database.db.select().from(s.communities)).rejects.toThrow();
  });

  it('starts the embedded redis-server when REDIS_URL is unset and stops it with the app', async () => {
    const dataDir = tempDir();
    const config = loadConfig({ DATABASE_URL: await freshDatabaseUrl(), YISHI_DATA_DIR: dataDir });
    const app = await startApp(config, { logger: silentLogger, jobs: { prefix: uniqueName('app') } });
    const url = app.embeddedRedisUrl!;
    expect(url).toMatch(/^redis:\/\/127\.0\.0\.1:\d+$/);
    expect(app.deps.redisUrl).toBe(url);
    const port = Number(new URL(url).port);
    const redis = new Redis(url, { maxRetriesPerRequest: 1 });
    try {
      expect(await redis.config('GET', 'appendonly')).toEqual(['appendonly', 'yes']);
      expect(await redis.config('GET', 'maxmemory-policy')).toEqual(['maxmemory-policy', 'noeviction']);
    } finally {
      redis.disconnect();
    }
    // `yishi schedules` finds the running app's Redis through this file.
    const info = JSON.parse(fs.readFileSync(path.join(dataDir, 'redis', 'yishi-redis.json'), 'utf8'));
    expect(info).toEqual({ pid: process.pid, url });

    await app.stop();
    expect(await portOpen(port)).toBe(false);
    expect(fs.existsSync(path.join(dataDir, 'redis', 'yishi-redis.json'))).toBe(false);
    expect(fs.existsSync(path.join(dataDir, 'redis', 'appendonlydir'))).toBe(true);
  });

  it('undoes what it started when a later step fails', async () => {
    const dataDir = tempDir();
    // PGlite leaves a lock file while open: its absence afterwards shows the database was closed.
    const config = loadConfig({ YISHI_DATA_DIR: dataDir, REDIS_URL: 'redis://127.0.0.1:1' });
    await expect(startApp(config, { logger: silentLogger })).rejects.toThrow(/cannot reach Redis/);
    expect(fs.existsSync(path.join(dataDir, 'pglite'))).toBe(true);
    expect(fs.existsSync(path.join(dataDir, 'pglite.pid'))).toBe(false);
  }, 120_000);
});
