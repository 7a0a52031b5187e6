/**
 * How well similar suggestions are found, on the labelled set test/fixtures/similar-suggestions.json
 * (the evaluation is defined in ./similar-eval.ts). Prints precision and recall of the chosen method,
 * on the held-out clusters alone, and of the plain alternatives at their best thresholds.
 */
import { describe, expect, it } from 'vitest';
import { decodeProfile, encodeProfile, findSimilar, profile } from '../../src/domain/similarity.js';
import { bestThreshold, charBigrams, charUniBigrams, evaluate, loadLabelled, segmenterWords, tfidfMethod, type Method, type Scores } from './similar-eval.js';

const items = loadLabelled();
const chosen: Method = (text, earlier) => findSimilar(text, earlier.map((e) => ({ key: e.key, profile: profile(e.text) }))).map((x) => x.key);
const line = (name: string, s: Scores) =>
  `${name.padEnd(34)} precision ${s.precision.toFixed(3)}  recall ${s.recall.toFixed(3)}  hit rate ${s.hitRate.toFixed(3)}  (offered ${s.offered}, right ${s.correct}, gold slots ${s.goldSlots})`;

describe('similar suggestions on the labelled set', () => {
  it('has at least 150 realistic suggestions in clusters, with distractors', () => {
    expect(items.length).toBeGreaterThanOrEqual(150);
    const sizes = new Map<string, number>();
    for (const i of items) sizes.set(i.cluster, (sizes.get(i.cluster) ?? 0) + 1);
    expect([...sizes.values()].filter((n) => n === 1).length).toBeGreaterThanOrEqual(15);
    expect([...sizes.values()].filter((n) => n >= 3).length).toBeGreaterThanOrEqual(30);
  });

  it('finds them with precision ≥ 0.85 and recall ≥ 0.8', () => {
    const all = evaluate(chosen, items);
    const heldout = evaluate(chosen, items, (i) => i.heldout);
    const zh = evaluate(chosen, items, (i) => i.lang === 'zh');
    const en = evaluate(chosen, items, (i) => i.lang === 'en');
    const report = [
      `similar suggestions, ${items.length} texts (top 3 among the earlier open items vs the gold cluster):`,
      line('chosen: lexicon + bigrams, IDF', all),
      line('  Chinese texts', zh),
      line('  English texts', en),
      line('  held-out clusters only', heldout),
    ];
    for (const [name, tokenize] of [['char bigrams TF-IDF', charBigrams], ['char 1+2-grams TF-IDF', charUniBigrams], ['Intl.Segmenter words TF-IDF', segmenterWords]] as const) {
      const best = bestThreshold((th) => tfidfMethod(tokenize, th), items);
      report.push(line(`${name} @${best.threshold}`, best.scores));
    }
    console.log(report.join('\n'));
    expect(all.precision).toBeGreaterThanOrEqual(0.85);
    expect(all.recall).toBeGreaterThanOrEqual(0.8);
  }, 120_000);

  it('tells the same thing at another place, or another complaint at the same place, apart', () => {
    const open = ['东门路灯坏了', '东门垃圾桶满了', '北门路灯坏了', '3号楼电梯坏了'].map((text, i) => ({ key: i + 1, profile: profile(text) }));
    expect(findSimilar('东大门那边灯不亮好几天了', open).map((x) => x.key)).toEqual([1]);
    expect(findSimilar('三栋电梯老是出故障', open).map((x) => x.key)).toEqual([4]);
    expect(findSimilar('东门拉圾桶没人清', open).map((x) => x.key)).toEqual([2]);
    expect(findSimilar('希望小区装快递柜', open)).toEqual([]);
  });

  it('stores a profile with its version and computes an old one again', () => {
    const p = profile('东门路灯坏了');
    expect(decodeProfile(encodeProfile(p))).toEqual(p);
    expect(decodeProfile(new Uint8Array([0, 0, 0, 0, 1, 2, 3, 4]))).toBeUndefined();
    expect(decodeProfile(new Uint8Array([1, 0, 0]))).toBeUndefined();
    expect(decodeProfile(null)).toBeUndefined();
  });
});
