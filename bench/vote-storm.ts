/**
 * Vote storm: 1,000 residents press ballot buttons through the local fake Bot API (plus 200 duplicate
 * deliveries and 100 changed presses) against the real app process (Telegram adapter + core + jobs) on
 * real Postgres; presses handled per second from the first update to the last answerCallbackQuery.
 * Compared, in the same run and through the same fake Bot API, with what a user would pick instead:
 * (a) a plain grammY bot keeping votes in a Map (bench/rivals/plain-grammy.ts), the baseline, and
 * (b) the harness ceiling, a bare poller that answers every callback and stores nothing
 * (bench/rivals/bare-poller.ts). Extra figure: a bare `postgres` driver loop doing the same ballot
 * upserts (INSERT … ON CONFLICT DO UPDATE) at the app's concurrency.
 * BENCH_STORM_RESIDENTS makes a smaller storm (to check the harness), e.g. 100.
 */
import fs from 'node:fs';
import postgres from 'postgres';
import { startFakeBotApi, fixtures, type FakeBotApi } from '../test/support/fake-bot-api.js';
import { startApp, type AppProcess } from '../test/fault/app-process.js';
import { startRival } from './rivals/spawn.js';
import type { BenchServices } from './services.js';
import { median, ms, round, type BenchResult } from './result.js';
import { seedCommunity } from './seed.js';
import { sleep } from '../src/lib/retry.js';

/** CPU time (user + system) a process has used, in ms, from /proc/<pid>/stat; 0 once it is gone. */
function cpuMs(pid: number): number {
  try {
    const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
    return ((Number(rest[11]) + Number(rest[12])) * 1000) / TICKS;
  } catch {
    return 0;
  }
}
const TICKS = 100;

/**
 * Waits until the process is idle: at most `quietMs` of CPU in each of two 500 ms windows in a row
 * (at most `maxMs`). After start and after its first command a process keeps working for a few seconds
 * (the app: 100–350 ms of CPU in the 10 s after the poll opened, much of it on V8's helper threads); a
 * storm started then measures part of that too, more or less by chance. The app and the rivals alike
 * wait for it. Returns how long it waited.
 */
async function settle(pid: number, quietMs = 10, maxMs = 30000): Promise<number> {
  const t0 = Date.now();
  let quiet = 0;
  let before = cpuMs(pid);
  while (quiet < 2 && Date.now() - t0 < maxMs) {
    await sleep(500);
    const now = cpuMs(pid);
    quiet = now - before <= quietMs ? quiet + 1 : 0;
    before = now;
  }
  return Date.now() - t0;
}

