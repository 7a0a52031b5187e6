/**
 * Are two short suggestions about the same matter? Pure TypeScript, no model: each text becomes a
 * profile of weighted features — character bigrams (Chinese), words (English), and the concepts of
 * ./similarity-lexicon.ts (a thing, a complaint, a place, typos and homophones folded in) — compared by
 * cosine with IDF weights taken from the items it is compared with. Two texts that name different
 * things, different complaints or different places are different matters (score 0), however many
 * characters they share: "东门路灯坏了" and "东门垃圾桶满了" share a place only.
 *
 * The method, its threshold and the alternatives measured against it: docs/similar-suggestions.md and
 * test/consultation/similar-quality.test.ts (precision and recall on test/fixtures/similar-suggestions.json).
 */
import { LEXICON, type ConceptKind } from './similarity-lexicon.js';

/**
 * A text's features, each a string: a character bigram (`路灯`), an English word (`w:lamp`), a thing
 * (`t:light`), a complaint (`q:broken`) or a place (`p:eastGate`). Stored with each item when it is
 * raised (suggestions.similarity, see encodeProfile), so a check reads them instead of recomputing.
 */
export interface Profile {
  features: string[];
}

/** Weight of a concept relative to one character bigram or word. */
const CONCEPT_WEIGHT = 3;
const PLACE_WEIGHT = 2;
/** Least cosine for an item to be offered; tuned on the labelled set (see the quality test). */
export const SIMILAR_THRESHOLD = 0.35;

interface Entry {
  form: string;
  concepts: { id: string; kind: ConceptKind }[];
}

/** Chinese forms by their first character; English forms (words joined by `_`) by themselves. */
const zhForms = new Map<string, Entry[]>();
const enForms = new Map<string, Entry['concepts']>();
for (const [id, c] of Object.entries(LEXICON)) {
  for (const form of c.zh?.split(/\s+/).filter(Boolean) ?? []) {
    const list = zhForms.get(form[0]!) ?? [];
    const entry = list.find((e) => e.form === form);
    if (entry) entry.concepts.push({ id, kind: c.kind });
    else list.push({ form, concepts: [{ id, kind: c.kind }] });
    zhForms.set(form[0]!, list);
  }
  for (const form of c.en?.split(/\s+/).filter(Boolean) ?? []) enForms.set(form, [...(enForms.get(form) ?? []), { id, kind: c.kind }]);
}

const EN_STOP = new Set(
  'a an the is are was were be been it its it\'s this that there at in on of to for by with from and or but not no again please can we our i my me they them their someone people every everywhere keep keeps has have had get got by way too very so just at night day days any some'.split(' '),
);
const ZH_DIGITS: Record<string, number> = { 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9, 十: 10 };

/** Chinese numerals of a building or entrance number as digits: 三号楼 -> 3号楼, 十二栋 -> 12栋. */
function foldNumbers(text: string): string {
  return text.replace(/([一二两三四五六七八九十]{1,3})(?=号楼|栋|幢|单元|号)/g, (m) => {
    if (m.length === 1) return String(ZH_DIGITS[m]);
    const [a, b, c] = [...m].map((ch) => ZH_DIGITS[ch] ?? 0);
    if (m.length === 2) return String(m[0] === '十' ? 10 + b! : m[1] === '十' ? a! * 10 : a! * 10 + b!);
    return String(a! * 10 + (c ?? 0));
  });
}

