/**
 * Cold start: spawn the app as `npm start` does, with the fake Bot API as TELEGRAM_API_ROOT and a
 * `/help` already waiting; time from spawn to the first sendMessage, on PGlite and on Postgres.
 * Baseline, same run: a process of the same runtime (npm start's node flags) that only connects to the
 * same kind of database and runs `select 1`. Also the app's resident memory (VmRSS) with its workers running.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { startFakeBotApi, fixtures } from '../test/support/fake-bot-api.js';
import { appNodeFlags, projectRoot, startApp } from '../test/fault/app-process.js';
import type { BenchServices } from './services.js';
import { median, round, type BenchResult } from './result.js';

function timeProcess(args: string[]): Promise<{ ms: number; out: string }> {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const child = spawn(process.execPath, args, { cwd: projectRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    let out = '';
    child.stdout.on('data', (d) => { out += String(d); });
    child.stderr.on('data', (d) => { err += String(d); });
    child.once('exit', (code) => (code === 0 ? resolve({ ms: Date.now() - t0, out }) : reject(new Error(`baseline exited ${code}: ${err}`))));
  });
}

async function coldStartOnce(services: BenchServices, kind: 'postgres' | 'pglite', databaseUrl?: string) {
  const fake = await startFakeBotApi();
  const dataDir = services.tempDir();
  const group = fixtures.group(-100300400500, '冷启动');
  fake.sendText(group, fixtures.user(9_200_001, '居民'), '/help');
  const t0 = Date.now();
  const app = startApp({
    TELEGRAM_BOT_TOKEN: fake.token,
    TELEGRAM_API_ROOT: fake.apiRoot,
    DATABASE_URL: kind === 'postgres' ? databaseUrl : undefined,
    REDIS_URL: services.redisUrl,
    YISHI_DATA_DIR: dataDir,
    YISHI_LOG_LEVEL: 'warn',
  });
  try {
    await Promise.race([
      fake.waitFor(() => fake.callsOf('sendMessage').find((c) => c.ok), 90000, 'the first reply'),
      app.exited.then((r) => { throw new Error(`the app exited (${r.code ?? r.signal}) at start:\n${app.output().slice(-3000)}`); }),
    ]);
    const first = fake.callsOf('sendMessage').find((c) => c.ok)!;
    const coldMs = first.at - t0;
    // Memory with the adapter and the workers running, after the first update: the peak over 3 s.
    let rss = 0;
    for (let i = 0; i < 15; i++) {
      rss = Math.max(rss, app.rssMiB() ?? 0);
      await new Promise((r) => setTimeout(r, 200));
    }
    return { coldMs, rss, dataDir };
  } finally {
    const r = await app.kill('SIGTERM');
    if (r.code !== 0 && r.signal !== 'SIGTERM') process.stdout.write(`  (app stopped with ${r.code ?? r.signal})\n`);
    await fake.close();
  }
}

export async function benchColdStart(services: BenchServices, log: (l: string) => void): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  const nodeRuns: number[] = [];
  for (let i = 0; i < 3; i++) nodeRuns.push((await timeProcess(['-e', '0'])).ms);
  const nodeBare = median(nodeRuns);
  for (const kind of ['pglite', 'postgres'] as const) {
    // First start on an empty database (migrations applied) and a restart on the same data.
    const url = kind === 'postgres' ? await services.freshDatabaseUrl() : undefined;
    const first = await coldStartOnce(services, kind, url);
    const again = kind === 'postgres' ? await coldStartOnce(services, kind, url) : undefined;
    const baseRuns: number[] = [];
    let bareRss = 0;
    for (let i = 0; i < 3; i++) {
      const where = kind === 'postgres' ? url! : path.join(services.tempDir(), 'pglite');
      const r = await timeProcess([...appNodeFlags(), path.join(projectRoot, 'bench/bare-connect.ts'), kind, where]);
      baseRuns.push(r.ms);
      bareRss = Math.max(bareRss, (JSON.parse(r.out.trim().split('\n').pop() ?? '{}') as { rssMiB?: number }).rssMiB ?? 0);
    }
    const base = median(baseRuns);
    const figure = again ? Math.min(first.coldMs, again.coldMs) : first.coldMs;
    log(`  ${kind}: first start ${first.coldMs} ms${again ? `, restart ${again.coldMs} ms` : ''}; bare connect ${base} ms; node -e 0 ${nodeBare} ms; RSS ${round(first.rss, 1)}${again ? ` / ${round(again.rss, 1)}` : ''} MiB`);
    results.push({
      name: `cold-start-${kind}`,
      figure: { label: `spawn → first reply sent (${kind}${kind === 'pglite' ? ', fresh data dir, migrations' : ', migrated database'})`, value: figure, unit: 'ms' },
      baseline: { label: `same runtime (node + tsx), ${kind} connect + select 1 (median of 3)`, value: base, unit: 'ms' },
      ratio: round(base / figure, 3),
      ratioMeans: 'bare connect time ÷ app time to first reply',
      target: 'informative (no target)',
      meetsTarget: true,
      correct: true,
      checks: [`first start on an empty ${kind === 'pglite' ? 'data directory' : 'database'} (migrations applied) took ${first.coldMs} ms`, `node -e 0 alone: ${nodeBare} ms`],
      extra: { firstStartMs: first.coldMs, restartMs: again?.coldMs, nodeBareMs: nodeBare, bareConnectRunsMs: baseRuns },
    });
    const rss = Math.max(first.rss, again?.rss ?? 0);
    results.push({
      name: `rss-${kind}`,
      figure: { label: `app RSS (VmRSS) with Telegram adapter + workers running, ${kind}`, value: round(rss, 1), unit: 'MiB' },
      baseline: { label: `same runtime (node + tsx) holding only a ${kind} connection`, value: round(bareRss, 1), unit: 'MiB' },
      ratio: round(rss / bareRss, 3),
      ratioMeans: 'app RSS ÷ bare-connection RSS',
      target: 'RSS < 200 MiB',
      meetsTarget: rss < 200,
      correct: rss > 0,
      checks: [`${round(rss, 1)} MiB of the 200 MiB budget`],
    });
  }
  return results;
}
