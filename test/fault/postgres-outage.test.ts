/**
 * Postgres stopped for ten seconds in the middle of voting: the app keeps running, acknowledges no
 * update it could not store (the getUpdates offset does not move past it), and once Postgres is back
 * every press is stored and counted exactly once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgresServer, type PostgresServer } from '../support/postgres-server.js';
import { answeredQueries, ballotsByResident, GROUP, openPoll, resident, startStack, type Stack } from './stack.js';

const BEFORE = 40;
const DURING = 60;
const OUTAGE_MS = 10_000;

describe('Postgres stopped for ten seconds during voting', () => {
  let pg: PostgresServer;
  let stack: Stack;
  beforeAll(async () => {
    pg = await startPostgresServer();
    stack = await startStack({ databaseUrl: pg.url });
  });
  afterAll(async () => {
    await stack?.stop();
    await pg?.destroy();
  });

  it('acknowledges nothing it did not store, and counts everything after recovery', { timeout: 120_000 }, async () => {
    const { fake, sql } = stack;
    const app = await stack.start();
    const { messageId, data } = await openPoll(fake);
    const ids: string[] = [];
    const updateIds: number[] = [];
    const latest = new Map<number, number>();
    const press = (i: number) => {
      const u = fake.press(GROUP, resident(i), messageId, data[i % 3]!);
      ids.push(String(u.callback_query.id));
      updateIds.push(u.update_id);
      latest.set(i, (i % 3) + 1);
    };
    for (let i = 1; i <= BEFORE; i++) press(i);
    await fake.waitFor(() => ids.every((id) => answeredQueries(fake).has(id)), 60000, 'the first presses answered');

    // The pool's connections go away with the server: the app must neither crash nor skip updates.
    await sql.end({ timeout: 1 }).catch(() => undefined);
    await pg.stop();
    const outageStart = Date.now();
    const firstDuring = fake.calls.length;
    for (let i = BEFORE + 1; i <= BEFORE + DURING; i++) press(i);
    await new Promise((r) => setTimeout(r, OUTAGE_MS));
    const offsetsDuring = fake.calls.slice(firstDuring).filter((c) => c.method === 'getUpdates').map((c) => c.payload.offset ?? 0);
    const answeredDuring = fake.calls.slice(firstDuring).filter((c) => c.method === 'answerCallbackQuery').length;
    await pg.start();
    const outageMs = Date.now() - outageStart;
    expect(outageMs).toBeGreaterThanOrEqual(OUTAGE_MS);

    // Nothing pressed during the outage was acknowledged or answered as if recorded while Postgres was down.
    const firstUnstored = updateIds[BEFORE]!;
    expect(Math.max(0, ...offsetsDuring), 'the offset never passed an update that could not be stored').toBeLessThanOrEqual(firstUnstored);
    expect(answeredDuring, 'no press answered while nothing could be stored').toBe(0);
    expect(app.child.exitCode, 'the app survived the outage').toBeNull();

    await fake.waitFor(() => ids.every((id) => answeredQueries(fake).has(id)) && fake.pendingUpdates().length === 0, 90000, 'every press answered and acknowledged after recovery');
    expect(app.child.exitCode).toBeNull();

    const postgres = (await import('postgres')).default;
    const check = postgres(pg.url, { max: 1, onnotice: () => {} });
    try {
      const ballots = await ballotsByResident(check);
      expect(ballots.size).toBe(BEFORE + DURING);
      expect([...latest].filter(([i, c]) => ballots.get(i) !== c)).toEqual([]);
      const [{ n }] = await check`select count(*)::int as n from audit_log where action = 'ballot.cast'`;
      expect(n).toBe(BEFORE + DURING);
      const stored = await check`select update_key from processed_updates where platform = 'telegram'`;
      const keys = new Set(stored.map((r) => Number(r.update_key)));
      expect(updateIds.filter((u) => !keys.has(u)), 'every update stored').toEqual([]);
    } finally {
      await check.end({ timeout: 5 });
    }
  });
});
