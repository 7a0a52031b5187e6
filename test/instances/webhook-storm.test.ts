/**
 * Three app processes in Telegram webhook mode behind a round-robin proxy, on one Postgres and one
 * Redis: a vote storm with duplicates spread across the instances (some re-sent later, some sent to two
 * instances at the same time) is counted exactly; then one instance is SIGKILLed in the middle of a
 * second storm and nothing is lost or counted twice. The three also started at once on an empty
 * database, so the migrations ran once under their lock.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabaseUrl, tempDir } from '../support/services.js';
import { answeredQueries, ballotsByResident, GROUP, openPoll, resident, seedGroup, startCluster, stormPresses, type Cluster } from './cluster.js';

const RESIDENTS = 120;
const METRICS_TOKEN = 'metrics-token-0123456789';
const CHANGED = 30;

describe('three webhook instances behind one load balancer', () => {
  let cluster: Cluster;
  let poll: { messageId: number; data: string[] };
  beforeAll(async () => {
    cluster = await startCluster({ databaseUrl: await freshDatabaseUrl(), tempDir });
    await cluster.startInstances(3, { YISHI_METRICS_TOKEN: METRICS_TOKEN });
    await seedGroup(cluster.sql);
    poll = await openPoll(cluster);
  }, 240_000);
  afterAll(async () => {
    await cluster?.stop();
  }, 60_000);

  it('migrated the empty database once although the three started together', async () => {
    const rows = await cluster.sql`select hash, count(*)::int as n from drizzle.__drizzle_migrations group by hash having count(*) > 1`;
    expect(rows).toEqual([]);
    const [{ n }] = await cluster.sql`select count(*)::int as n from drizzle.__drizzle_migrations`;
    expect(n).toBeGreaterThan(5);
  });

  it('counts a vote storm with duplicates on other instances exactly once', { timeout: 240_000 }, async () => {
    const { fake, courier, sql } = cluster;
    const { presses, latest } = stormPresses(cluster, poll, RESIDENTS, CHANGED);
    // Comments as commands: their dedupe is the unit of work's, not the press statement's.
    const comments = Array.from({ length: 20 }, (_, j) => fake.sendText(GROUP, resident(200 + j), `/comment 1 第${j}条意见`));

    courier.deliver([...presses, ...comments]);
    // Duplicates while the storm runs: the same update to another instance at the same time (a load
    // balancer retrying a slow request), for every fifth first press and every comment. A retry only
    // repeats a request already sent, so a changed vote is not doubled before its first press went out:
    // Telegram sends a presser's next press only after the previous one was answered.
    const doubles = [...presses.filter((_, j) => j % 5 === 0 && j < RESIDENTS), ...comments];
    await Promise.all(doubles.map((u) => courier.deliverNow(u)));
    await courier.idle(180_000);
    // And late: every tenth update again after all were answered (a lost acknowledgement).
    courier.deliver([...presses.filter((_, j) => j % 10 === 0), ...comments.slice(0, 5)]);
    await courier.idle(120_000);

    const ids = presses.map((u) => String(u.callback_query.id));
    await fake.waitFor(() => ids.every((id) => answeredQueries(fake).has(id)), 60_000, 'every press answered');
    expect(Math.min(...cluster.proxy.forwarded), 'every instance took updates').toBeGreaterThan(20);

    const ballots = await ballotsByResident(sql);
    expect(ballots.size).toBe(RESIDENTS);
    expect([...latest].filter(([i, c]) => ballots.get(i) !== c), 'every ballot carries its latest choice').toEqual([]);
    const audit = await sql`select action, count(*)::int as n from audit_log where action like 'ballot.%' group by action order by action`;
    expect(Object.fromEntries(audit.map((r) => [r.action, r.n]))).toEqual({ 'ballot.cast': RESIDENTS, 'ballot.changed': CHANGED });
    const [{ n: commentCount }] = await sql`select count(*)::int as n from comments`;
    expect(commentCount, 'each comment once, although each reached two instances at once').toBe(comments.length);
    const [{ n: processed }] = await sql`select count(*)::int as n from processed_updates where platform = 'telegram'`;
    expect(processed).toBe(1 + presses.length + comments.length);
  });

  it('answers /healthz, /readyz and, with the token only, /metrics with what the storm did', async () => {
    const port = cluster.instances[0]!.webPort;
    const get = (path: string, headers: Record<string, string> = {}) => fetch(`http://127.0.0.1:${port}${path}`, { headers });
    expect(await (await get('/healthz')).text()).toBe('ok');
    const ready = await get('/readyz');
    expect(ready.status).toBe(200);
    // Which check fails is told only to the metrics token's holder.
    expect(await ready.json()).toEqual({ ready: true });
    expect(await (await get('/readyz', { authorization: `Bearer ${METRICS_TOKEN}` })).json()).toEqual({ ready: true, checks: { database: 'ok', redis: 'ok', adapters: 'ok' } });
    expect((await get('/metrics')).status).toBe(401);
    expect((await get('/metrics', { authorization: 'Bearer wrong-token-0123456789' })).status).toBe(401);
    const text = await (await get('/metrics', { authorization: `Bearer ${METRICS_TOKEN}` })).text();
    const value = (re: RegExp) => Number(re.exec(text)?.[1] ?? NaN);
    expect(value(/^yishi_updates_handled_total\{platform="telegram",outcome="done"\} (\d+)/m)).toBeGreaterThan(0);
    expect(value(/^yishi_press_seconds_count\{platform="telegram"\} (\d+)/m)).toBeGreaterThan(0);
    expect(text).toMatch(/^yishi_outbox_messages\{status="failed"\} 0$/m);
    expect(text).toMatch(/^yishi_jobs\{queue="send",state="waiting"\} \d+$/m);
    expect(text).toMatch(/^yishi_jobs\{queue="timers",state="delayed"\} [1-9]\d*$/m);
    // Duplicates landed on every instance; across the three, some were counted as such.
    let duplicates = 0;
    for (const i of cluster.instances) {
      const t = await (await fetch(`http://127.0.0.1:${i.webPort}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
      duplicates += Number(/^yishi_updates_handled_total\{platform="telegram",outcome="duplicate"\} (\d+)/m.exec(t)?.[1] ?? 0);
    }
    expect(duplicates).toBeGreaterThan(0);
  });

  it('loses and doubles nothing when one instance is SIGKILLed mid-storm', { timeout: 240_000 }, async () => {
    const { fake, courier, sql } = cluster;
    const before = await ballotsByResident(sql);
    const latest = new Map(before);
    const presses: any[] = [];
    for (let i = 1; i <= RESIDENTS; i++) {
      const k = (i + 2) % 3;
      presses.push(fake.press(GROUP, resident(i), poll.messageId, poll.data[k]!));
      latest.set(i, k + 1);
    }
    for (let i = RESIDENTS + 1; i <= RESIDENTS + 40; i++) {
      presses.push(fake.press(GROUP, resident(i), poll.messageId, poll.data[i % 3]!));
      latest.set(i, (i % 3) + 1);
    }
    const [{ n: processedBefore }] = await sql`select count(*)::int as n from processed_updates where platform = 'telegram'`;
    const ids = presses.map((u) => String(u.callback_query.id));
    courier.deliver(presses);
    await fake.waitFor(() => ids.filter((id) => answeredQueries(fake).has(id)).length >= 40, 120_000, '40 presses answered');
    const victim = cluster.instances[1]!;
    const killed = await victim.app.kill('SIGKILL');
    expect(killed.signal).toBe('SIGKILL');
    expect(courier.pending(), 'the storm was still going').toBeGreaterThan(0);

    await courier.idle(180_000);
    await fake.waitFor(() => ids.every((id) => answeredQueries(fake).has(id)), 60_000, 'every press answered');
    expect(courier.failures, 'requests to the dead instance failed and were retried elsewhere').toBeGreaterThan(0);

    const ballots = await ballotsByResident(sql);
    expect(ballots.size).toBe(RESIDENTS + 40);
    expect([...latest].filter(([i, c]) => ballots.get(i) !== c)).toEqual([]);
    const audit = await sql`select action, count(*)::int as n from audit_log where action like 'ballot.%' group by action order by action`;
    expect(Object.fromEntries(audit.map((r) => [r.action, r.n]))).toEqual({ 'ballot.cast': RESIDENTS + 40, 'ballot.changed': CHANGED + RESIDENTS });
    const [{ n }] = await sql`select count(*)::int as n from processed_updates where platform = 'telegram'`;
    expect(n - processedBefore).toBe(presses.length);
  });
});
