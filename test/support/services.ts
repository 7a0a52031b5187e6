import { randomUUID } from 'node:crypto';
import { createDatabase } from './real-services.js';
import os from 'node:os';
import fs from 'node:fs';
import path from 'node:path';
import { inject } from 'vitest';
import { openDatabase, type Database } from '../../src/db/client.js';

export const databaseUrl = () => inject('databaseUrl');
export const redisUrl = () => inject('redisUrl');

/** The URL of a new, empty database on the suite's Postgres server. */
export const freshDatabaseUrl = (): Promise<string> => createDatabase(databaseUrl());

/** A new database on the suite's real Postgres with the real migrations applied. */
export async function freshDatabase(opts: { max?: number } = {}): Promise<Database & { url: string }> {
  const url = await freshDatabaseUrl();
  const database = await openDatabase({ databaseUrl: url, dataDir: tempDir(), max: opts.max });
  return Object.assign(database, { url });
}

/** A temp directory removed when the process exits. */
export function tempDir(prefix = 'yishi-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A unique BullMQ prefix/queue name for one test. */
export const uniqueName = (what = 'q') => `${what}-${randomUUID()}`;
