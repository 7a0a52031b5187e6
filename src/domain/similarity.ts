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
 * A text's features as 32-bit hashes, each once: a character bigram (`路灯`), an English word
 * (`w:lamp`), a thing (`t:light`), a complaint (`q:broken`) or a place (`p:eastGate`); the low two
 * bits of a hash say which kind (see KIND). Stored with each item when it is raised
 * (suggestions.similarity, see encodeProfile), so a check at thousands of items reads and counts
 * integers instead of tokenizing texts again.
 */
export type Profile = Int32Array;

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

const KIND_PREFIX: Record<ConceptKind, string> = { thing: 't', problem: 'q', place: 'p' };

/** The features of one text (each once), readable: what profile() hashes. */
export function features(raw: string): string[] {
  const text = foldNumbers(raw.normalize('NFKC').toLowerCase());
  const out = new Set<string>();
  const concept = (c: { id: string; kind: ConceptKind }) => out.add(`${KIND_PREFIX[c.kind]}:${c.id}`);
  // Numbered buildings and entrances are places: 3号楼, 3栋, building 3, block 3; 2单元.
  for (const m of text.matchAll(/(\d{1,3})\s*(?:号楼|栋|幢|号)|\b(?:building|block|bldg)\s*(\d{1,3})\b/g)) concept({ id: `b${m[1] ?? m[2]}`, kind: 'place' });
  for (const m of text.matchAll(/(\d{1,3})\s*单元/g)) concept({ id: `u${m[1]}`, kind: 'place' });

  // Chinese: runs of Han characters give bigrams and lexicon forms (every form found, overlaps too).
  for (const run of text.match(/[\u3400-\u9fff]+/g) ?? []) {
    for (let i = 0; i < run.length; i++) {
      if (i + 1 < run.length) out.add(run.slice(i, i + 2));
      for (const e of zhForms.get(run[i]!) ?? []) if (run.startsWith(e.form, i)) e.concepts.forEach(concept);
    }
    if (run.length === 1) out.add(run);
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
    if (!EN_STOP.has(w) && w.length > 1) out.add(`w:${w.length > 3 ? w.replace(/(?<!s)s$/, '') : w}`);
  }
  return [...out];
}

/** Which kind a feature is, in the low two bits of its hash. */
const KIND = { plain: 0, thing: 1, problem: 2, place: 3 } as const;
const kindOfFeature = (f: string) => (f[1] !== ':' || f[0] === 'w' ? KIND.plain : f[0] === 't' ? KIND.thing : f[0] === 'q' ? KIND.problem : KIND.place);

/** FNV-1a over UTF-16 code units, its low two bits replaced by the kind. */
function hashFeature(f: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < f.length; i++) h = Math.imul(h ^ f.charCodeAt(i), 0x01000193);
  return (h & ~3) | kindOfFeature(f);
}

/** The hashed features of one text. */
export function profile(raw: string): Profile {
  return Int32Array.from(new Set(features(raw).map(hashFeature)));
}

/** The version of the features (below 256): a stored profile of another version is computed again from its text. */
export const PROFILE_VERSION = 1;

/**
 * A profile as stored (bytea), little-endian: a header (the version in the low byte, the number of
 * hashes above it), then the hashes, 4 bytes each. The header makes a run of profiles readable
 * without their lengths (see readProfile).
 */
export function encodeProfile(p: Profile): Uint8Array {
  const out = new Int32Array(p.length + 1);
  out[0] = PROFILE_VERSION | (p.length << 8);
  out.set(p, 1);
  return new Uint8Array(out.buffer);
}

/** The profile stored at `offset` of `view` and where the next byte after it is; undefined profile for another version. */
export function readProfile(view: DataView, offset: number): { profile: Profile | undefined; end: number } {
  const header = view.getInt32(offset, true);
  const count = header >>> 8;
  const end = offset + 4 + 4 * count;
  if ((header & 0xff) !== PROFILE_VERSION || end > view.byteLength) return { profile: undefined, end };
  const out = new Int32Array(count);
  for (let i = 0; i < count; i++) out[i] = view.getInt32(offset + 4 + 4 * i, true);
  return { profile: out, end };
}

