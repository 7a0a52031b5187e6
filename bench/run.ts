/**
 * `npm run bench [-- name …]`: starts its own Postgres and redis-server (unless DATABASE_URL / REDIS_URL
 * are set), runs each benchmark with a baseline measured in the same run, prints figure, baseline and
 * ratio, and writes bench/results/latest.json. Names: storm, storm3 (the storm through three webhook instances), tally, outbound, cold, similar.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startBenchServices } from './services.js';
import type { BenchResult } from './result.js';
import { benchTally } from './tally.js';
import { benchVoteStorm } from './vote-storm.js';
import { benchVoteStormInstances } from './vote-storm-instances.js';
import { benchOutbound } from './outbound.js';
import { benchColdStart } from './cold-start.js';
import { benchSimilar } from './similar.js';

const benches: Record<string, (s: Awaited<ReturnType<typeof startBenchServices>>, log: (l: string) => void) => Promise<BenchResult | BenchResult[]>> = {
  storm: benchVoteStorm,
  storm3: benchVoteStormInstances,
  tally: benchTally,
  outbound: benchOutbound,
  cold: benchColdStart,
  similar: benchSimilar,
};

const log = (line: string) => process.stdout.write(line + '\n');

async function main() {
  if (process.argv.includes('--table')) {
    // Reprints the README table of the committed run without measuring anything.
    const file = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results', 'latest.json');
    const saved = JSON.parse(fs.readFileSync(file, 'utf8')) as { date: string; machine: { cores: number; cpu?: string }; results: BenchResult[] };
    log(`Measured ${saved.date.slice(0, 10)} on ${saved.machine.cores} cores (${saved.machine.cpu ?? 'unknown CPU'}).\n`);
    log(table(saved.results));
    return;
  }
  const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  for (const w of wanted) if (!benches[w]) throw new Error(`unknown bench "${w}"; known: ${Object.keys(benches).join(', ')}`);
  const names = wanted.length ? wanted : Object.keys(benches);
  const started = Date.now();
  log(`yishi bench — ${new Date().toISOString()} — ${os.cpus().length} cores, load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  const services = await startBenchServices();
  const results: BenchResult[] = [];
  const failures: { name: string; error: string }[] = [];
  let stopping = false;
  const onSignal = async () => {
    if (stopping) return;
    stopping = true;
    await services.stop();
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    for (const name of names) {
      log(`\n▶ ${name}`);
      const t0 = Date.now();
      try {
        const r = await benches[name]!(services, log);
        for (const one of Array.isArray(r) ? r : [r]) {
          results.push(one);
          printResult(one);
        }
      } catch (err) {
        const msg = err instanceof Error ? err.stack ?? err.message : String(err);
        failures.push({ name, error: msg.split('\n').slice(0, 4).join(' | ') });
        log(`  ✗ ${name} failed: ${msg}`);
      }
      log(`  (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    }
  } finally {
    await services.stop();
  }
  log('\n' + table(results));
  const out = {
    date: new Date().toISOString(),
    machine: { cores: os.cpus().length, cpu: os.cpus()[0]?.model, memGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version, loadAtEnd: os.loadavg() },
    durationSeconds: Math.round((Date.now() - started) / 1000),
    results,
    failures,
  };
  const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results');
  fs.mkdirSync(dir, { recursive: true });
  // Only a full run replaces latest.json, so a partial run never overwrites the published figures.
  const file = path.join(dir, wanted.length ? 'partial.tmp' : 'latest.json');
  fs.writeFileSync(file, JSON.stringify(out, null, 2) + '\n');
  log(`\nwrote ${path.relative(process.cwd(), file)}`);
  process.exitCode = failures.length || results.some((r) => !r.correct) ? 1 : 0;
}

function printResult(r: BenchResult) {
  log(`  ${r.meetsTarget ? '✓' : '✗'} ${r.name}: ${r.figure.label} = ${r.figure.value} ${r.figure.unit}`);
  log(`    baseline: ${r.baseline.label} = ${r.baseline.value} ${r.baseline.unit}`);
  log(`    ratio ${r.ratio} (${r.ratioMeans}); target ${r.target}; ${r.correct ? 'correct' : 'INCORRECT'}`);
  for (const c of r.checks) log(`    · ${c}`);
}

/** The Markdown table the README carries. */
export function table(results: BenchResult[]): string {
  const rows = [
    '| benchmark | figure | baseline (same run) | ratio | target | met | exact |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...results.map((r) =>
      `| ${r.name} | ${r.figure.label}: **${r.figure.value} ${r.figure.unit}** | ${r.baseline.label}: ${r.baseline.value} ${r.baseline.unit} | ${r.ratio} | ${r.target} | ${r.meetsTarget ? 'yes' : 'no'} | ${r.correct ? 'yes' : 'NO'} |`),
  ];
  return rows.join('\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err) => {
    process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
