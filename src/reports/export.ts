/** `yishi export <slug>`: every suggestion of a community with its stage, counts and results. */
import { asc, count, desc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { ballots, comments, persons, pollChoices, polls, progressUpdates, ratings, suggestions } from '../db/schema.js';
import type { Community } from '../kernel/context.js';
import type { FigureRow } from '../whistle/figures.js';
import type { Stage } from '../db/schema.js';
import { t, type Lang } from '../i18n/index.js';
import { formatLocal } from '../domain/time.js';
import { RATING_CHOICES, satisfactionRate } from '../domain/outcome.js';

export interface ExportedSuggestion {
  number: number;
  stage: string;
  text: string;
  author: string;
  createdAt: string;
  supports: number;
  supportThreshold: number;
  comments: number;
  progress: number | null;
  vote: { status: string; deadline: string; choices: { label: string; count: number }[]; outcome: string | null } | null;
  rating: {
    status: string;
    deadline: string;
    choices: { label: string; count: number }[];
    /** (满意 + 基本满意) / all ratings, or null when nobody rated. */
    satisfiedShare: number | null;
  } | null;
}

export async function exportSuggestions(db: Db, community: Community): Promise<ExportedSuggestion[]> {
  const rows = await db
    .select({
      id: suggestions.id,
      number: suggestions.number,
      stage: suggestions.stage,
      text: suggestions.text,
      author: persons.displayName,
      createdAt: suggestions.createdAt,
      supports: suggestions.supportCount,
    })
    .from(suggestions)
    .innerJoin(persons, eq(persons.id, suggestions.authorId))
    .where(eq(suggestions.communityId, community.id))
    .orderBy(asc(suggestions.number));
  if (!rows.length) return [];
  const ids = rows.map((r) => r.id);

  const commentCounts = new Map(
    (await db.select({ id: comments.suggestionId, n: count() }).from(comments).where(inArray(comments.suggestionId, ids)).groupBy(comments.suggestionId)).map(
      (r) => [r.id, Number(r.n)],
    ),
  );
  const progress = new Map<number, number>();
  for (const p of await db
    .select({ id: progressUpdates.suggestionId, percent: progressUpdates.percent })
    .from(progressUpdates)
    .where(inArray(progressUpdates.suggestionId, ids))
    .orderBy(asc(progressUpdates.createdAt), asc(progressUpdates.id))) {
    progress.set(p.id, p.percent);
  }

  // The latest poll of each kind is the one that decides the suggestion's current standing.
  const allPolls = await db.select().from(polls).where(inArray(polls.suggestionId, ids)).orderBy(desc(polls.openedAt), desc(polls.id));
  const latest = new Map<string, (typeof allPolls)[number]>();
  for (const p of allPolls) if (!latest.has(`${p.suggestionId}:${p.kind}`)) latest.set(`${p.suggestionId}:${p.kind}`, p);
  const pollIds = [...latest.values()].map((p) => p.id);
  const choices = pollIds.length
    ? await db.select().from(pollChoices).where(inArray(pollChoices.pollId, pollIds)).orderBy(asc(pollChoices.pollId), asc(pollChoices.position))
    : [];
  const ballotCounts = pollIds.length
    ? await db
        .select({ pollId: ballots.pollId, choice: ballots.choice, n: count() })
        .from(ballots)
        .where(inArray(ballots.pollId, pollIds))
        .groupBy(ballots.pollId, ballots.choice)
    : [];
  const ratingCounts = pollIds.length
    ? await db
        .select({ pollId: ratings.pollId, level: ratings.level, n: count() })
        .from(ratings)
        .where(inArray(ratings.pollId, pollIds))
        .groupBy(ratings.pollId, ratings.level)
    : [];

  return rows.map((r) => {
    const vote = latest.get(`${r.id}:vote`);
    const rating = latest.get(`${r.id}:rating`);
    let ratingOut: ExportedSuggestion['rating'] = null;
    if (rating) {
      const counts = RATING_CHOICES.map((label, i) => ({
        label,
        count: Number(ratingCounts.find((c) => c.pollId === rating.id && c.level === i + 1)?.n ?? 0),
      }));
      const rate = satisfactionRate(counts.map((c) => c.count));
      ratingOut = {
        status: rating.status,
        deadline: rating.deadline.toISOString(),
        choices: counts,
        satisfiedShare: rate === undefined ? null : Math.round(rate * 1000) / 1000,
      };
    }
    return {
      number: r.number,
      stage: r.stage,
      text: r.text,
      author: r.author,
      createdAt: r.createdAt.toISOString(),
      supports: r.supports,
      supportThreshold: community.supportThreshold,
      comments: commentCounts.get(r.id) ?? 0,
      progress: progress.get(r.id) ?? null,
      vote: vote
        ? {
            status: vote.status,
            deadline: vote.deadline.toISOString(),
            choices: choices
              .filter((c) => c.pollId === vote.id)
              .map((c) => ({
                label: c.label,
                count: Number(ballotCounts.find((b) => b.pollId === vote.id && b.choice === c.position)?.n ?? 0),
              })),
            outcome: vote.outcome,
          }
        : null,
      rating: ratingOut,
    };
  });
}

/** A CSV cell: quoted when needed, and never read as a formula by a spreadsheet. */
export function cell(v: unknown): string {
  let s = v === null || v === undefined ? '' : String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const counts = (cs: { label: string; count: number }[]) => cs.map((c) => `${c.label} ${c.count}`).join(' · ');

/** The columns a person reads (CSV and the items sheet of the xlsx), with headers in their language. */
export const ITEM_COLUMNS = ['number', 'stage', 'text', 'author', 'createdAt', 'supports', 'supportThreshold', 'comments', 'progress',
  'voteStatus', 'voteResult', 'voteOutcome', 'ratingStatus', 'ratingResult', 'satisfied'] as const;

/** One row of the items table for people: stage and status names in `lang`, times local in `tz`. */
export function itemRow(r: ExportedSuggestion, lang: Lang, tz: string): (string | number | null)[] {
  const status = (v: string | undefined) => (v === 'open' || v === 'closed' ? t(lang, `web.status.${v}`) : '');
  const outcome = (v: string | null | undefined) => (v === 'approved' || v === 'rejected' ? t(lang, `stage.${v}`) : v ?? '');
  return [r.number, t(lang, `stage.${r.stage as Stage}`), r.text, r.author, formatLocal(new Date(r.createdAt), tz), r.supports, r.supportThreshold, r.comments, r.progress,
    status(r.vote?.status), r.vote ? counts(r.vote.choices) : '', outcome(r.vote?.outcome), status(r.rating?.status), r.rating ? counts(r.rating.choices) : '',
    r.rating?.satisfiedShare ?? null];
}

export const itemHeaders = (lang: Lang) => ITEM_COLUMNS.map((c) => t(lang, `web.col.${c}`));

/**
 * CSV for people: a BOM (Excel and WPS on Windows read UTF-8 without one as the local code page),
 * headers in `lang` (Chinese by default), local times in `tz`, CRLF line ends.
 */
export function toCsv(rows: ExportedSuggestion[], opts: { lang?: Lang; tz?: string } = {}): string {
  const lang = opts.lang ?? 'zh';
  const tz = opts.tz ?? 'Asia/Shanghai';
  return peopleCsv(itemHeaders(lang), rows.map((r) => itemRow(r, lang, tz)));
}

/** Any table as CSV for people: a BOM, the headers given (already in the reader's language), CRLF line ends. */
export function peopleCsv(headers: readonly string[], rows: readonly (readonly unknown[])[]): string {
  return '\uFEFF' + [headers, ...rows].map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}

/** Whistle figures (src/whistle/figures.ts) as CSV: one row for the area, per unit level and per unit. */
export function figuresCsv(rows: FigureRow[]): string {
  const header = ['scope', 'level', 'unit', 'at', 'received', 'reported_on_time', 'reported_on_time_rate', 'answered_on_time', 'answered_on_time_rate',
    'median_report_hours', 'median_answer_hours', 'open', 'overdue'];
  const h = (ms?: number) => (ms === undefined ? '' : Math.round(ms / 36e3) / 100);
  const r = (x?: number) => (x === undefined ? '' : Math.round(x * 10000) / 10000);
  const lines = rows.map((x) => [x.scope, x.level, x.unit, x.at, x.received, x.reportedOnTime, r(x.reportedOnTimeRate), x.answeredOnTime,
    r(x.answeredOnTimeRate), h(x.medianReportMs), h(x.medianAnswerMs), x.open, x.overdue].map(cell).join(','));
  return [header.join(','), ...lines].join('\n') + '\n';
}