/** A stored profile, or undefined when it is missing or of another version. */
export function decodeProfile(stored: Uint8Array | null | undefined): Profile | undefined {
  if (!stored || stored.byteLength < 4) return undefined;
  const { profile, end } = readProfile(new DataView(stored.buffer, stored.byteOffset, stored.byteLength), 0);
  return end === stored.byteLength ? profile : undefined;
}

/** A feature's weight before IDF, from its kind. */
const WEIGHT = [1, CONCEPT_WEIGHT, CONCEPT_WEIGHT, PLACE_WEIGHT];

/** Both name something of this kind and nothing in common. */
function differ(a: Profile, b: Profile, kind: number): boolean {
  let inA = false;
  let inB = false;
  for (const x of b) if ((x & 3) === kind) inB = true;
  if (!inB) return false;
  for (const x of a) {
    if ((x & 3) !== kind) continue;
    inA = true;
    if (b.includes(x)) return false;
  }
  return inA;
}

/** Different things, complaints or places named on both sides: a different matter. */
export function conflicting(a: Profile, b: Profile): boolean {
  // Stricter rules (a complaint or a thing named on one side only also refuses) were measured: more
  // precise on the tuned texts, and they lose most of the recall on held-out ones (see the docs).
  return differ(a, b, KIND.thing) || differ(a, b, KIND.problem) || differ(a, b, KIND.place);
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
  if (!q.length || !items.length) return [];
  // Each distinct hash gets a dense id (an open-addressing table that grows), and each item its
  // features as ids: the scoring pass then reads plain arrays. This is the work of a check at
  // thousands of items, over integers only.
  const ids = new HashIds();
  const df: number[] = [];
  const slots = items.map((i) => {
    const p = i.profile;
    const at = new Int32Array(p.length);
    for (let k = 0; k < p.length; k++) {
      const id = ids.idOf(p[k]!);
      df[id] = (df[id] ?? 0) + 1;
      at[k] = id;
    }
    return at;
  });
  const n = items.length + 1;
  const idf = (count: number) => Math.log(1 + n / (count + 1));
  const weight = new Float64Array(df.length);
  for (let id = 0; id < df.length; id++) weight[id] = WEIGHT[ids.hashes[id]! & 3]! * idf(df[id]!);
  const qWeight = new Float64Array(df.length);
  let qNorm = 0;
  for (const h of q) {
    const id = ids.find(h);
    const v = id >= 0 ? weight[id]! : WEIGHT[h & 3]! * idf(0);
    if (id >= 0) qWeight[id] = v;
    qNorm += v * v;
  }
  qNorm = Math.sqrt(qNorm);
  const out: Similar<K>[] = [];
  for (let i = 0; i < items.length; i++) {
    const at = slots[i]!;
    let dot = 0;
    let norm = 0;
    for (let k = 0; k < at.length; k++) {
      const w = weight[at[k]!]!;
      norm += w * w;
      dot += qWeight[at[k]!]! * w;
    }
    if (dot === 0) continue;
    const score = dot / (qNorm * Math.sqrt(norm));
    if (score >= threshold && !conflicting(q, items[i]!.profile)) out.push({ key: items[i]!.key, score });
  }
  return out.sort((a, b) => b.score - a.score).slice(0, limit);
}

/** Dense ids for 32-bit hashes (open addressing, doubled when half full). */
class HashIds {
  hashes: number[] = [];
  private table = new Int32Array(1 << 14).fill(-1);
  private mask = (1 << 14) - 1;

  private probe(h: number): number {
    let j = Math.imul(h, 0x9e3779b1) >>> 0 & this.mask;
    while (this.table[j] !== -1 && this.hashes[this.table[j]!] !== h) j = (j + 1) & this.mask;
    return j;
  }

  /** The id of `h`, or -1. */
  find(h: number): number {
    return this.table[this.probe(h)]!;
  }

  idOf(h: number): number {
    const j = this.probe(h);
    if (this.table[j] !== -1) return this.table[j]!;
    const id = this.hashes.length;
    this.hashes.push(h);
    this.table[j] = id;
    if (this.hashes.length * 2 > this.table.length) this.grow();
    return id;
  }

  private grow() {
    this.table = new Int32Array(this.table.length * 2).fill(-1);
    this.mask = this.table.length - 1;
    for (let id = 0; id < this.hashes.length; id++) this.table[this.probe(this.hashes[id]!)] = id;
  }
}
