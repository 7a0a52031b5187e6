/**
 * The staff web page (Hono, server-rendered with hono/jsx): sign-in by one-time link, the community
 * board, an item's whole history, the rotation calendar, staff actions, exports, the 公示 notice and
 * the queue view. Nothing shows without a session; a community shows only to its staff.
 */
import { Hono, type Context } from 'hono';
import type { Child } from 'hono/jsx';
import { getCookie, setCookie, deleteCookie } from 'hono/cookie';
import { raw } from 'hono/html';
import { getConnInfo } from '@hono/node-server/conninfo';
import { and, asc, eq, gte } from 'drizzle-orm';
import type { Queue } from 'bullmq';
import type { Config } from '../lib/config.js';
import type { Database } from '../db/client.js';
import { meetings, persons, suggestions } from '../db/schema.js';
import type { CoreEvent } from '../domain/messages.js';
import { parseArg, percentArg, freeText } from '../domain/args.js';
import { DomainError } from '../domain/errors.js';
import { LIMITS } from '../domain/text.js';
import { percent } from '../domain/outcome.js';
import { langOf, t, type Lang, type MessageKey } from '../i18n/index.js';
import { silentLogger, type Logger } from '../lib/logger.js';
import { close } from '../consultation/decide.js';
import { done, progress } from '../consultation/evaluate.js';
import { DEFAULT_POLL_MS } from '../domain/args.js';
import type { Community } from '../kernel/context.js';
import { rotation } from '../kernel/rotation.js';
import { quarterChartSvg } from '../reports/charts.js';
import { ageDays, communityBoard, itemHistory, itemPolls } from '../reports/board.js';
import { pollChartSvg, pollChartPng, pollStanding } from '../reports/results.js';
import { latestNotice, renderAttachment } from '../reports/attachments.js';
import { PEOPLE_TABLES, pointsTables, tableCsv, type PeopleTable } from '../reports/tables.js';
import { matterName, ownersFigureLines, ownersHeadCounts } from '../owners/render.js';
import { suggestionOwnersVotes } from '../owners/standing.js';
import { communityFigures, hours, pct } from '../whistle/figures.js';
import { communityWhistles, type WhistleRow } from '../whistle/list.js';
import { communityWorkbook } from '../reports/xlsx.js';
import { formatLocal, quarterEnd, quarterOf, quarterStart } from '../domain/time.js';
import { errorText } from '../kernel/refusals.js';
import { Notice, Page } from './layout.js';
import { runStaffAction } from './actions.js';
import { linkState, redeemSignInLink, revokeSessions, sameToken, SESSION_TTL_MS, sessionOf, staffCommunities, newSecret, hashSecret, type Session } from '../sessions/sessions.js';
import { AttemptLimiter } from './limiter.js';
import { mountQueues } from './queues.js';
import type { WebMounts } from '../lib/web-mounts.js';

export interface WebDeps {
  config: Config;
  database: Database;
  logger?: Logger;
  now?: () => Date;
  /** Told a staff action's events after its commit (the core's listeners: deadlines, the outbox). */
  notify?: (events: CoreEvent[]) => void;
  /** BullMQ queues shown to staff at /admin/queues. */
  queues?: Queue[];
  /** Sign-in attempts allowed per client address in 10 minutes (default 20). */
  signInAttempts?: number;
  /** /healthz, /readyz and /metrics (src/web/ops.ts); without it only /healthz answers. */
  ops?: Hono;
  /** Routes adapters add once started (the Official Account's callback at /wechat-mp), served before the page's own. */
  mounts?: WebMounts;
}

const SESSION_COOKIE = 'yishi_session';
const PRE_COOKIE = 'yishi_pre';

