/** The 公示 notice of an owners' vote: the four art. 278 figures, the head counts and the outcome; no ballot per unit. */
import { t, type Lang } from '../i18n/index.js';
import { formatLocal, zonedParts } from '../domain/time.js';
import { clip, oneLine } from '../domain/text.js';
import { buildingsNote, matterName, ownersFigureLines, ownersHeadCounts } from '../owners/render.js';
import type { OwnersVoteStanding } from '../owners/standing.js';
import { noticePdf } from './notice-pdf.js';

/** `extra`: lines printed after the figures (the supervision committee's objections). */
export function ownersNoticePdf(s: OwnersVoteStanding, lang: Lang, tz: string, issuedAt: Date, extra: string[] = []): Promise<Buffer> {
  const c = s.count;
  const day = zonedParts(issuedAt, tz);
  return noticePdf({
    heading: t(lang, 'web.notice.heading'),
    title: t(lang, 'web.notice.titleOwners', { n: s.suggestion.number, text: clip(oneLine(s.suggestion.text), 60) }),
    lines: [
      t(lang, 'web.notice.matter', { matter: c.matter, matterName: matterName(lang, c.matter) }) + buildingsNote(lang, s.vote.buildings),
      t(lang, 'web.notice.period', { from: formatLocal(s.vote.openedAt, tz), to: formatLocal(s.vote.closedAt ?? s.vote.deadline, tz) }),
      // In words: the notice's CJK font has no ✓/✗.
      ...ownersFigureLines(lang, c, (failed) => t(lang, failed ? 'web.notice.notMet' : 'web.notice.met')),
      t(lang, 'web.notice.ownersRule'),
      ...extra,
    ],
    counts: ownersHeadCounts(lang, c),
    outcome: t(lang, 'web.notice.outcome', { outcome: t(lang, c.passed ? 'owners.outcome.passed' : 'owners.outcome.failed') }),
    signature: [s.community.name, t(lang, 'web.notice.date', { y: day.year, m: day.month, d: day.day })],
    sealHint: t(lang, 'web.notice.seal'),
  });
}
