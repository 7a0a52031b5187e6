import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
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

/** The rows of `db.execute(sql…)`: postgres-js answers an array of rows, PGlite an object holding them. */
export function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as T[];
}

/** The advisory lock name the migrations run under (see src/db/locks.ts for the others). */
export const MIGRATE_LOCK = 'yishi:migrate';

export const migrationsFolder = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../drizzle');

export interface OpenOptions {
  databaseUrl?: string;
  dataDir: string;
  /** Apply the migrations in drizzle/ before returning (default true). */
  migrate?: boolean;
  /** Connection pool size for postgres-js (default 10). */
  max?: number;
}

/** A service URL fit for logs and messages: its password masked. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparsable URL)';
  }
}

type Sql = import('postgres').Sql;

/**
 * drizzle runs every query through postgres.js's `unsafe` with `prepare: false` unless the query was
 * given a name, and postgres.js then describes each statement with parameters before it binds it: two
 * round trips to the server for every statement. Through this client each connection prepares a
 * statement the first time it runs it and afterwards binds and executes it in one round trip.
 * Transactions and savepoints get a client of their own from postgres.js: wrapped the same way.
 */
export function preparing(sql: Sql): Sql {
  return new Proxy(sql, {
    get(target, prop, receiver) {
      if (prop === 'unsafe') {
        return (query: string, args?: unknown[], options?: object) => target.unsafe(query, args as never, { ...options, prepare: true });
      }
      if (prop === 'begin' || prop === 'savepoint') {
        const open = Reflect.get(target, prop, receiver) as (...a: unknown[]) => Promise<unknown>;
        return (...a: unknown[]) => {
          const body = a.pop() as (inner: Sql) => unknown;
          return open(...a, (inner: Sql) => body(preparing(inner)));
        };
      }
      return Reflect.get(target, prop, receiver);
    },
  });
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
        // Several instances starting together: one migrates, the others wait and then find nothing to do.
        // A session lock on this one-connection client, released when it ends.
        await one`select pg_advisory_lock(hashtext(${MIGRATE_LOCK}))`;
        await migrate(drizzle(one), { migrationsFolder });
      } finally {
        await one.end({ timeout: 5 });
      }
    }
    const sql = postgres(opts.databaseUrl, { max: opts.max ?? 10, onnotice: () => {}, connect_timeout: 10 });
    const db = drizzle(preparing(sql), { schema }) as unknown as Db;
    return { db, kind: 'postgres', location: redactUrl(opts.databaseUrl), close: () => sql.end({ timeout: 5 }) };
  }
  const { PGlite } = await import('@electric-sql/pglite');
  const { drizzle } = await import('drizzle-orm/pglite');
  const dir = path.join(opts.dataDir, 'pglite');
  fs.mkdirSync(dir, { recursive: true });
  const release = lockDataDir(opts.dataDir, dir);
  let client: InstanceType<typeof PGlite>;
  try {
    const startParams = [...PGlite.defaultStartParams, ...PGLITE_SETTINGS.flatMap((kv) => ['-c', kv])];
    // PGlite creates a new cluster with a second PGlite and the initdb WASM in this process; their
    // memory (about 450 MiB resident) stays mapped for the life of the process, so a first start
    // does it in a short-lived child process instead and only opens the result here.
    let pgliteWasmModule: WebAssembly.Module | undefined;
    if (!fs.existsSync(path.join(dir, 'PG_VERSION'))) {
      // Compiling the WASM here meanwhile (on V8's background threads) wins back part of the child's time.
      const compiling = compilePgliteWasm();
      await initInChildProcess(dir, startParams);
      pgliteWasmModule = await compiling;
    }
    client = new PGlite(dir, { startParams, ...(pgliteWasmModule ? { pgliteWasmModule } : {}) });
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

/**
 * Settings for the embedded Postgres. PGlite's 128 MB of shared buffers are touched at start (about
 * 110 MiB resident for nothing in an idle bot); 16 MB still caches a neighbourhood's tables whole
 * (a 100,000-ballot poll is about 5 MB of heap), and pages beyond it come from the OS file cache.
 */
const PGLITE_SETTINGS = ['shared_buffers=16MB'];

function pgliteEntry(): string | undefined {
  try {
    return createRequire(import.meta.url).resolve('@electric-sql/pglite');
  } catch {
    return undefined;
  }
}

/** PGlite's WASM module, compiled; undefined if it cannot be found (PGlite then loads it itself). */
async function compilePgliteWasm(): Promise<WebAssembly.Module | undefined> {
  const entry = pgliteEntry();
  if (!entry) return undefined;
  try {
    return await WebAssembly.compile(await fs.promises.readFile(path.join(path.dirname(entry), 'pglite.wasm')));
  } catch {
    return undefined;
  }
}

/**
 * Creates the PGlite cluster in `dir` from a child process (same node, same PGlite). If that fails
 * for any reason the caller's PGlite creates it in-process as before, which only costs memory.
 */
async function initInChildProcess(dir: string, startParams: string[]): Promise<void> {
  const entry = pgliteEntry();
  if (!entry) return;
  const script = [
    'const m = await import(process.argv[1]);',
    'const PGlite = m.PGlite ?? m.default.PGlite;',
    'const pg = new PGlite(process.argv[2], { startParams: JSON.parse(process.argv[3]) });',
    'await pg.waitReady;',
    'await pg.close();',
  ].join(' ');
  await new Promise<void>((resolve) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script, pathToFileURL(entry).href, dir, JSON.stringify(startParams)], {
      stdio: 'ignore',
    });
    child.once('error', () => resolve());
    child.once('exit', () => resolve());
  });
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