type Env = { Variables: { session: Session; communities: Community[]; community: Community } };

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export function createWebApp(deps: WebDeps): Hono<Env> {
  const db = deps.database.db;
  const tz = deps.config.YISHI_TZ;
  const now = deps.now ?? (() => new Date());
  const logger = deps.logger ?? silentLogger;
  const secure = (deps.config.YISHI_WEB_URL ?? '').startsWith('https:');
  const limiter = new AttemptLimiter(deps.signInAttempts ?? 20, 10 * 60e3);
  const app = new Hono<Env>();

  const langOfReq = (c: Context): Lang => langOf(c.req.header('accept-language'));
  const clientOf = (c: Context): string => {
    try {
      return getConnInfo(c).remote.address ?? 'local';
    } catch {
      return 'local';
    }
  };
  const say = (c: Context, status: 401 | 403 | 404 | 410 | 429 | 400, lang: Lang, title: MessageKey, text: MessageKey) =>
    c.html(<Notice lang={lang} title={t(lang, title)} text={t(lang, text)} />, status);

  app.onError((err, c) => {
    logger.error('web request failed', { path: c.req.path, err });
    return c.text('internal error', 500);
  });

  // ---- adapters' routes (bots/wechat-mp: /wechat-mp), before sessions: they check their own signatures ----
  const mounts = deps.mounts;
  if (mounts) app.all('*', async (c, next) => { const handler = mounts.match(c.req.path); return handler ? handler(c.req.raw) : next(); });

  if (deps.ops) app.route('/', deps.ops);
  else app.get('/healthz', (c) => c.text('ok'));

  // ---- sign-in -------------------------------------------------------------------------------
  app.get('/signin/:token', async (c) => {
    const lang = langOfReq(c);
    if (!limiter.hit(clientOf(c), now())) return say(c, 429, lang, 'web.signin.title', 'web.signin.limited');
    const token = c.req.param('token');
    const state = token.length <= 100 ? await linkState(db, token, now()) : 'unknown';
    if (state !== 'ok') return say(c, 410, lang, 'web.signin.title', `web.signin.${state}`);
    // The link only shows a button: link previews and scanners that fetch it do not use it up.
    const pre = newSecret();
    setCookie(c, PRE_COOKIE, pre, { httpOnly: true, sameSite: 'Strict', secure, path: '/signin', maxAge: 600 });
    return c.html(
      <Notice lang={lang} title={t(lang, 'web.signin.title')} text={t(lang, 'web.signin.intro')}>
        <form method="post" action="/signin">
          <input type="hidden" name="token" value={token} />
          <input type="hidden" name="_csrf" value={pre} />
          <button type="submit">{t(lang, 'web.signin.button')}</button>
        </form>
      </Notice>,
    );
  });

  app.post('/signin', async (c) => {
    const lang = langOfReq(c);
    if (!limiter.hit(clientOf(c), now())) return say(c, 429, lang, 'web.signin.title', 'web.signin.limited');
    const form = await c.req.parseBody();
    const pre = getCookie(c, PRE_COOKIE);
    if (!pre || !sameToken(String(form._csrf ?? ''), pre)) return say(c, 403, lang, 'web.signin.title', 'web.csrf');
    const token = String(form.token ?? '');
    const r = token.length <= 100 ? await redeemSignInLink(db, token, now(), clientOf(c)) : ({ refused: 'unknown' } as const);
    if ('refused' in r) return say(c, 410, lang, 'web.signin.title', `web.signin.${r.refused}`);
    deleteCookie(c, PRE_COOKIE, { path: '/signin' });
    setCookie(c, SESSION_COOKIE, r.sessionId, { httpOnly: true, sameSite: 'Lax', secure, path: '/', maxAge: SESSION_TTL_MS / 1000 });
    return c.redirect('/', 303);
  });

  // ---- everything below needs a session ------------------------------------------------------
  app.use('*', async (c, next) => {
    const session = await sessionOf(db, getCookie(c, SESSION_COOKIE), now());
    if (!session) {
      const lang = langOfReq(c);
      return c.html(<Notice lang={lang} title={t(lang, 'web.signin.title')} text={t(lang, 'web.signin.needed')} />, 401);
    }
    c.set('session', session);
    c.set('communities', await staffCommunities(db, session.personId));
    // Every form carries the session's token; a request without it changes nothing.
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD' && !c.req.path.startsWith('/admin/queues')) {
      const form = await c.req.parseBody();
      if (!sameToken(typeof form._csrf === 'string' ? form._csrf : undefined, session.csrfToken)) return say(c, 403, session.lang, 'web.title', 'web.csrf');
    }
    await next();
  });

  app.post('/signout', async (c) => {
    await revokeSessions(db, { idHash: c.get('session').idHash }, now());
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    return c.redirect('/', 303);
  });

  const frame = (c: Context<Env>, title: string, body: Child, community?: Community) => {
    const s = c.get('session');
    const nav = community
      ? [
          { href: `/c/${community.slug}`, label: `${community.name} · ${t(s.lang, 'web.nav.board')}` },
          { href: `/c/${community.slug}/calendar`, label: t(s.lang, 'web.nav.calendar') },
          { href: `/c/${community.slug}/whistles`, label: t(s.lang, 'web.nav.whistles') },
          { href: `/c/${community.slug}/points`, label: t(s.lang, 'web.nav.points') },
        ]
      : [];
    if (deps.queues?.length && c.get('communities').length) nav.push({ href: '/admin/queues', label: t(s.lang, 'web.nav.queues') });
    return c.html(
      <Page lang={s.lang} title={title} who={s.displayName} csrf={s.csrfToken} nav={nav}>
        {body}
      </Page>,
    );
  };

  app.get('/', (c) => {
    const s = c.get('session');
    const mine = c.get('communities');
    if (mine.length === 1) return c.redirect(`/c/${mine[0]!.slug}`, 303);
    return frame(
      c,
      t(s.lang, 'web.home.title'),
      <section>
        <h1>{t(s.lang, 'web.home.title')}</h1>
        {mine.length ? (
          <ul>
            {mine.map((m) => (
              <li>
                <a href={`/c/${m.slug}`}>{m.name}</a> <span class="muted">{m.slug}</span>
              </li>
            ))}
          </ul>
        ) : (
          <p>{t(s.lang, 'web.home.none')}</p>
        )}
      </section>,
    );
  });

  if (deps.queues?.length) mountQueues(app, deps.queues, (c) => c.get('communities').length > 0, (c) => say(c, 403, c.get('session').lang, 'web.title', 'web.forbidden'));

  // Staff of this community only.
  app.use('/c/:slug/*', async (c, next) => {
    const community = c.get('communities').find((m) => m.slug === c.req.param('slug'));
    if (!community) return say(c, 403, c.get('session').lang, 'web.title', 'web.forbidden');
    c.set('community', community);
    await next();
  });
  app.use('/c/:slug', async (c, next) => {
    const community = c.get('communities').find((m) => m.slug === c.req.param('slug'));
    if (!community) return say(c, 403, c.get('session').lang, 'web.title', 'web.forbidden');
    c.set('community', community);
    await next();
  });

  app.get('/c/:slug', async (c) => {
    const s = c.get('session');
    const cm = c.get('community');
    const at = now();
    const b = await communityBoard(db, cm, at, tz);
    const L = s.lang;
    return frame(
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
        <section id="satisfaction">
          <h2>{t(L, 'web.board.satisfaction')}</h2>
          <div class="chart">{raw(quarterChartSvg(t(L, 'web.board.satisfaction'), b.satisfaction, cm.satisfactionThreshold))}</div>
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

  app.get('/c/:slug/items/:n{[0-9]+}', async (c) => {
    const s = c.get('session');
    const cm = c.get('community');
    const L = s.lang;
    const n = Number(c.req.param('n'));
    const [item] = await db.select().from(suggestions).where(and(eq(suggestions.communityId, cm.id), eq(suggestions.number, n)));
    if (!item) return say(c, 404, L, 'web.title', 'web.notFound');
    const [author] = await db.select({ name: persons.displayName }).from(persons).where(eq(persons.id, item.authorId));
    const history = await itemHistory(db, item.id);
    const all = await itemPolls(db, item.id);
    const open = all.find((p) => p.poll.status === 'open');
    const owners = await suggestionOwnersVotes(db, item.id);
    const notice = await latestNotice(db, item.id);
    const flash = c.req.query('ok');
    const csrf = <input type="hidden" name="_csrf" value={s.csrfToken} />;
    const carried = item.stage === 'approved' || item.stage === 'in_progress';
    return frame(
      c,
      `#${n}`,
      <>
        {flash && <p class="ok">{t(L, 'web.action.ok', { text: flash })}</p>}
        <section>
          <h1>
            #{n} {item.text}
          </h1>
          <p>
            <strong>{t(L, `stage.${item.stage}`)}</strong> · {t(L, 'web.item.supports', { count: item.supportCount, threshold: cm.supportThreshold })} ·{' '}
            <span class="muted">{t(L, 'web.item.author', { name: author?.name ?? '?', when: formatLocal(item.createdAt, tz) })}</span>
          </p>
          {all.map((p) => (
            <div class="chart">
              {raw(pollChartSvg(p, L, { width: 560, height: 300 }))}
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
        {(carried || open) && (
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
  const action = (name: 'progress' | 'close' | 'done') =>
    app.post(`/c/:slug/items/:n{[0-9]+}/${name}`, async (c) => {
      const s = c.get('session');
      const cm = c.get('community');
      const n = Number(c.req.param('n'));
      const form = await c.req.parseBody();
      try {
        const run = { db, now: now(), tz, lang: s.lang, community: cm, personId: s.personId, displayName: s.displayName, n };
        const r = await runStaffAction(run, (ctx) => {
          if (name === 'close') return close(ctx, n);
          if (name === 'done') return done(ctx, n, DEFAULT_POLL_MS);
          const example = '50';
          return progress(ctx, n, parseArg(percentArg, String(form.percent ?? '')), parseArg(freeText(LIMITS.progress, example), String(form.text ?? '')));
        });
        deps.notify?.(r.events);
        return c.redirect(`/c/${cm.slug}/items/${n}?ok=${encodeURIComponent(r.text.split('\n')[0]!.slice(0, 120))}`, 303);
      } catch (err) {
        if (err instanceof DomainError) return c.html(<Notice lang={s.lang} title={`#${n}`} text={errorText(err, s.lang)} />, 400);
        throw err;
      }
    });
  action('progress');
  action('close');
  action('done');

  app.get('/c/:slug/polls/:id{[0-9]+}/chart.:ext{png|svg}', async (c) => {
    const s = c.get('session');
    const p = await pollStanding(db, Number(c.req.param('id')));
    if (!p || p.community.id !== c.get('community').id) return say(c, 404, s.lang, 'web.title', 'web.notFound');
    if (c.req.param('ext') === 'svg') return c.body(pollChartSvg(p, s.lang), 200, { 'content-type': 'image/svg+xml; charset=utf-8' });
    return c.body(new Uint8Array(pollChartPng(p, s.lang).png), 200, { 'content-type': 'image/png' });
  });

  app.get('/c/:slug/items/:n{[0-9]+}/notice.pdf', async (c) => {
    const s = c.get('session');
    const cm = c.get('community');
    const [item] = await db.select().from(suggestions).where(and(eq(suggestions.communityId, cm.id), eq(suggestions.number, Number(c.req.param('n')))));
    // The latest decision: a closed poll, or an owners' vote with its art. 278 figures.
    const notice = item && (await latestNotice(db, item.id));
    const file = notice && (await renderAttachment(db, notice, { lang: s.lang, tz, now: now() }));
    if (!file) return say(c, 404, s.lang, 'web.title', 'web.notFound');
    return c.body(new Uint8Array(file.bytes), 200, { 'content-type': 'application/pdf', 'content-disposition': `inline; filename="${file.filename}"` });
  });

  app.get('/c/:slug/export.xlsx', async (c) => {
    const cm = c.get('community');
    const file = await communityWorkbook(db, cm, c.get('session').lang, tz, now());
    return c.body(new Uint8Array(file), 200, { 'content-type': XLSX, 'content-disposition': `attachment; filename="${cm.slug}.xlsx"` });
  });

  // ?table=owners|whistles|points|units for the other tables (items by default).
  app.get('/c/:slug/export.csv', async (c) => {
    const cm = c.get('community');
    const table = (c.req.query('table') ?? 'items') as PeopleTable;
    if (!PEOPLE_TABLES.includes(table)) return say(c, 404, c.get('session').lang, 'web.title', 'web.notFound');
    const { csv } = await tableCsv(db, cm, table, c.get('session').lang, tz, now());
    const name = table === 'items' ? cm.slug : `${cm.slug}-${table}`;
    return c.body(csv, 200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${name}.csv"` });
  });

  app.get('/c/:slug/whistles', async (c) => {
    const L = c.get('session').lang;
    const cm = c.get('community');
    const at = now();
    const f = await communityFigures(db, cm.id, at);
    const list = await communityWhistles(db, cm.id, at);
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

  app.get('/c/:slug/points', async (c) => {
    const L = c.get('session').lang;
    const cm = c.get('community');
    const asked = c.req.query('quarter');
    const quarter = asked && /^\d{4}Q[1-4]$/.test(asked) ? asked : quarterOf(now(), tz);
    const p = await pointsTables(db, cm, L, tz, quarter);
    const table = (x: { headers: string[]; rows: (string | number | null)[][] }) => (
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
    return frame(
      c,
      t(L, 'web.points.title', { quarter }),
      <>
        <h1>{t(L, 'web.points.title', { quarter })}</h1>
        {listSection(L, 'points-persons', t(L, 'web.points.persons'), p.persons.rows.length > 0, table(p.persons), `/c/${cm.slug}/export.csv?table=points`)}
        {listSection(L, 'points-units', t(L, 'web.points.units'), p.units.rows.length > 0, table(p.units), `/c/${cm.slug}/export.csv?table=units`)}
      </>,
      cm,
    );
  });

  app.get('/c/:slug/calendar', async (c) => {
    const s = c.get('session');
    const cm = c.get('community');
    const L = s.lang;
    const at = now();
    const chairs = cm.rotationStart ? await rotation(db, cm.id, at, tz, 4) : [];
    const day = (d: Date) => formatLocal(d, tz).slice(0, 10);
    const from = new Date(at.getTime() - 90 * 24 * 3600e3);
    const list = await db.select().from(meetings).where(and(eq(meetings.communityId, cm.id), gte(meetings.startsAt, from))).orderBy(asc(meetings.startsAt));
    return frame(
      c,
      t(L, 'web.nav.calendar'),
      <>
        <section id="rotation">
          <h2>{t(L, 'web.calendar.rotation')}</h2>
          {chairs.length ? (
            <table>
              {chairs.map((ch) => (
                <tr>
                  <td>{ch.quarter}</td>
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
          {list.length ? (
            <table>
              {list.map((m) => (
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

  app.notFound((c) => say(c, 404, langOfReq(c), 'web.title', 'web.notFound'));
  return app;
}

/** A titled section: its table, or 暂无 when it has no rows; with a link to its CSV when given. */
function listSection(L: Lang, id: string, title: string, any: boolean, body: Child, csv?: string) {
  return (
    <section id={id}>
      <h2>{title}</h2>
      {any ? body : <p class="muted">{t(L, 'web.board.empty')}</p>}
      {csv && (
        <p>
          <a href={csv}>CSV</a>
        </p>
      )}
    </section>
  );
}

/** One short line of an audit row's data (numbers, stages, texts), never whole objects. */
function summarize(data: Record<string, unknown>): string {
  return Object.entries(data)
    .filter(([, v]) => v !== null && v !== undefined && typeof v !== 'object')
    .map(([k, v]) => `${k}: ${String(v).slice(0, 60)}`)
    .join(' · ');
}

export { hashSecret };
