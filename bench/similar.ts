/**
 * Similar suggestions at 5,000 open items in one community: the check `/suggest` runs in its
 * transaction (read the items' stored features, score, read the three found), against the bare read of
 * the same rows, same run; on Postgres, and the same check on embedded PGlite.
 */
import fs from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { openDatabase, type Database } from '../src/db/client.js';
import { communities, persons, suggestions } from '../src/db/schema.js';
import { and, eq, sql } from 'drizzle-orm';
import { encodeProfile, profile, PROFILE_VERSION } from '../src/domain/similarity.js';
import { similarOpenItems } from '../src/consultation/similar.js';
import { OPEN_STAGES } from '../src/consultation/stages.js';
import { inTransaction } from '../src/kernel/unit-of-work.js';
import type { Ctx } from '../src/kernel/context.js';
import type { BenchServices } from './services.js';
import { median, ms, round, type BenchResult } from './result.js';

const ITEMS = 5_000;
const RUNS = 25;
const TARGET_MS = 20;
const QUERIES = ['东大门那边灯不亮好几天了', '三栋电梯老是出故障，爬楼爬不动', '消防通道老是有私家车乱停', '希望小区装快递柜', '广场舞放歌太响，孩子没法写作业'];

/** 5,000 open items made of the labelled texts, each made distinct by a number and a place word. */
function corpus(): { text: string; cluster: string }[] {
  const file = fileURLToPath(new URL('../test/fixtures/similar-suggestions.json', import.meta.url));
  const data = JSON.parse(fs.readFileSync(file, 'utf8')) as { clusters: { id: string; lang: string; texts: string[] }[] };
  const base = data.clusters.filter((c) => c.lang === 'zh').flatMap((c) => c.texts.map((text) => ({ text, cluster: c.id })));
  const extra = ['', '，麻烦尽快处理', '，好几天了', '，谢谢', '，大家都有意见'];
  return Array.from({ length: ITEMS }, (_, i) => ({ text: `${base[i % base.length]!.text}${extra[i % extra.length]}（${i + 1}）`, cluster: base[i % base.length]!.cluster }));
}

async function measure(database: Database, label: string, log: (l: string) => void) {
  const db = database.db;
  const [c] = await db.insert(communities).values({ slug: `similar-${label}`, name: '相似压测' }).returning();
  const [p] = await db.insert(persons).values({ displayName: '居民' }).returning();
  const rows = corpus();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < rows.length; i += 500) {
    await db.insert(suggestions).values(
      rows.slice(i, i + 500).map((r, j) => ({
        communityId: c!.id,
        number: i + j + 1,
        authorId: p!.id,
        text: r.text,
        similarity: encodeProfile(profile(r.text)),
        stage: OPEN_STAGES[(i + j) % OPEN_STAGES.length]!,
      })),
    );
  }
  log(`  ${label}: seeded ${ITEMS} open items in ${round(ms(t0) / 1000, 1)} s`);
  // Every row's stored features are read as such (none falls back to its text).
  const [stored] = await db.select({ n: sql<number>`count(*)::int` }).from(suggestions).where(and(eq(suggestions.communityId, c!.id), sql`get_byte(${suggestions.similarity}, 0) = ${PROFILE_VERSION}`));
  const ctx = { community: c } as unknown as Ctx;
  const check = (text: string) => inTransaction(db, (tx) => similarOpenItems({ ...ctx, tx }, profile(text)));
  const bare = () => inTransaction(db, (tx) => tx.select({ number: suggestions.number, stage: suggestions.stage }).from(suggestions).where(eq(suggestions.communityId, c!.id)));
  const checks: number[] = [];
  const cpus: number[] = [];
  const reads: number[] = [];
  let found: Awaited<ReturnType<typeof check>> = [];
  for (let i = 0; i < RUNS + 3; i++) {
    let s = process.hrtime.bigint();
    const cpu = process.cpuUsage();
    const r = await check(QUERIES[i % QUERIES.length]!);
    if (i >= 3) checks.push(ms(s));
    const used = process.cpuUsage(cpu);
    if (i >= 3) cpus.push((used.user + used.system) / 1000);
    if (i % QUERIES.length === 0) found = r;
    s = process.hrtime.bigint();
    await bare();
    if (i >= 3) reads.push(ms(s));
  }
  // The first query is about the east gate's light: what it finds must be in that cluster.
  const right = found.length > 0 && found.every((f) => rows[f.number - 1]!.cluster === 'east-gate-light');
  return { check: median(checks), cpu: median(cpus), read: median(reads), right: right && stored!.n === ITEMS, found: found.map((f) => `#${f.number}`).join(' ') };
}

export async function benchSimilar(services: BenchServices, log: (line: string) => void): Promise<BenchResult> {
  const database = await services.freshDatabase();
  const pg = await measure(database, 'postgres', log);
  await database.close();
  const pglite = await openDatabase({ dataDir: services.tempDir('yishi-bench-pglite-') });
  const lite = await measure(pglite, 'pglite', log);
  await pglite.close();
  return {
    name: 'similar',
    figure: { label: `similar check at ${ITEMS} open items (Postgres, median of ${RUNS})`, value: round(pg.check), unit: 'ms' },
    baseline: { label: 'bare read of the same rows (number, stage)', value: round(pg.read), unit: 'ms' },
    ratio: round(pg.check / pg.read),
    ratioMeans: 'check / bare read (lower is better)',
    target: `< ${TARGET_MS} ms per check`,
    meetsTarget: pg.check < TARGET_MS,
    correct: pg.right && lite.right,
    checks: [
      `this process's CPU per check (the wall time above waits for a busy machine too): ${round(pg.cpu)} ms with Postgres, ${round(lite.cpu)} ms with PGlite (its database runs in this process)`,
      `PGlite: check ${round(lite.check)} ms, bare read ${round(lite.read)} ms`,
      `found for "${QUERIES[0]}": ${pg.found} (Postgres), ${lite.found} (PGlite); all in its cluster and every stored profile read: ${pg.right && lite.right}`,
      `machine load at the end: ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} on ${os.cpus().length} cores`,
    ],
  };
}
