/**
 * The bot process killed with SIGKILL in the middle of a vote storm and started again: the fake Bot
 * API keeps every update the bot did not acknowledge, the new process gets them again, and every
 * ballot is counted exactly once with its latest choice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answeredQueries, ballotsByResident, GROUP, openPoll, resident, startStack, type Stack } from './stack.js';

const RESIDENTS = 200;
const CHANGED = 40;

describe('SIGKILL in the middle of a vote storm', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('counts every ballot exactly once after a restart', { timeout: 150_000 }, async () => {
    const { fake, sql } = stack;
    await stack.start();
    const { messageId, data } = await openPoll(fake);
    const latest = new Map<number, number>();
    const ids: string[] = [];
    const press = (i: number, k: number) => {
      const u = fake.press(GROUP, resident(i), messageId, data[k]!);
      ids.push(String(u.callback_query.id));
      latest.set(i, k + 1);
    };
    for (let i = 1; i <= RESIDENTS; i++) press(i, i % 3);
    for (let i = 1; i <= CHANGED; i++) press(i, (i + 1) % 3);

    // Kill it once a good part of the storm is stored, with more in flight.
    await fake.waitFor(() => answeredQueries(fake).size >= 60, 60000, '60 presses answered');
    const killed = await stack.app!.kill('SIGKILL');
    expect(killed.signal).toBe('SIGKILL');
    const answeredBeforeKill = answeredQueries(fake).size;
    expect(answeredBeforeKill).toBeLessThan(ids.length);
    expect(fake.pendingUpdates().length, 'the fake kept the unacknowledged updates').toBeGreaterThan(0);

    await stack.start();
    await fake.waitFor(() => ids.every((id) => answeredQueries(fake).has(id)) && fake.pendingUpdates().length === 0, 120000, 'every press answered and acknowledged');

    const ballots = await ballotsByResident(sql);
    expect(ballots.size).toBe(RESIDENTS);
    const wrong = [...latest].filter(([i, choice]) => ballots.get(i) !== choice);
    expect(wrong, 'every ballot carries its latest choice').toEqual([]);
    const audit = await sql`select action, count(*)::int as n from audit_log where action like 'ballot.%' group by action order by action`;
    expect(Object.fromEntries(audit.map((r) => [r.action, r.n])), 'each press audited once').toEqual({ 'ballot.cast': RESIDENTS, 'ballot.changed': CHANGED });
    const [{ n }] = await sql`select count(*)::int as n from processed_updates where platform = 'telegram'`;
    expect(n).toBe(RESIDENTS + CHANGED + 1);
  });
});
