/** A community's whistles (吹哨): the open ones and all, with their deadlines, and the figures on time. */
import { Hono } from 'hono';
import { formatLocal } from '../domain/time.js';
import { t } from '../i18n/index.js';
import { communityFigures, hours, pct } from '../whistle/figures.js';
import { communityWhistles, type WhistleRow } from '../whistle/list.js';
import type { InCommunity, Web } from './context.js';
import { frame, listSection } from './layout.js';

export function whistleRoutes(web: Web): Hono<InCommunity> {
  return new Hono<InCommunity>().get('/whistles', async (c) => {
    const L = c.get('session').lang;
    const cm = c.get('community');
    const tz = web.tz;
    const at = web.now();
    const f = await communityFigures(web.db, cm.id, at);
    const list = await communityWhistles(web.db, cm.id, at);
    const open = list.filter((w) => !w.whistle.answeredAt);
    const row = (r: WhistleRow) => (
      <tr class={r.overdue ? 'overdue' : undefined}>
        <td>
          <a href={`/c/${cm.slug}/items/${r.number}`}>#{r.number}</a> {r.text.slice(0, 30)}
        </td>
        <td>
          {r.unit} <span class="muted">{t(L, `org.level.${r.whistle.level}`)}</span>
        </td>
        <td class="muted">{formatLocal(r.whistle.createdAt, tz)}</td>
        <td>
          {r.whistle.reportedAt
            ? t(L, 'web.whistles.reportedAt', { when: formatLocal(r.whistle.reportedAt, tz) })
            : t(L, 'web.whistles.reportBy', { when: formatLocal(r.whistle.reportDeadline, tz) })}
        </td>
        <td>
          {r.whistle.answeredAt
            ? `${t(L, 'web.status.answered')} ${formatLocal(r.whistle.answeredAt, tz)}`
            : t(L, 'web.whistles.answerBy', { when: formatLocal(r.whistle.answerDeadline, tz) })}
        </td>
        <td>{r.overdue ? <strong>{t(L, 'web.whistles.overdue')}</strong> : ''}</td>
      </tr>
    );
    return frame(
      web,
      c,
      t(L, 'web.whistles.title'),
      <>
        <h1>{t(L, 'web.whistles.title')}</h1>
        <p id="whistle-figures">
          {t(L, 'web.whistles.figures', {
            received: f.received,
            reported: `${f.reportedOnTime} (${pct(f.reportedOnTimeRate)})`,
            answered: `${f.answeredOnTime} (${pct(f.answeredOnTimeRate)})`,
            medianReport: hours(f.medianReportMs),
            medianAnswer: hours(f.medianAnswerMs),
          })}
        </p>
        {listSection(L, 'open-whistles', t(L, 'web.whistles.open', { open: f.open, overdue: f.overdue }), open.length > 0, <table>{open.map(row)}</table>)}
        {listSection(L, 'all-whistles', t(L, 'web.whistles.all'), list.length > 0, <table>{list.map(row)}</table>, `/c/${cm.slug}/export.csv?table=whistles`)}
      </>,
      cm,
    );
  });
}
