/**
 * Postgres advisory locks: work that N identical instances would otherwise all do at once (the jobs'
 * start-up reconcile, the scheduler upserts) runs under one holder at a time. Postgres decides, so
 * nothing else has to know how many instances there are.
 */
import { sql } from 'drizzle-orm';
import type { Database } from './client.js';

export const LOCKS = {
  /** Making Redis match Postgres: reconcile at start and the periodic sync. */
  jobsReconcile: 'yishi:jobs-reconcile',
} as const;

/**
 * Runs `work` while this instance holds the advisory lock `name`; another instance asking meanwhile
 * waits for its turn (and then finds the work done). The lock belongs to a transaction that stays open
 * while `work` runs on other connections, so a crash releases it with the connection. PGlite is one
 * process with one connection: there is nobody to exclude, and an open transaction would block `work`.
 */
export async function exclusively<T>(database: Database, name: string, work: () => Promise<T>): Promise<T> {
  if (database.kind === 'pglite') return work();
  return database.db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${name}))`);
    return work();
  });
}
