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

const LINES: Threshold[] = ['participation.area', 'participation.heads', 'approval.area', 'approval.heads'];

/** The result: 通过 / 未通过, each of the four figures as numerator/denominator, which thresholds failed. */
export function ownersResultText(lang: Lang, n: number, c: OwnersCount): string {
  const ratio = (th: Threshold): Ratio =>
    ({ 'participation.area': c.participationArea, 'participation.heads': c.participationHeads, 'approval.area': c.approvalArea, 'approval.heads': c.approvalHeads })[th];
  const rule = t(lang, isQualifiedMatter(c.matter) ? 'owners.rule.threeQuarters' : 'owners.rule.half');
  const lines = LINES.map((th) => {
    const r = ratio(th);
    const isArea = th.endsWith('.area');
    return t(lang, `owners.line.${th}` as MessageKey, {
      num: isArea ? formatArea(r.num) : r.num,
      den: isArea ? formatArea(r.den) : r.den,
      rule,
      mark: c.failed.includes(th) ? '✗' : '✓',
    });
  });
  if (c.failed.length) lines.push(t(lang, 'owners.failed', { what: c.failed.map((th) => t(lang, `owners.name.${th}` as MessageKey)).join(lang === 'en' ? ', ' : '、') }));
  const counts = [1, 2, 3].map((k, i) => `${choiceName(lang, k)} ${[c.heads.agree, c.heads.against, c.heads.abstain][i]}`).join(' · ');
  return t(lang, 'owners.result', {
    n,
    outcome: t(lang, c.passed ? 'owners.outcome.passed' : 'owners.outcome.failed'),
    matter: c.matter,
    matterName: matterName(lang, c.matter),
    lines: lines.join('\n'),
    counts,
  });
}
