import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type { ExtractTablesWithRelations } from 'drizzle-orm';
import * as schema from './schema.js';

export type Schema = typeof schema;
/** The drizzle database, whichever driver is behind it (postgres-js or PGlite). */
export type Db = PgDatabase<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
/** A transaction handle: the same query API as Db. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

export interface Database {
  db: Db;
  kind: 'postgres' | 'pglite';
  /** Where the data lives, for messages: a URL without password, or a directory. */
  location: string;
  close(): Promise<void>;
}

export const migrationsFolder = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../drizzle');

export interface OpenOptions {
  databaseUrl?: string;
  dataDir: string;
  /** Apply the migrations in drizzle/ before returning (default true). */
  migrate?: boolean;
  /** Connection pool size for postgres-js (default 10). */
  max?: number;
}

function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres';
  }
}

/** Opens Postgres when a URL is given, else the embedded PGlite in `<dataDir>/pglite`; migrates by default. */
export async function openDatabase(opts: OpenOptions): Promise<Database> {
  if (opts.databaseUrl) {
    const { default: postgres } = await import('postgres');
    const { drizzle } = await import('drizzle-orm/postgres-js');
    if (opts.migrate !== false) {
      const { migrate } = await import('drizzle-orm/postgres-js/migrator');
      const one = postgres(opts.databaseUrl, { max: 1, onnotice: () => {}, connect_timeout: 10 });
      try {
        await migrate(drizzle(one), { migrationsFolder });
      } finally {
        await one.end({ timeout: 5 });
      }
    }
    const sql = postgres(opts.databaseUrl, { max: opts.max ?? 10, onnotice: () => {}, connect_timeout: 10 });
    const db = drizzle(sql, { schema }) as unknown as Db;
    return { db, kind: 'postgres', location: redact(opts.databaseUrl), close: () => sql.end({ timeout: 5 }) };
  }
  const { PGlite } = await import('@electric-sql/pglite');
  const { drizzle } = await import('drizzle-orm/pglite');
  const dir = path.join(opts.dataDir, 'pglite');
  fs.mkdirSync(dir, { recursive: true });
  const release = lockDataDir(opts.dataDir, dir);
  let client: InstanceType<typeof PGlite>;
  try {
    client = new PGlite(dir);
    await client.waitReady;
  } catch (err) {
    release();
    throw err;
  }
  const db = drizzle(client, { schema }) as unknown as Db;
  if (opts.migrate !== false) {
    const { migrate } = await import('drizzle-orm/pglite/migrator');
    try {
      await migrate(db as never, { migrationsFolder });
    } catch (err) {
      await client.close().catch(() => {});
      release();
      throw err;
    }
  }
  return {
    db,
    kind: 'pglite',
    location: dir,
    close: async () => {
      try {
        await client.close();
      } finally {
        release();
      }
    },
  };
}

/** Thrown when another live process has the embedded database open. */
export class DataDirBusyError extends Error {
  constructor(public readonly pid: number, dir: string) {
    super(
      `yishi: the embedded database in ${dir} is in use by process ${pid} (is \`npm start\` running?); ` +
        'PGlite is single-process: stop it first, or run both against Postgres with DATABASE_URL',
    );
    this.name = 'DataDirBusyError';
  }
}

function isLiveYishi(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  // A pid reused by an unrelated program after a crash must not lock us out forever.
  try {
    return /node|tsx/.test(fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
  } catch {
    return true;
  }
}

/**
 * PGlite is one process's database: two processes writing the same directory corrupt it. A pid file
 * next to it lets the CLI and `npm start` refuse each other with a clear message instead.
 */
function lockDataDir(dataDir: string, dir: string): () => void {
  const file = path.join(dataDir, 'pglite.pid');
  const mine = String(process.pid);
  for (let attempt = 0; ; attempt++) {
    try {
      fs.writeFileSync(file, mine, { flag: 'wx' });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 3) throw err;
      const holder = Number(fs.readFileSync(file, 'utf8').trim());
      if (holder !== process.pid && isLiveYishi(holder)) throw new DataDirBusyError(holder, dir);
      if (holder === process.pid) return () => {};
      fs.rmSync(file, { force: true });
    }
  }
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    process.off('exit', release);
    try {
      if (fs.readFileSync(file, 'utf8').trim() === mine) fs.rmSync(file, { force: true });
    } catch {
      // already gone
    }
  };
  process.once('exit', release);
  return release;
}
