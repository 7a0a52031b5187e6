import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { rowsOf, type Database } from '../../src/db/client.js';
import * as s from '../../src/db/schema.js';
import { freshDatabase } from '../support/services.js';

/**
 * drizzle alone sends every statement unprepared, and postgres.js then describes each one with
 * parameters before binding it (two round trips). The app's client prepares a statement once per
 * connection. One connection here, so pg_prepared_statements shows all it prepared.
 */
describe('statements on Postgres are prepared once per connection', () => {
  let database: Database;
  beforeAll(async () => {
    database = await freshDatabase({ max: 1 });
  });
  afterAll(async () => {
    await database.close();
  });

  const prepared = async (fragment: string) =>
    rowsOf<{ statement: string }>(await database.db.execute(sql`select statement from pg_prepared_statements`)).filter((r) =>
      r.statement.includes(fragment),
    ).length;

  it('a query run three times is prepared once, and gives the same rows each time', async () => {
    const { db } = database;
    const [c] = await db.insert(s.communities).values({ slug: 'prepared', name: '预备社区' }).returning();
    const runs = [];
    for (let i = 0; i < 3; i++) runs.push(await db.select({ name: s.communities.name }).from(s.communities).where(eq(s.communities.id, c!.id)));
    expect(runs).toEqual([[{ name: '预备社区' }], [{ name: '预备社区' }], [{ name: '预备社区' }]]);
    expect(await prepared('select "name" from "communities"')).toBe(1);
  });

  it('inside a transaction too, and a rolled-back transaction leaves the data as it was', async () => {
    const { db } = database;
    for (let i = 0; i < 2; i++) {
      await db.transaction(async (tx) => {
        await tx.select({ id: s.persons.id }).from(s.persons).where(eq(s.persons.displayName, `x${i}`));
      });
    }
    expect(await prepared('from "persons" where "persons"."display_name"')).toBe(1);
    const failed = await db
      .transaction(async (tx) => {
        await tx.insert(s.persons).values({ displayName: '回滚' });
        throw new Error('roll back');
      })
      .catch((e: Error) => e.message);
    expect(failed).toBe('roll back');
    expect(await db.select().from(s.persons).where(eq(s.persons.displayName, '回滚'))).toEqual([]);
  });

  it('a statement whose result changed shape after a schema change is prepared again, not failed', async () => {
    const { db } = database;
    await db.execute(sql`create table prepared_shape (id int primary key)`);
    await db.execute(sql`insert into prepared_shape values (1)`);
    const read = () => db.execute(sql`select * from prepared_shape where id = ${1}`).then((r) => rowsOf<Record<string, unknown>>(r));
    expect(await read()).toEqual([{ id: 1 }]);
    await db.execute(sql`alter table prepared_shape add column note text default '新'`);
    expect(await read()).toEqual([{ id: 1, note: '新' }]);
  });
});
