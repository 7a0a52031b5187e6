/** Opening the configured database with a one-line error a person can act on. */
import path from 'node:path';
import type { Config } from '../lib/config.js';
import { DataDirBusyError, openDatabase, redactUrl, type Database } from '../db/client.js';

/** The innermost reason (drizzle wraps driver errors as "Failed query: …" with the real one as cause). */
export function describeError(e: unknown): string {
  if (e instanceof AggregateError && e.errors.length) return describeError(e.errors[0]);
  if (e instanceof Error && e.cause !== undefined && e.cause !== e) return describeError(e.cause);
  const msg = e instanceof Error ? e.message || (e as NodeJS.ErrnoException).code || e.name : String(e);
  return msg.split('\n')[0];
}

export { redactUrl };

/** DATABASE_URL, or the embedded PGlite in $YISHI_DATA_DIR/pglite; migrations applied. */
export async function openConfiguredDatabase(config: Config, opts: { max?: number } = {}): Promise<Database> {
  try {
    return await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.YISHI_DATA_DIR, max: opts.max });
  } catch (e) {
    if (e instanceof DataDirBusyError) throw e;
    const where = config.DATABASE_URL ? redactUrl(config.DATABASE_URL) : path.join(config.YISHI_DATA_DIR, 'pglite');
    throw new Error(`yishi: cannot open the database at ${where}: ${describeError(e)}`);
  }
}
