/** The Excel workbook of a community: items, votes with their counts, satisfaction ratings, owners' votes, whistles, points. */
import type ExcelJS from 'exceljs';
import { lazy } from './lazy.js';

const exceljs = lazy<typeof ExcelJS>('exceljs');
import { asc, eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { polls, suggestions } from '../db/schema.js';
import { exportSuggestions, itemHeaders, itemRow } from './export.js';
import type { Community } from '../kernel/context.js';
import { percent, RATING_CHOICES, satisfactionRate } from '../domain/outcome.js';
import { t, type Lang } from '../i18n/index.js';
import { formatLocal, quarterOf } from '../domain/time.js';
import { pollStanding, type PollStanding } from './results.js';
import { ownersTable, pointsTables, whistlesTable } from './tables.js';
import { quartersTable } from './practice-tables.js';

/** Every poll of the community with its counts (frozen when closed), oldest first. */
export async function communityPolls(db: Db, communityId: number): Promise<PollStanding[]> {
  const rows = await db
    .select({ id: polls.id })
    .from(polls)
    .innerJoin(suggestions, eq(suggestions.id, polls.suggestionId))
    .where(eq(suggestions.communityId, communityId))
    .orderBy(asc(polls.openedAt), asc(polls.id));
  const out: PollStanding[] = [];
  for (const r of rows) {
    const s = await pollStanding(db, r.id);
    if (s) out.push(s);
  }
  return out;
}

export function sheet(wb: ExcelJS.Workbook, name: string, headers: string[], rows: (string | number | null)[][]) {
  const ws = wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.addRow(headers).font = { bold: true };
  for (const r of rows) ws.addRow(r);
  ws.columns.forEach((col, i) => {
    const widest = Math.max(...[headers[i] ?? '', ...rows.map((r) => String(r[i] ?? ''))].map((v) => [...v].reduce((w, ch) => w + (ch.charCodeAt(0) > 0x2e80 ? 2 : 1), 0)));
    col.width = Math.min(60, Math.max(8, widest + 2));
  });
}

/** The workbook: items, votes, ratings, owners' votes, whistles, and the points of the quarter of `now` per person and per unit. */
export async function communityWorkbook(db: Db, community: Community, lang: Lang, tz: string, now = new Date()): Promise<Buffer> {
  const wb = new (exceljs().Workbook)();
  wb.creator = 'Yishi';
  const items = await exportSuggestions(db, community);
  sheet(wb, t(lang, 'web.sheet.items'), itemHeaders(lang), items.map((r) => itemRow(r, lang, tz)));

  const all = await communityPolls(db, community.id);
  const local = (d: Date | null) => (d ? formatLocal(d, tz) : '');
  const common = (p: PollStanding) => [
    p.suggestion.number,
    p.suggestion.text,
    t(lang, `web.status.${p.poll.status}`),
    local(p.poll.openedAt),
    local(p.poll.deadline),
    local(p.poll.closedAt),
  ];
  const head = ['number', 'text', 'status', 'openedAt', 'deadline', 'closedAt'].map((c) => t(lang, `web.col.${c}` as 'web.col.number'));
  const turnout = (p: PollStanding) => percent(p.members ? p.total / p.members : undefined);
  // Votes: one column per choice (custom choices differ per vote, so the label is written beside its count).
  const votes = all.filter((p) => p.poll.kind === 'vote');
  const widest = Math.max(3, ...votes.map((p) => p.labels.length));
  sheet(
    wb,
    t(lang, 'web.sheet.polls'),
    [...head, ...Array.from({ length: widest }, (_, i) => `${i + 1}`), t(lang, 'web.col.total'), t(lang, 'web.col.members'), t(lang, 'web.col.turnout'), t(lang, 'web.col.outcome')],
    votes.map((p) => [
      ...common(p),
      ...Array.from({ length: widest }, (_, i) => (i < p.labels.length ? `${p.labels[i]} ${p.counts[i] ?? 0}` : '')),
      p.total,
      p.members,
      turnout(p),
      p.poll.outcome === 'approved' || p.poll.outcome === 'rejected' ? t(lang, `stage.${p.poll.outcome}`) : '',
    ]),
  );
  const ratings = all.filter((p) => p.poll.kind === 'rating');
  const levels = ratings[0]?.labels ?? [...RATING_CHOICES];
  sheet(
    wb,
    t(lang, 'web.sheet.ratings'),
    [...head, ...levels, t(lang, 'web.col.total'), t(lang, 'web.col.members'), t(lang, 'web.col.satisfied')],
    ratings.map((p) => [...common(p), ...levels.map((_, i) => p.counts[i] ?? 0), p.total, p.members, percent(satisfactionRate(p.counts))]),
  );
  const points = await pointsTables(db, community, lang, tz, quarterOf(now, tz));
  for (const x of [await ownersTable(db, community, lang, tz), await whistlesTable(db, community, lang, tz, now), points.persons, points.units]) sheet(wb, x.title, x.headers, x.rows);
  // Which quarters had a consultation meeting held (the running one shown as not yet met).
  const quarters = await quartersTable(db, community, lang, tz, now);
  sheet(wb, quarters.title, quarters.headers, quarters.rows);
  return Buffer.from(await wb.xlsx.writeBuffer());
}
