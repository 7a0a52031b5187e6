/** Downloads: a poll's chart, an item's 公示 PDF, the community's workbook and its CSV tables. */
import { Hono } from 'hono';
import { itemNoticeFile } from '../reports/item.js';
import { pollChartPng, pollChartSvg, pollStanding } from '../reports/results.js';
import { PEOPLE_TABLES, tableCsv, type PeopleTable } from '../reports/tables.js';
import { communityWorkbook } from '../reports/xlsx.js';
import type { InCommunity, Web } from './context.js';
import { say } from './layout.js';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export function exportRoutes(web: Web): Hono<InCommunity> {
  const app = new Hono<InCommunity>();

  app.get('/polls/:id{[0-9]{1,9}}/chart.:ext{png|svg}', async (c) => {
    const s = c.get('session');
    const p = await pollStanding(web.db, Number(c.req.param('id')));
    if (!p || p.community.id !== c.get('community').id) return say(c, 404, s.lang, 'web.title', 'web.notFound');
    if (c.req.param('ext') === 'svg') return c.body(pollChartSvg(p, s.lang), 200, { 'content-type': 'image/svg+xml; charset=utf-8' });
    return c.body(new Uint8Array(pollChartPng(p, s.lang).png), 200, { 'content-type': 'image/png' });
  });

  app.get('/items/:n{[0-9]{1,9}}/notice.pdf', async (c) => {
    const s = c.get('session');
    const file = await itemNoticeFile(web.db, c.get('community'), Number(c.req.param('n')), { lang: s.lang, tz: web.tz, now: web.now() });
    if (!file) return say(c, 404, s.lang, 'web.title', 'web.notFound');
    return c.body(new Uint8Array(file.bytes), 200, { 'content-type': 'application/pdf', 'content-disposition': `inline; filename="${file.filename}"` });
  });

  app.get('/export.xlsx', async (c) => {
    const cm = c.get('community');
    const file = await communityWorkbook(web.db, cm, c.get('session').lang, web.tz, web.now());
    return c.body(new Uint8Array(file), 200, { 'content-type': XLSX, 'content-disposition': `attachment; filename="${cm.slug}.xlsx"` });
  });

  // ?table=owners|whistles|points|units for the other tables (items by default).
  app.get('/export.csv', async (c) => {
    const cm = c.get('community');
    const table = (c.req.query('table') ?? 'items') as PeopleTable;
    if (!PEOPLE_TABLES.includes(table)) return say(c, 404, c.get('session').lang, 'web.title', 'web.notFound');
    const { csv } = await tableCsv(web.db, cm, table, c.get('session').lang, web.tz, web.now());
    const name = table === 'items' ? cm.slug : `${cm.slug}-${table}`;
    return c.body(csv, 200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${name}.csv"` });
  });

  return app;
}
