/**
 * One item: where it stands, its polls' charts, owners' votes, the 公示 notice, its whole history, and
 * the staff actions (progress, done, close) as forms.
 */
import { Hono } from 'hono';
import { raw } from 'hono/html';
import { close } from '../consultation/decide.js';
import { done, progress } from '../consultation/evaluate.js';
import { DEFAULT_POLL_MS, freeText, parseArg, percentArg } from '../domain/args.js';
import { DomainError } from '../domain/errors.js';
import { LIMITS } from '../domain/text.js';
import { formatLocal } from '../domain/time.js';
import { t } from '../i18n/index.js';
import { errorText } from '../kernel/refusals.js';
import { matterName, ownersFigureLines, ownersHeadCounts } from '../owners/render.js';
import { itemView } from '../reports/item.js';
import { pollChartSvg } from '../reports/results.js';
import { runStaffAction } from './actions.js';
import type { InCommunity, Web } from './context.js';
import { embeddedSvg } from './style.js';
import { frame, Notice, say } from './layout.js';

/** The actions whose success the item page may say (`?ok=progress`). */
const OK_KEYS = ['progress', 'close', 'done'] as const;

export function itemRoutes(web: Web): Hono<InCommunity> {
  const app = new Hono<InCommunity>();
  const tz = web.tz;

  app.get('/items/:n{[0-9]{1,9}}', async (c) => {
    const s = c.get('session');
    const cm = c.get('community');
    const L = s.lang;
    const n = Number(c.req.param('n'));
    const view = await itemView(web.db, cm, n);
    if (!view) return say(c, 404, L, 'web.title', 'web.notFound');
    const { item, author, history, polls: all, owners, notice, objections } = view;
    const readOnly = c.get('readOnly') === true;
    const open = all.find((p) => p.poll.status === 'open');
    // What an action says after its redirect comes from a fixed key, never from the query string.
    const flash = OK_KEYS.find((k) => k === c.req.query('ok'));
    const csrf = <input type="hidden" name="_csrf" value={s.csrfToken} />;
    const carried = item.stage === 'approved' || item.stage === 'in_progress';
    return frame(
      web,
      c,
      `#${n}`,
      <>
        {flash && <p class="ok">{t(L, `web.ok.${flash}`)}</p>}
        <section>
          <h1>
            #{n} {item.text}
          </h1>
          <p>
            <strong>{t(L, `stage.${item.stage}`)}</strong> · {t(L, 'web.item.supports', { count: item.supportCount, threshold: cm.supportThreshold })} ·{' '}
            <span class="muted">{t(L, 'web.item.author', { name: author ?? '?', when: formatLocal(item.createdAt, tz) })}</span>
          </p>
          {all.map((p) => (
            <div class="chart">
              {raw(embeddedSvg(pollChartSvg(p, L, { width: 560, height: 300 })))}
              <a href={`/c/${cm.slug}/polls/${p.poll.id}/chart.png`}>{t(L, 'web.item.chart')} (PNG)</a>
            </div>
          ))}
          {owners.map((o) => (
            <div class="owners-vote" data-vote={o.vote.id}>
              <h3>{t(L, 'web.owners.title', { matter: o.count.matter, matterName: matterName(L, o.count.matter) })}</h3>
              <p>
                {o.vote.status === 'open'
                  ? t(L, 'web.owners.open', { deadline: formatLocal(o.vote.deadline, tz) })
                  : t(L, 'web.notice.outcome', { outcome: t(L, o.count.passed ? 'owners.outcome.passed' : 'owners.outcome.failed') })}
              </p>
              <ul>
                {ownersFigureLines(L, o.count).map((line) => (
                  <li>{line}</li>
                ))}
                <li>{ownersHeadCounts(L, o.count).map((h) => `${h.label} ${h.count}`).join(' · ')}</li>
              </ul>
            </div>
          ))}
          {notice && (
            <p>
              <a href={`/c/${cm.slug}/items/${n}/notice.pdf`}>{t(L, 'web.item.notice')}</a>
            </p>
          )}
        </section>
        {objections.length > 0 && (
          <section id="objections">
            <h2>{t(L, 'web.item.objections')}</h2>
            <ul>
              {objections.map((o) => (
                <li>
                  <span class="muted">{formatLocal(o.at, tz)} {o.who}</span> {o.text}
                </li>
              ))}
            </ul>
          </section>
        )}
        {readOnly && <p class="muted">{t(L, 'web.readOnly')}</p>}
        {!readOnly && (carried || open) && (
          <section id="actions">
            {carried && (
              <form method="post" action={`/c/${cm.slug}/items/${n}/progress`}>
                {csrf}
                <h2>{t(L, 'web.item.progress')}</h2>
                <label>
                  {t(L, 'web.item.percent')} <input name="percent" type="number" min="0" max="100" required />
                </label>
                <label>
                  {t(L, 'web.item.text')} <textarea name="text" rows={2} maxlength={LIMITS.progress} required></textarea>
                </label>
                <button type="submit">{t(L, 'web.item.submit')}</button>
              </form>
            )}
            {carried && (
              <form method="post" action={`/c/${cm.slug}/items/${n}/done`}>
                {csrf}
                <p>
                  <button type="submit">{t(L, 'web.item.done')}</button>
                </p>
              </form>
            )}
            {open && (
              <form method="post" action={`/c/${cm.slug}/items/${n}/close`}>
                {csrf}
                <p>
                  <button type="submit">{t(L, 'web.item.close')}</button>
                </p>
              </form>
            )}
          </section>
        )}
        <section id="history">
          <h2>{t(L, 'web.item.history')}</h2>
          <table>
            {history.map((h) => (
              <tr>
                <td class="muted">{formatLocal(h.at, tz)}</td>
                <td>{h.action}</td>
                <td>{h.actor ?? t(L, 'web.audit.system')}</td>
                <td class="muted">{h.data ? summarize(h.data) : ''}</td>
              </tr>
            ))}
          </table>
        </section>
      </>,
      cm,
    );
  });

  // Staff actions: the chat's use cases, one transaction each with its audit row.
  for (const name of OK_KEYS)
    app.post(`/items/:n{[0-9]{1,9}}/${name}`, async (c) => {
      const s = c.get('session');
      const cm = c.get('community');
      const n = Number(c.req.param('n'));
      const form = await c.req.parseBody();
      try {
        const run = { db: web.db, now: web.now(), tz, lang: s.lang, community: cm, personId: s.personId, displayName: s.displayName, n, logger: web.logger };
        const r = await runStaffAction(run, (ctx) => {
          if (name === 'close') return close(ctx, n);
          if (name === 'done') return done(ctx, n, DEFAULT_POLL_MS);
          const example = '50';
          return progress(ctx, n, parseArg(percentArg, String(form.percent ?? '')), parseArg(freeText(LIMITS.progress, example), String(form.text ?? '')));
        });
        web.notify?.(r.events);
        return c.redirect(`/c/${cm.slug}/items/${n}?ok=${name}`, 303);
      } catch (err) {
        if (err instanceof DomainError) return c.html(<Notice lang={s.lang} title={`#${n}`} text={errorText(err, s.lang)} />, 400);
        throw err;
      }
    });

  return app;
}

/** One short line of an audit row's data (numbers, stages, texts), never whole objects. */
function summarize(data: Record<string, unknown>): string {
  return Object.entries(data)
    .filter(([, v]) => v !== null && v !== undefined && typeof v !== 'object')
    .map(([k, v]) => `${k}: ${String(v).slice(0, 60)}`)
    .join(' · ');
}
