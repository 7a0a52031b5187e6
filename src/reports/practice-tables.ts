/**
 * The practice's tables for people: a community's quarters (was a consultation meeting held in each?) and
 * a street's or district's communities side by side (the /o/<slug> figures), as xlsx sheets.
 */
import { and, asc, eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { meetings, STAGES } from '../db/schema.js';
import { formatLocal } from '../domain/time.js';
import { percent } from '../domain/outcome.js';
import { t, type Lang, type MessageKey } from '../i18n/index.js';
import type { Community } from '../kernel/context.js';
import type { OrgNode } from '../org/tree.js';
import { quarterLabel } from '../domain/time.js';
import { quartersMet } from '../council/quarters-met.js';
import { areaOverview, type AreaRow } from '../consultation/area-stats.js';
import { unmetText } from '../consultation/stats.js';
import type { Table } from './tables.js';
import { lazy } from './lazy.js';
import type ExcelJS from 'exceljs';
import { sheet } from './xlsx.js';

const exceljs = lazy<typeof ExcelJS>('exceljs');
const col = (lang: Lang, k: string) => t(lang, `practice.col.${k}` as MessageKey);

/** Every quarter the community has run, whether a meeting was held in it, and which. */
export async function quartersTable(db: Db, community: Community, lang: Lang, tz: string, now: Date): Promise<Table> {
  const quarters = await quartersMet(db, community, now, tz);
  const held = await db.select().from(meetings).where(and(eq(meetings.communityId, community.id), eq(meetings.status, 'held'))).orderBy(asc(meetings.startsAt));
  return {
    title: t(lang, 'practice.sheet.quarters'),
    headers: [col(lang, 'quarter'), col(lang, 'met'), col(lang, 'meetings')],
    rows: quarters.map((q) => [
      quarterLabel(lang, q.quarter) + (q.running && !q.met ? t(lang, 'practice.running') : ''),
      t(lang, q.met ? 'practice.yes' : 'practice.no'),
      held.filter((m) => m.quarter === q.quarter).map((m) => `M${m.id} ${formatLocal(m.startsAt, tz)} ${m.place}`).join('；'),
    ]),
  };
}

/** The communities of an area side by side. */
export function areaTable(rows: AreaRow[], lang: Lang): Table {
  return {
    title: t(lang, 'practice.sheet.area'),
    headers: [col(lang, 'community'), 'slug', ...STAGES.map((s) => t(lang, `stage.${s}`)), col(lang, 'unanswered'), col(lang, 'quartersMet'), col(lang, 'quarters'), col(lang, 'unmet'), col(lang, 'whistles'), col(lang, 'whistlesOnTime'), col(lang, 'satisfaction')],
    rows: rows.map((r) => [
      r.community.name,
      r.community.slug,
      ...STAGES.map((s) => r.stats.stages[s] ?? 0),
      r.stats.unanswered.length,
      r.stats.quarters.filter((q) => q.met).length,
      r.stats.quarters.length,
      unmetText(lang, r.stats.quarters),
      r.whistles.received,
      r.whistles.answeredOnTime,
      percent(r.stats.satisfaction),
    ]),
  };
}

/** The xlsx of a street (or district): its communities side by side, and each community's quarters. */
export async function areaWorkbook(db: Db, node: OrgNode, lang: Lang, tz: string, now: Date): Promise<Buffer> {
  const wb = new (exceljs().Workbook)();
  wb.creator = 'Yishi';
  const rows = await areaOverview(db, node, now, tz);
  const area = areaTable(rows, lang);
  sheet(wb, area.title, area.headers, area.rows);
  const quarters: Table['rows'] = [];
  for (const r of rows) for (const q of (await quartersTable(db, r.community, lang, tz, now)).rows) quarters.push([r.community.name, ...q]);
  sheet(wb, t(lang, 'practice.sheet.quarters'), [col(lang, 'community'), col(lang, 'quarter'), col(lang, 'met'), col(lang, 'meetings')], quarters);
  return Buffer.from(await wb.xlsx.writeBuffer());
}
