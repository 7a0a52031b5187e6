/**
 * `npx tsx bench/pairs.ts <other tree> <bench> [pairs=6] [result name]`: this machine's yardstick for
 * "not slower than before". Runs `npm run bench -- <bench>` alternately in this tree and in another
 * checkout (e.g. a `git worktree` of the earlier commit), the order swapped every pair, and prints each
 * pair's figures, the pair-by-pair ratio (this / other), its median and how many pairs were higher.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, round, type BenchResult } from './result.js';

const here = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const [otherArg, bench, pairsArg, resultArg] = process.argv.slice(2);
if (!otherArg || !bench) {
  console.error('usage: npx tsx bench/pairs.ts <other tree> <bench> [pairs=6] [result name]');
  process.exit(1);
}
const other = path.resolve(otherArg);
const pairs = Number(pairsArg ?? 6);
const resultName = resultArg ?? (bench === 'storm' ? 'vote-storm' : bench);

function runIn(tree: string): { value: number; baseline: number; correct: boolean } {
  // A named run writes bench/results/partial.tmp, never the committed latest.json.
  const file = path.join(tree, 'bench/results/partial.tmp');
  fs.rmSync(file, { force: true });
  execFileSync('npx', ['tsx', 'bench/run.ts', bench!], { cwd: tree, stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, DATABASE_URL: '', REDIS_URL: '' } });
  const out = JSON.parse(fs.readFileSync(file, 'utf8')) as { results: BenchResult[] };
  const r = out.results.find((x) => x.name === resultName);
  if (!r) throw new Error(`no result "${resultName}" in ${file}`);
  return { value: r.figure.value, baseline: r.baseline.value, correct: r.correct };
}

const ratios: number[] = [];
for (let i = 0; i < pairs; i++) {
  const order = i % 2 === 0 ? [here, other] : [other, here];
  const got = new Map(order.map((t) => [t, runIn(t)]));
  const a = got.get(here)!;
  const b = got.get(other)!;
  const ratio = a.value / b.value;
  ratios.push(ratio);
  console.log(`pair ${i + 1} (${i % 2 === 0 ? 'this first' : 'other first'}): this ${a.value} (baseline ${a.baseline}${a.correct ? '' : ', NOT CORRECT'}) · other ${b.value} (baseline ${b.baseline}${b.correct ? '' : ', NOT CORRECT'}) · ratio ${round(ratio, 3)}`);
}
const higher = ratios.filter((r) => r > 1).length;
console.log(`\n${pairs} pairs: pair-by-pair median ratio ${round(median(ratios), 3)} (this / other), ${higher} higher, ${pairs - higher} lower or equal`);
