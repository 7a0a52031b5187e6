/** A community's points (积分) for a quarter (?quarter=2025Q3, this one by default): persons and units. */
import { Hono } from 'hono';
import { quarterLabel, quarterOf, readQuarter } from '../domain/time.js';
import { t } from '../i18n/index.js';
import { pointsTables } from '../reports/tables.js';
import type { InCommunity, Web } from './context.js';
import { frame, listSection } from './layout.js';

/** A points table without its last column: the quarter, already in the title. */
function pointsTable(x: { headers: string[]; rows: (string | number | null)[][] }) {
  return (
    <table>
      <tr>
        {x.headers.slice(0, -1).map((h) => (
          <th>{h}</th>
        ))}
      </tr>
      {x.rows.map((r) => (
        <tr>
          {r.slice(0, -1).map((v) => (
            <td>{v ?? ''}</td>
          ))}
        </tr>
      ))}
    </table>
  );
}

export function pointsRoutes(web: Web): Hono<InCommunity> {
  return new Hono<InCommunity>().get('/points', async (c) => {
    const L = c.get('session').lang;
    const cm = c.get('community');
    const asked = c.req.query('quarter');
    const quarter = (asked && readQuarter(asked)) || quarterOf(web.now(), web.tz);
    const p = await pointsTables(web.db, cm, L, web.tz, quarter);
    return frame(
      web,
      c,
      t(L, 'web.points.title', { quarter: quarterLabel(L, quarter) }),
      <>
        <h1>{t(L, 'web.points.title', { quarter: quarterLabel(L, quarter) })}</h1>
        {listSection(L, 'points-persons', t(L, 'web.points.persons'), p.persons.rows.length > 0, pointsTable(p.persons), `/c/${cm.slug}/export.csv?table=points`)}
        {listSection(L, 'points-units', t(L, 'web.points.units'), p.units.rows.length > 0, pointsTable(p.units), `/c/${cm.slug}/export.csv?table=units`)}
      </>,
      cm,
    );
  });
}
