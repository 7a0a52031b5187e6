/** A community's board: every item by stage, the open polls, items waiting for news, satisfaction by quarter. */
import { Hono } from 'hono';
import { raw } from 'hono/html';
import { percent } from '../domain/outcome.js';
import { formatLocal } from '../domain/time.js';
import { t } from '../i18n/index.js';
import { ageDays, communityBoard } from '../reports/board.js';
import { quarterChartSvg } from '../reports/charts.js';
import type { InCommunity, Web } from './context.js';
import { embeddedSvg } from './style.js';
import { frame } from './layout.js';
import { unmetText } from '../consultation/stats.js';

export function boardRoutes(web: Web): Hono<InCommunity> {
  return new Hono<InCommunity>().get('/', async (c) => {
    const L = c.get('session').lang;
    const cm = c.get('community');
    const tz = web.tz;
    const at = web.now();
    const b = await communityBoard(web.db, cm, at, tz);
    return frame(
      web,
      c,
      cm.name,
      <>
        <h1>{cm.name}</h1>
        <section>
          <h2>{t(L, 'web.board.stages')}</h2>
          <div class="stages">
            {b.byStage.map((g) => (
              <div class="stage" data-stage={g.stage}>
                <h3>
                  {t(L, `stage.${g.stage}`)} ({g.items.length})
                </h3>
                <ul>
                  {g.items.map((i) => (
                    <li>
                      <a href={`/c/${cm.slug}/items/${i.number}`}>#{i.number}</a> {i.text.slice(0, 40)}{' '}
                      <span class="muted">
                        {t(L, 'web.board.age', { days: ageDays(i.createdAt, at) })}
                        {(g.stage === 'raised' || g.stage === 'supported') && ` · ${t(L, 'web.board.supports', { count: i.supportCount, threshold: cm.supportThreshold })}`}
                      </span>
                    </li>
                  ))}
                </ul>
              </div>
            ))}
          </div>
        </section>
        <section id="open-polls">
          <h2>{t(L, 'web.board.openPolls')}</h2>
          {b.openPolls.length ? (
            <ul>
              {b.openPolls.map((p) => (
                <li>
                  <a href={`/c/${cm.slug}/items/${p.suggestion.number}`}>#{p.suggestion.number}</a> {t(L, `web.kind.${p.poll.kind}`)}:{' '}
                  {p.labels.map((l, i) => `${l} ${p.counts[i] ?? 0}`).join(' · ')}{' '}
                  <span class="muted">
                    {t(L, 'web.board.turnout', { total: p.total, members: p.members, turnout: percent(p.members ? p.total / p.members : undefined), deadline: formatLocal(p.poll.deadline, tz) })}
                  </span>
                </li>
              ))}
            </ul>
          ) : (
            <p class="muted">{t(L, 'web.board.empty')}</p>
          )}
        </section>
        <section id="waiting">
          <h2>{t(L, 'web.board.waiting')}</h2>
          {b.waiting.length ? (
            <ul>
              {b.waiting.map((w) => (
                <li>
                  <a href={`/c/${cm.slug}/items/${w.item.number}`}>#{w.item.number}</a> {w.item.text.slice(0, 40)}{' '}
                  <span class="muted">
                    {w.last
                      ? t(L, 'web.board.lastProgress', { percent: w.last.percent, days: ageDays(w.last.at, at) })
                      : t(L, 'web.board.noProgress', { days: ageDays(w.item.updatedAt, at) })}
                  </span>
                </li>
              ))}
            </ul>
          ) : (
            <p class="muted">{t(L, 'web.board.empty')}</p>
          )}
        </section>
        <section id="quarters">
          <h2>{t(L, 'web.board.quarters')}</h2>
          <p>{b.quarters.some((q) => !q.met) ? t(L, 'web.board.unmet', { list: unmetText(L, b.quarters) }) : t(L, 'web.board.allMet')}</p>
          {b.unanswered.length > 0 && <p>{t(L, 'web.board.unanswered', { list: b.unanswered.map((n) => `#${n}`).join(' ') })}</p>}
        </section>
        <section id="satisfaction">
          <h2>{t(L, 'web.board.satisfaction')}</h2>
          <div class="chart">{raw(embeddedSvg(quarterChartSvg(t(L, 'web.board.satisfaction'), b.satisfaction, cm.satisfactionThreshold)))}</div>
        </section>
        <section>
          <h2>{t(L, 'web.board.exports')}</h2>
          <a href={`/c/${cm.slug}/export.xlsx`}>Excel (.xlsx)</a> · <a href={`/c/${cm.slug}/export.csv`}>CSV</a> ·{' '}
          <a href={`/c/${cm.slug}/export.csv?table=owners`}>{t(L, 'web.sheet.owners')} CSV</a>
        </section>
      </>,
      cm,
    );
  });
}
