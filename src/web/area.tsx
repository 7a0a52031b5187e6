/** A street's or district's communities side by side (/o/<slug>), for its staff; each links to the community's board. */
import { Hono } from 'hono';
import { STAGES } from '../db/schema.js';
import { percent } from '../domain/outcome.js';
import { t } from '../i18n/index.js';
import { areaOverview, isStaffOfArea } from '../consultation/area-stats.js';
import { unmetText } from '../consultation/stats.js';
import { nodeBySlug } from '../org/tree.js';
import { areaWorkbook } from '../reports/practice-tables.js';
import type { SignedIn, Web } from './context.js';
import { frame, say } from './layout.js';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** To mount at /o/:slug. */
export function areaRoutes(web: Web): Hono<SignedIn> {
  const app = new Hono<SignedIn>();
  const areaOf = async (slug: string, personId: number) => {
    const node = await nodeBySlug(web.db, slug);
    return node && node.level !== 'community' && (await isStaffOfArea(web.db, node, personId)) ? node : undefined;
  };

  app.get('/', async (c) => {
    const s = c.get('session');
    const L = s.lang;
    const node = await areaOf(c.req.param('slug') ?? '', s.personId);
    if (!node) return say(c, 403, L, 'web.title', 'web.forbidden');
    const rows = await areaOverview(web.db, node, web.now(), web.tz);
    const title = t(L, 'web.area.title', { name: node.name });
    return frame(
      web,
      c,
      title,
      <>
        <h1>{title}</h1>
        <table id="area">
          <tr>
            <th>{t(L, 'practice.col.community')}</th>
            {STAGES.map((st) => <th>{t(L, `stage.${st}`)}</th>)}
            <th>{t(L, 'practice.col.unanswered')}</th>
            <th>{t(L, 'practice.col.quartersMet')}</th>
            <th>{t(L, 'practice.col.whistlesOnTime')}</th>
            <th>{t(L, 'practice.col.satisfaction')}</th>
          </tr>
          {rows.map((r) => (
            <tr data-slug={r.community.slug}>
              <td>
                <a href={`/c/${r.community.slug}`}>{r.community.name}</a>
              </td>
              {STAGES.map((st) => <td>{r.stats.stages[st] ?? 0}</td>)}
              <td class="unanswered">{r.stats.unanswered.length}</td>
              <td class="met" title={unmetText(L, r.stats.quarters)}>
                {r.stats.quarters.filter((q) => q.met).length}/{r.stats.quarters.length}
              </td>
              <td class="whistles">
                {r.whistles.answeredOnTime}/{r.whistles.received}
              </td>
              <td class="satisfaction">{percent(r.stats.satisfaction)}</td>
            </tr>
          ))}
        </table>
        <p>
          <a href={`/o/${node.slug}/export.xlsx`}>{t(L, 'web.area.export')}</a>
        </p>
      </>,
    );
  });

  app.get('/export.xlsx', async (c) => {
    const s = c.get('session');
    const node = await areaOf(c.req.param('slug') ?? '', s.personId);
    if (!node) return say(c, 403, s.lang, 'web.title', 'web.forbidden');
    const file = await areaWorkbook(web.db, node, s.lang, web.tz, web.now());
    return c.body(new Uint8Array(file), 200, { 'content-type': XLSX, 'content-disposition': `attachment; filename="${node.slug}.xlsx"` });
  });

  return app;
}
