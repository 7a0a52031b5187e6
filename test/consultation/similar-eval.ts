/**
 * The evaluation of a similarity method on test/fixtures/similar-suggestions.json, and the plain
 * alternatives it was measured against.
 *
 * The texts arrive one by one in a fixed shuffled order (seed 32), each language in its own community.
 * For each text, the method is asked for its top 3 among the texts that arrived before it (the open
 * items), and they are compared with its gold: the earlier texts of its cluster.
 * - precision = offered texts that are in the gold / all offered texts (over the whole set);
 * - recall = gold texts offered / Σ min(3, |gold|) (a text with five earlier paraphrases can get at most 3);
 * - hit rate = texts with a non-empty gold for which at least one gold text was offered / such texts.
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface Labelled {
  id: number;
  cluster: string;
  lang: 'zh' | 'en';
  text: string;
  /** Written after the lexicon was tuned on the rest (see the fixture's `about`). */
  heldout: boolean;
}

/** A method: the keys of up to three items about the same matter as `text`, best first. */
export type Method = (text: string, earlier: readonly { key: number; text: string }[]) => number[];

export interface Scores {
  offered: number;
  correct: number;
  goldSlots: number;
  precision: number;
  recall: number;
  hitRate: number;
  /** Wrongly offered pairs and missed items, for reading. */
  wrong: string[];
  missed: string[];
}

function mulberry32(seed: number) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The labelled texts in their arrival order. */
export function loadLabelled(): Labelled[] {
  const file = fileURLToPath(new URL('../fixtures/similar-suggestions.json', import.meta.url));
  const data = JSON.parse(fs.readFileSync(file, 'utf8')) as { clusters: { id: string; lang: 'zh' | 'en'; heldout?: boolean; texts: string[] }[] };
  const all = data.clusters.flatMap((c) => c.texts.map((text) => ({ cluster: c.id, lang: c.lang, text, heldout: c.heldout ?? false })));
  const rand = mulberry32(32);
  for (let i = all.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [all[i], all[j]] = [all[j]!, all[i]!];
  }
  return all.map((x, id) => ({ id, ...x }));
}

/** Scores `method` on every text, or only on the texts `scored` picks (all texts are still the earlier items). */
export function evaluate(method: Method, items: readonly Labelled[], scored: (item: Labelled) => boolean = () => true): Scores {
  let offered = 0;
  let correct = 0;
  let goldSlots = 0;
  let withGold = 0;
  let hits = 0;
  const wrong: string[] = [];
  const missed: string[] = [];
  for (const lang of ['zh', 'en'] as const) {
    const stream = items.filter((i) => i.lang === lang);
    stream.forEach((item, at) => {
      if (!scored(item)) return;
      const earlier = stream.slice(0, at);
      const gold = new Set(earlier.filter((e) => e.cluster === item.cluster).map((e) => e.id));
      const got = method(item.text, earlier.map((e) => ({ key: e.id, text: e.text }))).slice(0, 3);
      offered += got.length;
      const good = got.filter((k) => gold.has(k)).length;
      correct += good;
      for (const k of got) if (!gold.has(k)) wrong.push(`${item.text} -> ${items[k]!.text}`);
      if (gold.size) {
        withGold++;
        goldSlots += Math.min(3, gold.size);
        if (good) hits++;
        else missed.push(`${item.text} (gold: ${[...gold].map((k) => items[k]!.text).join(' / ')})`);
      }
    });
  }
  return { offered, correct, goldSlots, precision: offered ? correct / offered : 1, recall: goldSlots ? correct / goldSlots : 1, hitRate: withGold ? hits / withGold : 1, wrong, missed };
}

// ---- Alternatives measured against the chosen method (not used by the app) ----

type Tokenize = (text: string) => string[];

const clean = (t: string) => t.normalize('NFKC').toLowerCase().replace(/[\s\p{P}\p{S}]+/gu, ' ').trim();

/** Character bigrams of the Han runs, and English words. */
export const charBigrams: Tokenize = (t) => {
  const out: string[] = [];
  for (const run of clean(t).match(/[\u3400-\u9fff]+/g) ?? []) for (let i = 0; i + 1 < run.length; i++) out.push(run.slice(i, i + 2));
  out.push(...(clean(t).match(/[a-z][a-z'-]+/g) ?? []));
  return out;
};

/** Character unigrams and bigrams together. */
export const charUniBigrams: Tokenize = (t) => [...charBigrams(t), ...[...clean(t).replace(/[^\u3400-\u9fff]/g, '')]];

const segmenter = new Intl.Segmenter('zh', { granularity: 'word' });
/** Words by Intl.Segmenter (ICU's dictionary), English words too. */
export const segmenterWords: Tokenize = (t) => [...segmenter.segment(clean(t))].filter((s) => s.isWordLike).map((s) => s.segment);

/** TF-IDF cosine over the earlier items with a given tokenizer: the alternative methods. */
export function tfidfMethod(tokenize: Tokenize, threshold: number): Method {
  return (text, earlier) => {
    const docs = earlier.map((e) => new Set(tokenize(e.text)));
    const q = new Set(tokenize(text));
    const df = new Map<string, number>();
    for (const d of docs) for (const f of d) df.set(f, (df.get(f) ?? 0) + 1);
    const idf = (f: string) => Math.log(1 + (earlier.length + 1) / ((df.get(f) ?? 0) + 1));
    const norm = (d: Set<string>) => Math.sqrt([...d].reduce((s, f) => s + idf(f) ** 2, 0));
    const qn = norm(q);
    return docs
      .map((d, i) => {
        let dot = 0;
        for (const f of d) if (q.has(f)) dot += idf(f) ** 2;
        return { key: earlier[i]!.key, score: dot ? dot / (qn * norm(d)) : 0 };
      })
      .filter((x) => x.score >= threshold)
      .sort((a, b) => b.score - a.score)
      .slice(0, 3)
      .map((x) => x.key);
  };
}

/** The best threshold for an alternative (highest F1), so it is compared at its best. */
export function bestThreshold(make: (threshold: number) => Method, items: readonly Labelled[]): { threshold: number; scores: Scores } {
  let best: { threshold: number; scores: Scores; f1: number } | undefined;
  for (let th = 0.1; th <= 0.7; th += 0.1) {
    const scores = evaluate(make(th), items);
    const f1 = (2 * scores.precision * scores.recall) / (scores.precision + scores.recall || 1);
    if (!best || f1 > best.f1) best = { threshold: Math.round(th * 100) / 100, scores, f1 };
  }
  return best!;
}
