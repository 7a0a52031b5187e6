/** A poll's result as the pictures and the notice show it: frozen at close, or live while open. */
import { count, desc, eq } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.js';
import { communities, polls, roles, suggestions } from '../db/schema.js';
import { percent, satisfactionRate } from '../domain/outcome.js';
import { t, type Lang } from '../i18n/index.js';
import type { PollResult } from '../consultation/close.js';
import { choicesOf, countsOf, formatCounts, type Poll } from '../consultation/poll.js';
import type { Community, Suggestion } from '../kernel/context.js';
import { formatLocal, zonedParts } from '../domain/time.js';
import { barChartSvg, svgToPng } from './charts.js';
import { noticePdf } from './notice-pdf.js';
import { clip, oneLine } from '../domain/text.js';

export interface PollStanding {
  poll: Poll;
  suggestion: Suggestion;
  community: Community;
  labels: string[];
  counts: number[];
  total: number;
  members: number;
}

export async function pollStanding(db: Db | Tx, pollId: number): Promise<PollStanding | undefined> {
  const [row] = await db
    .select({ poll: polls, suggestion: suggestions, community: communities })
    .from(polls)
    .innerJoin(suggestions, eq(suggestions.id, polls.suggestionId))
    .innerJoin(communities, eq(communities.id, suggestions.communityId))
    .where(eq(polls.id, pollId));
  if (!row) return undefined;
  const frozen = row.poll.result as PollResult | null;
  if (row.poll.status === 'closed' && frozen?.labels) {
    return { ...row, labels: frozen.labels, counts: frozen.counts, total: frozen.total, members: frozen.members };
  }
  const labels = await choicesOf(db, pollId);
  const counts = await countsOf(db, row.poll, labels.length);
  const [m] = await db.select({ n: count() }).from(roles).where(eq(roles.communityId, row.community.id));
  return { ...row, labels, counts, total: counts.reduce((a, b) => a + b, 0), members: Number(m?.n ?? 0) };
}

/** The latest closed poll of a suggestion (the one a notice is about). */
export async function latestClosedPoll(db: Db | Tx, suggestionId: number): Promise<Poll | undefined> {
  const rows = await db.select().from(polls).where(eq(polls.suggestionId, suggestionId)).orderBy(desc(polls.closedAt), desc(polls.id));
  return rows.find((p) => p.status === 'closed');
}

const turnoutOf = (s: PollStanding) => percent(s.members ? s.total / s.members : undefined);

export function pollChartSvg(s: PollStanding, lang: Lang, size?: { width: number; height: number }): string {
  const n = s.suggestion.number;
  return barChartSvg(
    t(lang, s.poll.kind === 'vote' ? 'web.chart.vote' : 'web.chart.rating', { n }),
    s.labels.map((label, i) => ({ label, value: s.counts[i] ?? 0 })),
    size,
    t(lang, 'web.chart.sub', { total: s.total, members: s.members, turnout: turnoutOf(s) }),
  );
}

/** The result picture sent with the result message: 640x360 PNG. */
export function pollChartPng(s: PollStanding, lang: Lang): { png: Buffer; alt: string } {
  return { png: svgToPng(pollChartSvg(s, lang)), alt: t(lang, 'web.chart.alt', { n: s.suggestion.number, counts: formatCounts(s.labels, s.counts) }) };
}

function outcomeText(s: PollStanding, lang: Lang): string {
  const o = s.poll.outcome;
  if (!o) return '—';
  if (o === 'approved' || o === 'rejected') {
    const frozen = s.poll.result as PollResult | null;
    if (frozen?.winner !== undefined && frozen.winner !== null) return `${t(lang, 'outcome.winner', { choice: s.labels[frozen.winner] ?? '' })}（${t(lang, 'outcome.approved')}）`;
    return t(lang, `outcome.${o}`);
  }
  return t(lang, o === 'evaluated' ? 'outcome.evaluated' : 'outcome.reopened', { n: s.suggestion.number });
}

/** The 公示 notice of a closed poll as a one-page PDF. */
/** `extra`: lines printed after the figures (the supervision committee's objections). */
export function pollNoticePdf(s: PollStanding, lang: Lang, tz: string, issuedAt: Date, extra: string[] = []): Promise<Buffer> {
  const n = s.suggestion.number;
  const text = clip(oneLine(s.suggestion.text), 60);
  const day = zonedParts(issuedAt, tz);
  const lines = [
    t(lang, 'web.notice.period', { from: formatLocal(s.poll.openedAt, tz), to: formatLocal(s.poll.closedAt ?? s.poll.deadline, tz) }),
    t(lang, 'web.notice.turnout', { total: s.total, members: s.members, turnout: turnoutOf(s) }),
  ];
  if (s.poll.kind === 'rating')
    lines.push(t(lang, 'web.notice.satisfaction', { rate: percent(satisfactionRate(s.counts)), threshold: percent(s.community.satisfactionThreshold) }));
  return noticePdf({
    heading: t(lang, 'web.notice.heading'),
    title: t(lang, s.poll.kind === 'vote' ? 'web.notice.titleVote' : 'web.notice.titleRating', { n, text }),
    lines: [...lines, ...extra],
    counts: s.labels.map((label, i) => ({ label, count: s.counts[i] ?? 0 })),
    outcome: t(lang, 'web.notice.outcome', { outcome: outcomeText(s, lang) }),
    signature: [s.community.name, t(lang, 'web.notice.date', { y: day.year, m: day.month, d: day.day })],
    sealHint: t(lang, 'web.notice.seal'),
  });
}
