/**
 * Tally of a poll with 100,000 ballots: the core's close path (and its live-count view) against a plain
 * `select choice, count(*) … group by choice` on the same table, same run.
 */
import postgres from 'postgres';
import { loadConfig } from '../src/lib/config.js';
import { silentLogger } from '../src/lib/logger.js';
import type { BenchServices } from './services.js';
import { median, ms, round, type BenchResult } from './result.js';
import { seedCommunity, seedResidents, seedVotingPoll } from './seed.js';

const BALLOTS = 100_000;
const POLLS = 3; // close is one-shot per poll: several polls give a median
/** Deterministic choices: 50% 同意, 30% 反对, 20% 弃权. */
const EXPECTED = { 1: 50_000, 2: 30_000, 3: 20_000 } as const;

export async function benchTally(services: BenchServices, log: (line: string) => void): Promise<BenchResult> {
  const database = await services.freshDatabase();
  const url = database.url;
  const sql = postgres(url, { max: 4, onnotice: () => {} });
  try {
    const community = await seedCommunity(sql, { slug: 'tally', platformChatId: '-100777', staffUserId: '9000001' });
    const first = await seedResidents(sql, community.communityId, BALLOTS, 'telegram', 't');
    const past = new Date(Date.now() - 1000);
    const polls: { pollId: number; suggestionId: number }[] = [];
    const t0 = process.hrtime.bigint();
    for (let k = 0; k < POLLS; k++) {
      const p = await seedVotingPoll(sql, community, k + 1, past);
      // Every tenth ballot was changed once, so the latest choice must be what counts.
      await sql`insert into ballots (poll_id, person_id, choice, changed_at)
        select ${p.pollId}, ${first}::int + i,
          case when i % 10 < 5 then 1 when i % 10 < 8 then 2 else 3 end,
          case when i % 10 = 0 then now() end
        from generate_series(0, ${BALLOTS - 1}) i`;
      polls.push(p);
    }
    // A table this size would have been autovacuumed by the time its poll closes; both paths get the same tables.
    // Right after the bulk insert a VACUUM here leaves every ballot page not all-visible and without hint bits
    // (the bench Postgres commits asynchronously; the flush a moment later is what lets it set them), so the
    // baseline's first reads hinted poll 1's pages while the closes of polls 2 and 3 paid that themselves.
    // Vacuum again until the visibility map covers the table, as autovacuum would have left it.
    let vis: { relpages: number; relallvisible: number } | undefined;
    for (let attempt = 0; attempt < 10; attempt++) {
      await sql`vacuum analyze ballots`;
      await sql`vacuum analyze roles`;
      [vis] = (await sql`select relpages, relallvisible from pg_class where relname = 'ballots'`) as unknown as { relpages: number; relallvisible: number }[];
      if (vis && vis.relallvisible >= vis.relpages) break;
      await sql`select pg_sleep(0.3)`;
    }
    log(`  seeded ${POLLS} polls × ${BALLOTS} ballots in ${round(ms(t0) / 1000, 1)} s; ballots pages all-visible after vacuum: ${vis?.relallvisible}/${vis?.relpages}`);

    // Baseline: the bare aggregate, warmed up, median of 15.
    const bare: number[] = [];
    let bareCounts: Record<string, number> = {};
    for (let i = 0; i < 18; i++) {
      const s = process.hrtime.bigint();
      const rows = await sql`select choice, count(*)::int as n from ballots where poll_id = ${polls[0]!.pollId} group by choice`;
      if (i >= 3) bare.push(ms(s));
      bareCounts = Object.fromEntries(rows.map((r) => [String(r.choice), r.n as number]));
    }
    const baselineMs = median(bare);

    const { createCore } = await import('../src/core/index.js');
    const config = loadConfig({ DATABASE_URL: url, YISHI_DATA_DIR: services.tempDir(), YISHI_LOG_LEVEL: 'silent' });
    const core = createCore({ database, config, logger: silentLogger });
    const checks: string[] = [];
    let correct = true;
    const expectCounts = (text: string, what: string) => {
      const flat = text.replace(/(\d),(?=\d{3})/g, '$1');
      for (const [pos, label] of [[1, '同意'], [2, '反对'], [3, '弃权']] as const) {
        if (!new RegExp(`${label}\\D{0,6}${EXPECTED[pos]}(?!\\d)`).test(flat)) {
          correct = false;
          checks.push(`${what}: "${label} ${EXPECTED[pos]}" missing in ${JSON.stringify(text.slice(0, 200))}`);
        }
      }
    };

    // The live-count view the adapters edit into the ballot message (repeatable: median of 15).
    const views: number[] = [];
    for (let i = 0; i < 18; i++) {
      const s = process.hrtime.bigint();
      const v = await core.ballotView(polls[0]!.pollId);
      if (i >= 3) views.push(ms(s));
      if (i === 0) expectCounts(v?.text ?? '', 'ballotView');
    }

    // The close path: one-shot per poll.
    const closes: number[] = [];
    for (const p of polls) {
      const s = process.hrtime.bigint();
      const r = await core.closeDuePoll(p.pollId, new Date());
      closes.push(ms(s));
      expectCounts(r?.reply.text ?? '', `closeDuePoll(${p.pollId})`);
    }
    const [stored] = await sql`select status, result from polls where id = ${polls[0]!.pollId}`;
    if (stored?.status !== 'closed') { correct = false; checks.push('poll not closed'); }
    for (const [pos, n] of Object.entries(EXPECTED)) {
      if (bareCounts[pos] !== n) { correct = false; checks.push(`baseline count ${pos}=${bareCounts[pos]} ≠ ${n}`); }
    }
    if (correct) checks.push(`exact: 同意 50000 · 反对 30000 · 弃权 20000 in the close reply of each of ${POLLS} polls and the live view`);
    const closeMs = median(closes);
    log(`  baseline group-by median ${round(baselineMs)} ms; ballotView median ${round(median(views))} ms; close ${closes.map((x) => round(x)).join(' / ')} ms`);
    return {
      name: 'tally-100k',
      figure: { label: 'core closeDuePoll of a 100,000-ballot poll (median of 3 polls)', value: round(closeMs), unit: 'ms' },
      baseline: { label: 'select choice, count(*) … group by choice (median of 15)', value: round(baselineMs), unit: 'ms' },
      ratio: round(baselineMs / closeMs, 3),
      ratioMeans: 'baseline time / core time (1.0 = as fast as the bare aggregate)',
      target: 'close < 50 ms, exact counts',
      meetsTarget: closeMs < 50,
      correct,
      checks,
      extra: { ballotPagesAllVisible: `${vis?.relallvisible}/${vis?.relpages}`, ballotViewMedianMs: round(median(views)), closeRunsMs: closes.map((x) => round(x)) },
    };
  } finally {
    await sql.end({ timeout: 5 });
    await database.close();
  }
}
