/** The one unit of work on real Postgres: a conflict a second try fixes is retried, nothing of a failed try stays. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { freshDatabase } from '../support/services.js';
import type { Database } from '../../src/db/client.js';
import * as s from '../../src/db/schema.js';
import { inTransaction, savepoint } from '../../src/kernel/unit-of-work.js';

/** Raises a real Postgres error with this SQLSTATE inside the transaction. */
const raise = (code: string) => sql.raw(`do $$ begin raise exception 'test failure' using errcode = '${code}'; end $$`);

describe('inTransaction', () => {
  let database: Database;
  beforeAll(async () => {
    database = await freshDatabase();
  });
  afterAll(async () => {
    await database.close();
  });

  it('runs the work again after a serialization failure, keeping only the try that committed', async () => {
    const action = `uow.test.${Date.now()}`;
    let tries = 0;
    await inTransaction(database.db, async (tx) => {
      tries++;
      await tx.insert(s.auditLog).values({ action, data: { try: tries } });
      if (tries === 1) await tx.execute(raise('40001'));
    });
    const rows = await database.db.select().from(s.auditLog).where(eq(s.auditLog.action, action));
    expect(tries).toBe(2);
    expect(rows.map((r) => r.data)).toEqual([{ try: 2 }]);
  });

  it('retries a deadlock the same way', async () => {
    let tries = 0;
    const out = await inTransaction(database.db, async (tx) => {
      if (++tries < 3) await tx.execute(raise('40P01'));
      return 'done';
    });
    expect([out, tries]).toEqual(['done', 3]);
  });

  it('does not retry an error a second try cannot fix, and stores nothing of it', async () => {
    const action = `uow.fail.${Date.now()}`;
    let tries = 0;
    await expect(
      inTransaction(database.db, async (tx) => {
        tries++;
        await tx.insert(s.auditLog).values({ action });
        await tx.execute(raise('22023'));
      }),
    ).rejects.toThrow();
    expect(tries).toBe(1);
    expect(await database.db.select().from(s.auditLog).where(eq(s.auditLog.action, action))).toEqual([]);
  });

  it('rolls back only a failed savepoint, keeping the rest of the unit of work', async () => {
    const action = `uow.sp.${Date.now()}`;
    await inTransaction(database.db, async (tx) => {
      await tx.insert(s.auditLog).values({ action, data: { part: 'kept' } });
      await savepoint(tx, async (sp) => {
        await sp.insert(s.auditLog).values({ action, data: { part: 'dropped' } });
        await sp.execute(raise('22023'));
      }).catch(() => undefined);
    });
    const rows = await database.db.select().from(s.auditLog).where(eq(s.auditLog.action, action));
    expect(rows.map((r) => r.data)).toEqual([{ part: 'kept' }]);
  });
});