/** The features of one text (each once). */
export function profile(raw: string): Profile {
  const text = foldNumbers(raw.normalize('NFKC').toLowerCase());
  const features = new Set<string>();
  const concept = (c: { id: string; kind: ConceptKind }) => features.add(`${KIND_PREFIX[c.kind]}:${c.id}`);
  // Numbered buildings and entrances are places: 3号楼, 3栋, building 3, block 3; 2单元.
  for (const m of text.matchAll(/(\d{1,3})\s*(?:号楼|栋|幢|号)|\b(?:building|block|bldg)\s*(\d{1,3})\b/g)) concept({ id: `b${m[1] ?? m[2]}`, kind: 'place' });
  for (const m of text.matchAll(/(\d{1,3})\s*单元/g)) concept({ id: `u${m[1]}`, kind: 'place' });

  // Chinese: runs of Han characters give bigrams and lexicon forms (every form found, overlaps too).
  for (const run of text.match(/[\u3400-\u9fff]+/g) ?? []) {
    for (let i = 0; i < run.length; i++) {
      if (i + 1 < run.length) features.add(run.slice(i, i + 2));
      for (const e of zhForms.get(run[i]!) ?? []) if (run.startsWith(e.form, i)) e.concepts.forEach(concept);
    }
    if (run.length === 1) features.add(run);
  }
  // English: words (a plural's s dropped) and lexicon forms of one to three words.
  const words = text.replace(/[\u3400-\u9fff]+/g, ' ').match(/[a-z][a-z'-]*/g) ?? [];
  for (let i = 0; i < words.length; i++) {
    for (let n = 3; n >= 1; n--) {
      if (i + n > words.length) continue;
      const hit = enForms.get(words.slice(i, i + n).join('_'));
      if (hit) hit.forEach(concept);
    }
    const w = words[i]!;
    if (!EN_STOP.has(w) && w.length > 1) features.add(`w:${w.length > 3 ? w.replace(/(?<!s)s$/, '') : w}`);
  }
  return { features: [...features] };
}

/** The version of the features: a stored profile of another version is computed again from its text. */
export const PROFILE_VERSION = 'v1';

/** A profile as stored (one text column: the version, then the features, space-separated). */
export const encodeProfile = (p: Profile): string => [PROFILE_VERSION, ...p.features].join(' ');

/** A stored profile, or undefined when it is missing or of another version. */
export function decodeProfile(stored: string | null | undefined): Profile | undefined {
  if (!stored?.startsWith(PROFILE_VERSION + ' ') && stored !== PROFILE_VERSION) return undefined;
  return { features: stored.split(' ').slice(1) };
}

const KIND_PREFIX: Record<ConceptKind, string> = { thing: 't', problem: 'q', place: 'p' };
/** A feature's weight before IDF, from its kind. */
const weightOf = (f: string) => (f[1] !== ':' ? 1 : f[0] === 'p' ? PLACE_WEIGHT : f[0] === 'w' ? 1 : CONCEPT_WEIGHT);

/** Its concepts of one kind (`t`, `q` or `p`). */
const conceptsOf = (p: Profile, kind: string) => p.features.filter((f) => f[0] === kind && f[1] === ':');

/** Both name something of this kind and nothing in common. */
function differ(a: string[], b: string[]): boolean {
  return a.length > 0 && b.length > 0 && !a.some((x) => b.includes(x));
}

/** Different things, complaints or places named on both sides: a different matter. */
export function conflicting(a: Profile, b: Profile): boolean {
  // Stricter rules (a complaint or a thing named on one side only also refuses) were measured: more
  // precise on the tuned texts, and they lose most of the recall on held-out ones (see the docs).
  return ['t', 'q', 'p'].some((kind) => differ(conceptsOf(a, kind), conceptsOf(b, kind)));
}

export interface Similar<K> {
  key: K;
  score: number;
}

/**
 * The items about the same matter as `text`, best first, at most `limit`: cosine of IDF-weighted
 * features over the items given (the community's open items), 0 for a conflicting pair.
 */
export function findSimilar<K>(text: string | Profile, items: readonly { key: K; profile: Profile }[], opts: { limit?: number; threshold?: number } = {}): Similar<K>[] {
  const limit = opts.limit ?? 3;
  const threshold = opts.threshold ?? SIMILAR_THRESHOLD;
  const q = typeof text === 'string' ? profile(text) : text;
  if (!q.features.length || !items.length) return [];
  // Features numbered once (the work of a check at thousands of items is this pass).
  const ids = new Map<string, number>();
  const names: string[] = [];
  const df: number[] = [];
  const docs = items.map((item) => {
    const fs = item.profile.features;
    const out = new Int32Array(fs.length);
    for (let j = 0; j < fs.length; j++) {
      const f = fs[j]!;
      let id = ids.get(f);
      if (id === undefined) {
        id = names.length;
        ids.set(f, id);
        names.push(f);
        df.push(0);
      }
      df[id]!++;
      out[j] = id;
    }
    return out;
  });
  const n = items.length + 1;
  const weight = new Float64Array(names.length);
  for (let id = 0; id < names.length; id++) weight[id] = weightOf(names[id]!) * Math.log(1 + n / (df[id]! + 1));
  const qWeight = new Float64Array(names.length);
  let qNorm = 0;
  for (const f of q.features) {
    const id = ids.get(f);
    const v = weightOf(f) * (id === undefined ? Math.log(1 + n) : weight[id]! / weightOf(f));
    if (id !== undefined) qWeight[id] = v;
    qNorm += v * v;
  }
  qNorm = Math.sqrt(qNorm);
  const out: Similar<K>[] = [];
  for (let i = 0; i < docs.length; i++) {
    const doc = docs[i]!;
    let dot = 0;
    let norm = 0;
    for (let j = 0; j < doc.length; j++) {
      const w = weight[doc[j]!]!;
      norm += w * w;
      dot += qWeight[doc[j]!]! * w;
    }
    if (dot === 0) continue;
    const score = dot / (qNorm * Math.sqrt(norm));
    if (score >= threshold && !conflicting(q, items[i]!.profile)) out.push({ key: items[i]!.key, score });
  }
  return out.sort((a, b) => b.score - a.score).slice(0, limit);
}
