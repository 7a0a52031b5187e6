import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { Database } from '../../src/db/client.js';
import { openDatabase } from '../../src/db/client.js';
import * as s from '../../src/db/schema.js';
import { isPgUniqueViolation, sqlState } from '../../src/db/errors.js';
import { freshDatabase, tempDir } from '../support/services.js';

async function seed(database: Database) {
  const { db } = database;
  const [c] = await db.insert(s.communities).values({ slug: `c${Date.now()}${Math.random()}`.replace('.', ''), name: '示范社区' }).returning();
  const [a, b] = await db.insert(s.persons).values([{ displayName: '张三' }, { displayName: '李四' }]).returning();
  const [sug] = await db.insert(s.suggestions).values({ communityId: c.id, number: 1, authorId: a.id, text: '东门路灯坏了' }).returning();
  const [poll] = await db.insert(s.polls).values({ suggestionId: sug.id, kind: 'vote', deadline: new Date(Date.now() + 3600e3) }).returning();
  return { c, a, b, sug, poll };
}

describe('schema constraints on real Postgres', () => {
  let database: Database;
  beforeAll(async () => { database = await freshDatabase(); });
  afterAll(async () => { await database.close(); });

  it('rejects a second ballot by the same person on the same poll', async () => {
    const { a, b, poll } = await seed(database);
    await database.db.insert(s.ballots).values({ pollId: poll.id, personId: a.id, choice: 1 });
    await database.db.insert(s.ballots).values({ pollId: poll.id, personId: b.id, choice: 2 });
    const err = await database.db.insert(s.ballots).values({ pollId: poll.id, personId: a.id, choice: 2 }).catch((e) => e);
    expect(isPgUniqueViolation(err)).toBe(true);
    const rows = await database.db.select().from(s.ballots).where(sql`${s.ballots.pollId} = ${poll.id}`);
    expect(rows).toHaveLength(2);
  });

  it('rejects a second support by the same person', async () => {
    const { b, sug } = await seed(database);
    await database.db.insert(s.supports).values({ suggestionId: sug.id, personId: b.id });
    const err = await database.db.insert(s.supports).values({ suggestionId: sug.id, personId: b.id }).catch((e) => e);
    expect(isPgUniqueViolation(err)).toBe(true);
  });

  it('rejects a second suggestion with the same number in one community', async () => {
    const { c, a } = await seed(database);
    const err = await database.db.insert(s.suggestions).values({ communityId: c.id, number: 1, authorId: a.id, text: 'dup' }).catch((e) => e);
    expect(isPgUniqueViolation(err)).toBe(true);
  });

  it('allows only one open poll per suggestion', async () => {
    const { sug } = await seed(database);
    const err = await database.db.insert(s.polls).values({ suggestionId: sug.id, kind: 'vote', deadline: new Date() }).catch((e) => e);
    expect(isPgUniqueViolation(err)).toBe(true);
  });

  it('rejects a second rating by the same person and a level outside 1-3', async () => {
    const { a, sug } = await seed(database);
    await database.db.update(s.polls).set({ status: 'closed' }).where(sql`${s.polls.suggestionId} = ${sug.id}`);
    const [r] = await database.db.insert(s.polls).values({ suggestionId: sug.id, kind: 'rating', deadline: new Date() }).returning();
    await database.db.insert(s.ratings).values({ pollId: r.id, personId: a.id, level: 1 });
    expect(isPgUniqueViolation(await database.db.insert(s.ratings).values({ pollId: r.id, personId: a.id, level: 2 }).catch((e) => e))).toBe(true);
    expect(sqlState(await database.db.insert(s.ratings).values({ pollId: r.id, personId: a.id + 1000, level: 4 }).catch((e) => e))).toMatch(/23514|23503/);
  });

  it('refuses updates and deletes of the audit log', async () => {
    const [row] = await database.db.insert(s.auditLog).values({ action: 'test' }).returning();
    const upd = await database.db.update(s.auditLog).set({ action: 'forged' }).where(sql`${s.auditLog.id} = ${row.id}`).catch((e) => e);
    expect(upd).toBeInstanceOf(Error);
    const del = await database.db.delete(s.auditLog).where(sql`${s.auditLog.id} = ${row.id}`).catch((e) => e);
    expect(del).toBeInstanceOf(Error);
    const [still] = await database.db.select().from(s.auditLog).where(sql`${s.auditLog.id} = ${row.id}`);
    expect(still.action).toBe('test');
  });

  it('rejects one platform update processed twice', async () => {
    await database.db.insert(s.processedUpdates).values({ platform: 'telegram', updateKey: '42' });
    const err = await database.db.insert(s.processedUpdates).values({ platform: 'telegram', updateKey: '42' }).catch((e) => e);
    expect(isPgUniqueViolation(err)).toBe(true);
  });
});

describe('the same migrations on PGlite', () => {
  it('applies, enforces the ballot constraint, and keeps data across a restart', async () => {
    const dir = tempDir();
    let database = await openDatabase({ dataDir: dir });
    expect(database.kind).toBe('pglite');
    const { a, poll } = await seed(database);
    await database.db.insert(s.ballots).values({ pollId: poll.id, personId: a.id, choice: 1 });
    const err = await database.db.insert(s.ballots).values({ pollId: poll.id, personId: a.id, choice: 3 }).catch((e) => e);
    expect(isPgUniqueViolation(err)).toBe(true);
    await database.close();
    database = await openDatabase({ dataDir: dir });
    const rows = await database.db.select().from(s.ballots);
    expect(rows).toEqual([expect.objectContaining({ pollId: poll.id, personId: a.id, choice: 1 })]);
    await database.close();
  });
});
