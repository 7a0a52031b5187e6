/**
 * The tables for people beside the items: owners' votes (the four art. 278 figures, never a ballot per
 * unit), whistles with their times, and the points of a quarter per person and per unit. Each is one
 * sheet of the xlsx and one `--table` of the CSV; headers in the reader's language, times local.
 */
import type { Db } from '../db/client.js';
import type { Community } from '../kernel/context.js';
import { t, type Lang, type MessageKey } from '../i18n/index.js';
import { formatLocal, quarterOf } from '../domain/time.js';
import { exportSuggestions, peopleCsv, toCsv } from './export.js';
import { matterName, ownersFigure, ownersHeadCounts } from '../owners/render.js';
import { communityOwnersVotes } from '../owners/standing.js';
import { communityWhistles } from '../whistle/list.js';
import { periodRange, personStandings, unitStandings } from '../points/standings.js';
import { quartersTable } from './practice-tables.js';

export type Cell = string | number | null;

export interface Table {
  title: string;
  headers: string[];
  rows: Cell[][];
}

/** The tables a person can ask for as CSV (`items` is the suggestions export of src/reports/export.ts). */
export const PEOPLE_TABLES = ['items', 'owners', 'whistles', 'points', 'units', 'quarters'] as const;
export type PeopleTable = (typeof PEOPLE_TABLES)[number];

const cols = (lang: Lang, keys: string[]) => keys.map((k) => t(lang, `web.col.${k}` as MessageKey));
const local = (d: Date | null | undefined, tz: string) => (d ? formatLocal(d, tz) : '');

export async function ownersTable(db: Db, community: Community, lang: Lang, tz: string): Promise<Table> {
  const votes = await communityOwnersVotes(db, community.id);
  return {
    title: t(lang, 'web.sheet.owners'),
    headers: cols(lang, ['number', 'text', 'matter', 'status', 'openedAt', 'deadline', 'closedAt', 'participationArea', 'participationHeads', 'approvalArea', 'approvalHeads',
      'agree', 'against', 'abstain', 'outcome', 'failed']),
    rows: votes.map(({ vote, suggestion, count: c }) => {
      const closed = vote.status === 'closed';
      const figure = (th: Parameters<typeof ownersFigure>[1]) => {
        const f = ownersFigure(c, th);
        return `${f.num}/${f.den}`;
      };
      return [
        suggestion.number,
        suggestion.text,
        `${c.matter}. ${matterName(lang, c.matter)}`,
        t(lang, `web.status.${vote.status}`),
        local(vote.openedAt, tz),
        local(vote.deadline, tz),
        local(vote.closedAt, tz),
        figure('participation.area'),
        figure('participation.heads'),
        figure('approval.area'),
        figure('approval.heads'),
        ...ownersHeadCounts(lang, c).map((h) => h.count),
        closed ? t(lang, c.passed ? 'owners.outcome.passed' : 'owners.outcome.failed') : '',
        closed ? c.failed.map((th) => t(lang, `owners.name.${th}` as MessageKey)).join(lang === 'en' ? ', ' : '、') : '',
      ];
    }),
  };
}

export async function whistlesTable(db: Db, community: Community, lang: Lang, tz: string, now: Date): Promise<Table> {
  const rows = await communityWhistles(db, community.id, now);
  return {
    title: t(lang, 'web.sheet.whistles'),
    headers: cols(lang, ['number', 'text', 'unit', 'level', 'whistledAt', 'reportDueAt', 'reportDeadline', 'reportedAt', 'answerDueAt', 'answerDeadline', 'answeredAt',
      'status', 'overdue', 'answer']),
    rows: rows.map(({ whistle: w, number, text, unit, overdue }) => [
      number,
      text,
      unit,
      t(lang, `org.level.${w.level}`),
      local(w.createdAt, tz),
      local(w.reportDueAt, tz),
      local(w.reportDeadline, tz),
      local(w.reportedAt, tz),
      local(w.answerDueAt, tz),
      local(w.answerDeadline, tz),
      local(w.answeredAt, tz),
      t(lang, w.answeredAt ? 'web.status.answered' : 'web.status.open'),
      t(lang, overdue ? 'web.yes' : 'web.no'),
      w.answer ?? '',
    ]),
  };
}

/** The points of `quarter` (like 2026Q4, cut in `tz`): per person and per unit. */
export async function pointsTables(db: Db, community: Community, lang: Lang, tz: string, quarter: string): Promise<{ persons: Table; units: Table }> {
  const range = periodRange({ kind: 'quarter', quarter }, tz);
  const [persons, units] = await Promise.all([personStandings(db, community.id, range), unitStandings(db, community.id, range)]);
  return {
    persons: {
      title: t(lang, 'web.sheet.points'),
      headers: cols(lang, ['rank', 'name', 'memberId', 'grid', 'memberUnit', 'register', 'service', 'whistlePoints', 'deducted', 'corrections', 'points', 'services', 'hours', 'quarter']),
      rows: persons.map((r) => [r.rank, r.name, r.memberId, r.grid, r.unit, r.register, r.service, r.whistle, r.deducted, r.corrections, r.points, r.services, r.hours, quarter]),
    },
    units: {
      title: t(lang, 'web.sheet.units'),
      headers: cols(lang, ['rank', 'unit', 'points', 'byMembers', 'memberCount', 'quarter']),
      rows: units.map((r) => [r.rank, r.name, r.points, r.byMembers, r.members, quarter]),
    },
  };
}

/** One table as CSV for people (BOM, headers in `lang`, local times); points and units of the quarter of `now`. */
export async function tableCsv(db: Db, community: Community, table: PeopleTable, lang: Lang, tz: string, now: Date): Promise<{ csv: string; rows: number }> {
  if (table === 'items') {
    const rows = await exportSuggestions(db, community);
    return { csv: toCsv(rows, { lang, tz }), rows: rows.length };
  }
  let x: Table;
  if (table === 'owners') x = await ownersTable(db, community, lang, tz);
  else if (table === 'whistles') x = await whistlesTable(db, community, lang, tz, now);
  else if (table === 'quarters') x = await quartersTable(db, community, lang, tz, now);
  else {
    const p = await pointsTables(db, community, lang, tz, quarterOf(now, tz));
    x = table === 'points' ? p.persons : p.units;
  }
  return { csv: peopleCsv(x.headers, x.rows), rows: x.rows.length };
}
