/** A community's calendar: the rotating chair of the next quarters and the council's meetings. */
import { Hono } from 'hono';
import { councilCalendar } from '../council/calendar.js';
import { formatLocal, quarterEnd, quarterLabel, quarterStart } from '../domain/time.js';
import { t } from '../i18n/index.js';
import type { InCommunity, Web } from './context.js';
import { frame } from './layout.js';

export function calendarRoutes(web: Web): Hono<InCommunity> {
  return new Hono<InCommunity>().get('/calendar', async (c) => {
    const L = c.get('session').lang;
    const cm = c.get('community');
    const tz = web.tz;
    const { chairs, meetings } = await councilCalendar(web.db, cm, web.now(), tz);
    const day = (d: Date) => formatLocal(d, tz).slice(0, 10);
    return frame(
      web,
      c,
      t(L, 'web.nav.calendar'),
      <>
        <section id="rotation">
          <h2>{t(L, 'web.calendar.rotation')}</h2>
          {chairs.length ? (
            <table>
              {chairs.map((ch) => (
                <tr>
                  <td>{quarterLabel(L, ch.quarter)}</td>
                  <td class="muted">
                    {day(quarterStart(ch.quarter, tz))} – {day(new Date(quarterEnd(ch.quarter, tz).getTime() - 1))}
                  </td>
                  <td>{ch.unit.name}</td>
                </tr>
              ))}
            </table>
          ) : (
            <p class="muted">{t(L, 'web.board.empty')}</p>
          )}
        </section>
        <section id="meetings">
          <h2>{t(L, 'web.calendar.meetings')}</h2>
          {meetings.length ? (
            <table>
              {meetings.map((m) => (
                <tr>
                  <td>{formatLocal(m.startsAt, tz)}</td>
                  <td>{m.place}</td>
                  <td class="muted">{m.status}</td>
                </tr>
              ))}
            </table>
          ) : (
            <p class="muted">{t(L, 'web.calendar.none')}</p>
          )}
        </section>
      </>,
      cm,
    );
  });
}
