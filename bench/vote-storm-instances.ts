/**
 * Vote storm through webhooks: the same storm (residents pressing a ballot, every fifth press delivered
 * twice, every tenth resident changing their mind) POSTed by a Telegram stand-in (test/instances/
 * cluster.ts: one queue per presser, 2xx before the next, max_connections 40) through a round-robin
 * proxy to three app processes in webhook mode on one Postgres and one Redis; presses committed per
 * second from the first POST to the last 2xx. Baseline, in the same run: the same storm through the
 * same proxy to one webhook instance (the single-process figure). On a machine with few cores the three
 * share the CPU, so the ratio says what the shared database and queue cost, not what more machines give.
 * BENCH_STORM_RESIDENTS makes a smaller storm (to check the harness), e.g. 100.
 */
import type postgres from 'postgres';
import { answeredQueries, ballotsByResident, openPoll, seedGroup, startCluster, stormPresses } from '../test/instances/cluster.js';
import type { BenchServices } from './services.js';
import { round, type BenchResult } from './result.js';

const RESIDENTS = Number(process.env.BENCH_STORM_RESIDENTS ?? 1000);
const CHANGED = Math.round(RESIDENTS / 10);
const PRESSES = RESIDENTS + CHANGED;
const DUPLICATES = Math.ceil(PRESSES / 5);

interface Run {
  pressesPerSecond: number;
  correct: boolean;
  checks: string[];
}

async function stormThrough(services: BenchServices, instances: number, log: (l: string) => void): Promise<Run> {
  const cluster = await startCluster({ databaseUrl: await services.freshDatabaseUrl(), tempDir: services.tempDir, connections: 40 });
  try {
    await cluster.startInstances(instances);
    await seedGroup(cluster.sql);
    const poll = await openPoll(cluster);
    const { fake, courier, sql } = cluster;
    const { presses, latest } = stormPresses(cluster, poll, RESIDENTS, CHANGED);
    const duplicates = presses.filter((_, j) => j % 5 === 0);
    const t0 = performance.now();
    courier.deliver([...presses, ...duplicates]);
    await courier.idle(600_000);
    const seconds = (performance.now() - t0) / 1000;
    const ids = presses.map((u) => String(u.callback_query.id));
    await fake.waitFor(() => ids.every((id) => answeredQueries(fake).has(id)), 120_000, 'every press answered');
    const checks = await exact(sql, latest, presses.length);
    const pressesPerSecond = round((presses.length + duplicates.length) / seconds, 1);
    log(`  ${instances} webhook instance(s): ${presses.length + duplicates.length} deliveries in ${round(seconds, 1)} s = ${pressesPerSecond}/s; ${checks.join('; ')}`);
    return { pressesPerSecond, correct: checks.every((c) => c.endsWith('ok')), checks };
  } finally {
    await cluster.stop();
  }
}

async function exact(sql: postgres.Sql, latest: Map<number, number>, presses: number): Promise<string[]> {
  const ballots = await ballotsByResident(sql);
  const wrong = [...latest].filter(([i, c]) => ballots.get(i) !== c).length;
  const audit = await sql`select action, count(*)::int as n from audit_log where action like 'ballot.%' group by action`;
  const byAction = Object.fromEntries(audit.map((r) => [r.action, r.n]));
  const [{ n }] = await sql`select count(*)::int as n from processed_updates`;
  return [
    `ballots ${ballots.size}/${RESIDENTS}, ${wrong} wrong: ${ballots.size === RESIDENTS && wrong === 0 ? 'ok' : 'WRONG'}`,
    `audit cast ${byAction['ballot.cast'] ?? 0}, changed ${byAction['ballot.changed'] ?? 0}: ${byAction['ballot.cast'] === RESIDENTS && byAction['ballot.changed'] === CHANGED ? 'ok' : 'WRONG'}`,
    `processed updates ${n} (presses + the /poll): ${n === presses + 1 ? 'ok' : 'WRONG'}`,
  ];
}

export async function benchVoteStormInstances(services: BenchServices, log: (l: string) => void): Promise<BenchResult> {
  const one = await stormThrough(services, 1, log);
  const three = await stormThrough(services, 3, log);
  return {
    name: 'vote-storm-3-instances',
    figure: { label: `${RESIDENTS} residents' ${PRESSES} presses + ${DUPLICATES} duplicates through a round-robin proxy to 3 webhook instances`, value: three.pressesPerSecond, unit: 'presses/s' },
    baseline: { label: 'the same storm to 1 webhook instance', value: one.pressesPerSecond, unit: 'presses/s' },
    ratio: round(three.pressesPerSecond / one.pressesPerSecond),
    ratioMeans: 'three instances over one (higher is better; one machine, shared cores)',
    target: 'exact tally on three instances; throughput not below 0.8x of one instance on a shared machine',
    meetsTarget: three.pressesPerSecond >= 0.8 * one.pressesPerSecond,
    correct: one.correct && three.correct,
    checks: [...one.checks.map((c) => `1 instance: ${c}`), ...three.checks.map((c) => `3 instances: ${c}`)],
  };
}
