/**
 * The bench's own services: a real Postgres and redis-server started the same way the test setup does,
 * unless DATABASE_URL / REDIS_URL point at running ones. Each bench gets a fresh database.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDatabase, startRealServices } from '../test/support/real-services.js';
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
  const dirs: string[] = [];
  const tempDir = (prefix = 'yishi-bench-') => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    dirs.push(d);
    return d;
  };
  const real = await startRealServices('yishi-bench-redis-');
  const { databaseUrl, redisUrl } = real;
  const freshDatabaseUrl = () => createDatabase(databaseUrl, 'yishi_b_');
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
      await real.stop();
      for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
    },
  };
}