/** CPU time of every running postgres process (server and backends), in ms. */
function postgresCpuMs(): number {
  let total = 0;
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (fs.readFileSync(`/proc/${d}/comm`, 'utf8').trim() === 'postgres') total += cpuMs(Number(d));
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

const RESIDENTS = Number(process.env.BENCH_STORM_RESIDENTS ?? 1000);
export const STORM = { residents: RESIDENTS, duplicates: Math.round(RESIDENTS / 5), changed: Math.round(RESIDENTS / 10) } as const;
/**
 * Every fourth of the first `DUP_SPAN` presses is delivered twice (200 of the first 800 in the full storm).
 * A copy rides along with a later batch, so the last 100 presses (one getUpdates batch) carry none.
 */
const DUP_SPAN = Math.max(0, Math.min(STORM.duplicates * 4, STORM.residents + STORM.changed - 101));
/**
 * The baseline loop runs at the app's database concurrency: its connection pool size (10), or the most
 * transactions of the app seen in flight at once during the storm (sampled from pg_stat_activity) if
 * that were ever higher; the app may use fewer connections (it groups presses), the baseline does not.
 */
const APP_POOL_SIZE = 10;
const FORCED_CONCURRENCY = process.env.BENCH_STORM_CONCURRENCY ? Number(process.env.BENCH_STORM_CONCURRENCY) : undefined;
const GROUP = fixtures.group(-100200300400, '压测议事群');
const STAFF = fixtures.user(9_100_001, '主任');
const userId = (i: number) => 7_000_000 + i;

/** Opens a poll through the app (`/poll 1`) and returns the ballot message and its buttons. */
export async function openPollThroughApp(fake: FakeBotApi, suggestionNumber: number) {
  const before = fake.botMessages(GROUP.id).length;
  fake.sendText(GROUP, STAFF, `/poll ${suggestionNumber} 48h`);
  const [ballot] = await fake.waitForBotMessages(GROUP.id, before, 1, 60000);
  const buttons: { text: string; callback_data: string }[] = (ballot?.reply_markup?.inline_keyboard ?? []).flat();
  if (buttons.length < 3) throw new Error(`the ballot has no buttons: ${JSON.stringify(ballot)}`);
  return { messageId: ballot!.message_id, buttons };
}

export async function seedStormCommunity(sql: postgres.Sql, slug: string) {
  const c = await seedCommunity(sql, { slug, platformChatId: String(GROUP.id), staffUserId: String(STAFF.id) });
  await sql`insert into suggestions (community_id, number, author_id, chat_id, text, stage)
    values (${c.communityId}, 1, ${c.staffPersonId}, ${c.chatId}, '东门加装电动车充电桩', 'on_agenda')`;
  return c;
}

export const stormGroup = GROUP;
export const stormStaff = STAFF;

/** Waits until the app polls the fake server (it is up and listening for updates). */
export async function waitUntilPolling(fake: FakeBotApi, app: AppProcess, timeoutMs = 60000) {
  await Promise.race([
    fake.waitFor(() => fake.callsOf('getUpdates').length > 0, timeoutMs, 'the app to poll getUpdates'),
    app.exited.then((r) => { throw new Error(`the app exited (${r.code ?? r.signal}) before polling:\n${app.output().slice(-3000)}`); }),
  ]);
}

interface Storm {
  elapsedMs: number;
  wallMs: number;
  pressesPerSecond: number;
  duplicates: number;
  answerCalls: number;
  queryIds: Set<string>;
  answeredIds: Set<string>;
}

/**
 * Pushes the presses (every fourth of the first DUP_SPAN delivered twice) at `bot` and waits until every
 * press is answered and every update, duplicates included, confirmed by the bot's next offset.
 */
async function drive(
  fake: FakeBotApi,
  bot: AppProcess,
  messageId: number,
  buttons: { callback_data: string }[],
  presses: { i: number; k: number }[],
  users: Map<number, ReturnType<typeof fixtures.user>>,
  onPress?: (i: number, k: number) => void,
): Promise<Storm> {
  const dupBefore = fake.duplicatesDelivered;
  const t0 = Date.now();
  const start = process.hrtime.bigint();
  const queryIds = new Set<string>();
  let duplicates = 0;
  let scanned = fake.calls.length;
  presses.forEach(({ i, k }, n) => {
    const u = fake.press(GROUP, users.get(i)!, messageId, buttons[k]!.callback_data);
    queryIds.add(String(u.callback_query.id));
    onPress?.(i, k);
    if (n < DUP_SPAN && n % 4 === 0) {
      fake.deliverTwice(u.update_id);
      duplicates++;
    }
  });
  // Checked after every call the fake answers: incremental, so the harness does not eat the cores it measures.
  const answeredIds = new Set<string>();
  let answerCalls = 0;
  let lastAnswerAt = 0;
  const allAnswered = () => {
    for (; scanned < fake.calls.length; scanned++) {
      const c = fake.calls[scanned]!;
      if (c.method === 'answerCallbackQuery' && queryIds.has(String(c.payload.callback_query_id))) {
        answeredIds.add(String(c.payload.callback_query_id));
        answerCalls++;
        lastAnswerAt = Math.max(lastAnswerAt, c.at);
      }
    }
    return answeredIds.size >= queryIds.size;
  };
  await Promise.race([
    fake.waitFor(allAnswered, 240000, `answers to ${queryIds.size} presses`),
    bot.exited.then((r) => { throw new Error(`the bot exited (${r.code ?? r.signal}) in the storm:\n${bot.output().slice(-3000)}`); }),
  ]);
  // The end: every press answered, and every update (the duplicates too) handled and confirmed by the
  // bot's next getUpdates offset. A duplicate already answered gets no second answer from the app
  // (Telegram would refuse it), so confirmation is how its handling is seen.
  const confirmedAt = await fake.waitFor(
    () => fake.duplicatesDelivered - dupBefore >= duplicates && fake.pendingUpdates().length === 0 && Date.now(),
    60000,
    'every update confirmed',
  );
  const elapsedMs = Math.max(1, Math.max(lastAnswerAt, confirmedAt) - t0);
  const delivered = fake.duplicatesDelivered - dupBefore;
  return { elapsedMs, wallMs: ms(start), pressesPerSecond: (presses.length + delivered) / (elapsedMs / 1000), duplicates: delivered, answerCalls, queryIds, answeredIds };
}

export async function benchVoteStorm(services: BenchServices, log: (l: string) => void): Promise<BenchResult> {
  const database = await services.freshDatabase();
  const url = database.url;
  await database.close();
  const sql = postgres(url, { max: 12, onnotice: () => {} });
  const dbName = new URL(url).pathname.slice(1);
  const fake = await startFakeBotApi();
  let app: AppProcess | undefined;
  try {
    await seedStormCommunity(sql, 'storm');
    app = startApp({
      TELEGRAM_BOT_TOKEN: fake.token,
      TELEGRAM_API_ROOT: fake.apiRoot,
      DATABASE_URL: url,
      REDIS_URL: services.redisUrl,
      YISHI_DATA_DIR: services.tempDir(),
      YISHI_LOG_LEVEL: 'warn',
    }, { nodeArgs: process.env.BENCH_APP_NODE_ARGS?.split(' ').filter(Boolean) });
    await waitUntilPolling(fake, app);
    const { messageId, buttons } = await openPollThroughApp(fake, 1);
    log(`  app idle ${round(await settle(app.pid))} ms after the poll opened; the storm starts`);
    const [poll] = await sql`select id from polls where status = 'open'`;
    const pollId = poll!.id as number;

    // The presses: resident i picks choice i % 3; the first `changed` residents change to the next choice.
    const latest = new Map<number, number>();
    const presses: { i: number; k: number }[] = [];
    for (let i = 1; i <= STORM.residents; i++) presses.push({ i, k: i % 3 });
    for (let i = 1; i <= STORM.changed; i++) presses.push({ i, k: (i + 1) % 3 });
    const users = new Map<number, ReturnType<typeof fixtures.user>>();
    for (let i = 1; i <= STORM.residents; i++) users.set(i, fixtures.user(userId(i), `居民${i}`));

    let rssPeak = 0;
    const sampler = setInterval(() => { rssPeak = Math.max(rssPeak, app?.rssMiB() ?? 0); }, 200);
    // The app's in-flight transactions, seen from a connection of our own.
    let inFlightPeak = 0;
    let sampling = true;
    const watcher = postgres(url, { max: 1, onnotice: () => {} });
    const watching: Promise<void> = (async () => {
      while (sampling) {
        const [r] = await watcher`select count(*)::int as n from pg_stat_activity
          where datname = ${dbName} and pid <> pg_backend_pid() and state in ('active', 'idle in transaction')`;
        inFlightPeak = Math.max(inFlightPeak, r!.n as number);
        await sleep(50);
      }
    })().catch(() => undefined); // the watcher's connection may go first when the storm failed
    const cpu0 = { app: cpuMs(app.pid), pg: postgresCpuMs(), bench: process.cpuUsage() };
    const run = await drive(fake, app, messageId, buttons, presses, users, (i, k) => latest.set(i, k + 1));
    const { elapsedMs, wallMs, answeredIds, queryIds } = run;
    const all = { length: run.answerCalls };
    const benchCpu = process.cpuUsage(cpu0.bench);
    const cpu = { appMs: cpuMs(app.pid) - cpu0.app, postgresMs: postgresCpuMs() - cpu0.pg, benchMs: (benchCpu.user + benchCpu.system) / 1000 };
    clearInterval(sampler);
    sampling = false;
    await watching;
    await watcher.end({ timeout: 5 });
    const STORM_CONCURRENCY = FORCED_CONCURRENCY ?? Math.max(APP_POOL_SIZE, inFlightPeak);
    const pressesPerSecond = run.pressesPerSecond;
    log(`  app: ${presses.length} presses + ${run.duplicates} duplicate deliveries handled, answered and confirmed in ${round(elapsedMs)} ms (${all.length} answer calls; wall ${round(wallMs)} ms); app RSS peak ${round(rssPeak, 1)} MiB; app transactions in flight at most ${inFlightPeak}`);
    log(`  CPU during the storm: app ${round(cpu.appMs)} ms, Postgres ${round(cpu.postgresMs)} ms, bench (fake Bot API, watcher) ${round(cpu.benchMs)} ms`);

    // Exact tally: one ballot per resident, each with the latest choice.
    const checks: string[] = [];
    let correct = true;
    const rows = await sql`select i.platform_user_id as uid, b.choice from ballots b join identities i on i.person_id = b.person_id and i.platform = 'telegram' where b.poll_id = ${pollId}`;
    if (rows.length !== STORM.residents) { correct = false; checks.push(`ballots: ${rows.length} ≠ ${STORM.residents}`); }
    let wrong = 0;
    for (const r of rows) if (latest.get(Number(r.uid) - 7_000_000) !== Number(r.choice)) wrong++;
    if (wrong) { correct = false; checks.push(`${wrong} ballots do not carry the latest choice`); }
    const unanswered = [...queryIds].filter((id) => !answeredIds.has(id)).length;
    if (unanswered) { correct = false; checks.push(`${unanswered} presses never answered`); }
    const [{ n: processed }] = (await sql`select count(*)::int as n from processed_updates where platform = 'telegram'`) as unknown as [{ n: number }];
    if (correct) checks.push(`exact: ${rows.length} ballots, each with its latest choice; ${STORM.changed} changed counted once; ${run.duplicates} duplicates changed nothing; every press answered`);
    checks.push(`processed_updates rows: ${processed} (presses + the /poll command)`);
    checks.push(`${STORM.residents} ballots in ${round(elapsedMs)} ms = ${round(STORM.residents / (elapsedMs / 1000), 0)} ballots/s (distinct residents' ballots; the figure counts every press handled)`);

    // Baseline: the same 1,300 ballot upserts with a bare driver at the same concurrency, on a fresh poll
    // whose voters already exist (the storm created them), so the bare loop does strictly less work.
    const persons = new Map<number, number>();
    for (const r of await sql`select platform_user_id as uid, person_id from identities where platform = 'telegram'`) persons.set(Number(r.uid) - 7_000_000, r.person_id as number);
    const [bp] = await sql`insert into polls (suggestion_id, kind, status, deadline) select suggestion_id, 'vote', 'closed', now() from polls where id = ${pollId} returning id`;
    const ops: { person: number; choice: number }[] = [];
    presses.forEach(({ i, k }, n) => {
      ops.push({ person: persons.get(i)!, choice: k + 1 });
      if (n < DUP_SPAN && n % 4 === 0) ops.push({ person: persons.get(i)!, choice: k + 1 });
    });
    const runs: number[] = [];
    for (let run = 0; run < 5; run++) {
      await sql`delete from ballots where poll_id = ${bp!.id}`;
      let next = 0;
      const s = process.hrtime.bigint();
      await Promise.all(Array.from({ length: STORM_CONCURRENCY }, async () => {
        for (let j = next++; j < ops.length; j = next++) {
          const op = ops[j]!;
          await sql`insert into ballots (poll_id, person_id, choice) values (${bp!.id}, ${op.person}, ${op.choice})
            on conflict (poll_id, person_id) do update set choice = excluded.choice, changed_at = now()`;
        }
      }));
      runs.push(ops.length / (ms(s) / 1000));
    }
    const baseline = median(runs);
    const [{ n: bareCount }] = (await sql`select count(*)::int as n from ballots where poll_id = ${bp!.id}`) as unknown as [{ n: number }];
    if (bareCount !== STORM.residents) { correct = false; checks.push(`baseline loop stored ${bareCount} ballots`); }
    log(`  bare upserts (extra): ${ops.length} upserts at concurrency ${STORM_CONCURRENCY}: ${runs.map((r) => round(r, 0)).join(' / ')} per s`);
    const upsertRatio = pressesPerSecond / baseline;

    // The rivals, one after the other on the same fake Bot API and the same presses: the app stops first.
    await app.kill('SIGTERM');
    app = undefined;
    const rivals: Record<'plain-grammy' | 'bare-poller', Storm & { cpuMs: number }> = {} as never;
    for (const name of ['plain-grammy', 'bare-poller'] as const) {
      const rival = startRival(name, { TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.apiRoot });
      try {
        // Ready once it has taken and confirmed a first update (a chat message it ignores).
        const warm = fake.sendText(GROUP, STAFF, 'warm-up');
        await Promise.race([
          fake.waitFor(() => !fake.pendingUpdates().some((u) => u.update_id === warm.update_id), 60000, `${name} to poll`),
          rival.exited.then((r) => { throw new Error(`${name} exited (${r.code ?? r.signal}):\n${rival.output().slice(-2000)}`); }),
        ]);
        await settle(rival.pid);
        const c0 = cpuMs(rival.pid);
        const r = await drive(fake, rival, messageId, buttons, presses, users);
        rivals[name] = { ...r, cpuMs: cpuMs(rival.pid) - c0 };
        if (r.answeredIds.size < r.queryIds.size) { correct = false; checks.push(`${name}: ${r.queryIds.size - r.answeredIds.size} presses never answered`); }
        log(`  ${name}: ${presses.length} presses + ${r.duplicates} duplicate deliveries in ${round(r.elapsedMs)} ms = ${round(r.pressesPerSecond, 0)} presses/s (CPU ${round(rivals[name].cpuMs)} ms)`);
      } finally {
        await rival.kill('SIGTERM');
      }
    }
    const plain = rivals['plain-grammy'].pressesPerSecond;
    const ceiling = rivals['bare-poller'].pressesPerSecond;
    const ratio = pressesPerSecond / plain;
    const ceilingRatio = pressesPerSecond / ceiling;
    checks.push(`app ${round(pressesPerSecond, 0)} presses/s; plain grammY with a Map ${round(plain, 0)}; bare poller (ceiling) ${round(ceiling, 0)}: ${round(ratio, 2)} × plain grammY, ${round(ceilingRatio, 2)} × ceiling; ${round(upsertRatio, 2)} × bare upserts (extra)`);
    return {
      name: 'vote-storm',
      figure: { label: `button presses handled end to end (${STORM.residents} + ${STORM.changed} changed + ${run.duplicates} duplicates)`, value: round(pressesPerSecond, 0), unit: 'presses/s' },
      baseline: { label: `plain grammY bot keeping votes in a Map, same presses, same fake Bot API (ceiling: bare poller answering only, ${round(ceiling, 0)} presses/s)`, value: round(plain, 0), unit: 'presses/s' },
      ratio: round(ratio, 3),
      ratioMeans: `app presses/s ÷ plain grammY presses/s (÷ ceiling: ${round(ceilingRatio, 3)})`,
      target: '≥ 1.0 × plain grammY and ≥ 0.6 × ceiling, exact tally',
      meetsTarget: ratio >= 1.0 && ceilingRatio >= 0.6,
      correct,
      checks,
      extra: {
        elapsedMs, ballotsPerSecond: round(STORM.residents / (elapsedMs / 1000), 1), answerCalls: all.length, duplicatesDelivered: run.duplicates,
        plainGrammy: { pressesPerSecond: round(plain, 0), elapsedMs: rivals['plain-grammy'].elapsedMs, cpuMs: round(rivals['plain-grammy'].cpuMs) },
        ceiling: { pressesPerSecond: round(ceiling, 0), elapsedMs: rivals['bare-poller'].elapsedMs, cpuMs: round(rivals['bare-poller'].cpuMs), ratio: round(ceilingRatio, 3) },
        bareUpserts: { perSecond: round(baseline, 0), concurrency: STORM_CONCURRENCY, ratio: round(upsertRatio, 3) },
        appRssPeakMiB: round(rssPeak, 1), appInFlightPeak: inFlightPeak, cpuMs: { app: round(cpu.appMs), postgres: round(cpu.postgresMs), bench: round(cpu.benchMs) },
      },
    };
  } finally {
    await app?.kill('SIGTERM');
    await fake.close();
    await sql.end({ timeout: 5 });
  }
}
