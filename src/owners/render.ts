/** The owners' vote messages: the ballot (buttons `o:<voteId>:<k>`) and the result with its four figures. */
import type { Button, Reply } from '../domain/messages.js';
import { formatArea, isQualifiedMatter, MATTERS, type Matter, type OwnersCount, type Ratio, type Threshold } from '../domain/owners.js';
import { clip, oneLine } from '../domain/text.js';
import { t, type Lang, type MessageKey } from '../i18n/index.js';
import { formatLocal } from '../domain/time.js';

/** Button data of an owner's ballot: `o:<voteId>:<k>` with k 1 同意, 2 反对, 3 弃权 (far below 64 bytes). */
export const ownerButtonData = (voteId: number, k: number) => `o:${voteId}:${k}`;
export const OWNER_BUTTON_PREFIX = 'o';

export const matterName = (lang: Lang, m: Matter) => t(lang, `owners.matter.${m}` as MessageKey);
export const choiceName = (lang: Lang, k: number) => t(lang, `owners.choice.${k}` as MessageKey);

/** The nine items, one a line, for a refusal. */
export const matterList = (lang: Lang) => MATTERS.map((k) => t(lang, 'owners.matterLine', { k, name: matterName(lang, k) })).join('\n');

export function ownersBallot(
  lang: Lang,
  tz: string,
  v: { id: number; matter: Matter; deadline: Date },
  s: { number: number; text: string },
  totals: { owners: number; area: number },
): Reply {
  const text = t(lang, 'owners.ballot', {
    n: s.number,
    text: clip(oneLine(s.text), 80),
    matter: v.matter,
    matterName: matterName(lang, v.matter),
    rule: t(lang, isQualifiedMatter(v.matter) ? 'owners.rule.qualified' : 'owners.rule.simple'),
    owners: totals.owners,
    area: formatArea(totals.area),
    when: formatLocal(v.deadline, tz),
  });
  const buttons: Button[][] = [[1, 2, 3].map((k) => ({ label: choiceName(lang, k), data: ownerButtonData(v.id, k) }))];
  return { text, buttons };
}

/** The four figures in the order the result states them. */
export const OWNERS_FIGURES: readonly Threshold[] = ['participation.area', 'participation.heads', 'approval.area', 'approval.heads'];

/** One figure for people: areas in m² with two decimals (exact), heads as whole numbers. */
export function ownersFigure(c: OwnersCount, th: Threshold): { num: string; den: string } {
  const r: Ratio = { 'participation.area': c.participationArea, 'participation.heads': c.participationHeads, 'approval.area': c.approvalArea, 'approval.heads': c.approvalHeads }[th];
  return th.endsWith('.area') ? { num: formatArea(r.num), den: formatArea(r.den) } : { num: String(r.num), den: String(r.den) };
}

/**
 * The four figures, each as numerator/denominator with its rule and ✓/✗ (or `mark`'s words, where a
 * font lacks those signs), then which thresholds failed (if any).
 */
export function ownersFigureLines(lang: Lang, c: OwnersCount, mark: (failed: boolean) => string = (failed) => (failed ? '✗' : '✓')): string[] {
  const rule = t(lang, isQualifiedMatter(c.matter) ? 'owners.rule.threeQuarters' : 'owners.rule.half');
  const lines = OWNERS_FIGURES.map((th) => {
    const { num, den } = ownersFigure(c, th);
    return t(lang, `owners.line.${th}` as MessageKey, {
      num,
      den,
      rule,
      mark: mark(c.failed.includes(th)),
    });
  });
  if (c.failed.length) lines.push(t(lang, 'owners.failed', { what: c.failed.map((th) => t(lang, `owners.name.${th}` as MessageKey)).join(lang === 'en' ? ', ' : '、') }));
  return lines;
}

/** The owners' ballots by head: 同意 n · 反对 n · 弃权 n. */
export const ownersHeadCounts = (lang: Lang, c: OwnersCount) => [1, 2, 3].map((k, i) => ({ label: choiceName(lang, k), count: [c.heads.agree, c.heads.against, c.heads.abstain][i]! }));

/** The result: 通过 / 未通过, each of the four figures as numerator/denominator, which thresholds failed. */
export function ownersResultText(lang: Lang, n: number, c: OwnersCount, buildings?: readonly string[] | null): string {
  const lines = ownersFigureLines(lang, c);
  const counts = ownersHeadCounts(lang, c).map((h) => `${h.label} ${h.count}`).join(' · ');
  return t(lang, 'owners.result', {
    n,
    outcome: t(lang, c.passed ? 'owners.outcome.passed' : 'owners.outcome.failed'),
    matter: c.matter,
    matterName: matterName(lang, c.matter),
    lines: lines.join('\n'),
    counts,
  }) + buildingsNote(lang, buildings);
}

/** `（表决范围：1栋、2栋）` for a building-scoped vote, nothing for the whole community. */
export const buildingsNote = (lang: Lang, buildings?: readonly string[] | null) => (buildings?.length ? t(lang, 'owners.buildings', { buildings: buildings.join('、') }) : '');
