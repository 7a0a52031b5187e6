/**
 * One item as a resident sees it (`/v/<slug>/<n>`): title, stage, who raised it and when, supports with
 * the support button while it is raised, the comments and a form to add one, the progress, and while a
 * vote or rating is open one large button per choice with the resident's own choice, the counts and the
 * deadline; once closed, the result and its picture. Another community's items show the same to anyone:
 * counts only, never who voted, nothing of the staff's.
 */
import { Hono, type Context } from 'hono';
import { raw } from 'hono/html';
import { formatCounts } from '../../consultation/poll.js';
import { LIMITS } from '../../domain/text.js';
import { formatLocal } from '../../domain/time.js';
import { t, type Lang } from '../../i18n/index.js';
import type { Community } from '../../kernel/context.js';
import { pollChartSvg, type PollStanding } from '../../reports/results.js';
import { communityBySlug, residentItem, type ResidentItem } from '../../reports/resident.js';
import { fileLinkPath } from '../../sessions/file-links.js';
import type { ResidentSession } from '../../sessions/resident.js';
import { act, onceToken } from './act.js';
import type { AsResident, ResidentWeb } from './context.js';
import { Flash, RPage, rsay } from './layout.js';
import { newPageOf, raiseFromPage } from './pages.js';
import { refusedPage } from './refusals.js';
import { embeddedSvg } from '../style.js';

/** An item's number in a path: 1 to 9 digits (longer is 404, never 500). */
const NUMBER = /^[1-9][0-9]{0,8}$/;
const OK = { suggest: 'r.ok.suggest', support: 'r.ok.support', comment: 'r.ok.comment', vote: 'r.ok.vote' } as const;
const langOf = (c: Community): Lang => (c.lang === 'en' ? 'en' : 'zh');

export function residentItemRoutes(rw: ResidentWeb): Hono<AsResident> {
  const app = new Hono<AsResident>();

  // One route for /v/<slug>/<n> and /v/<slug>/new (see pages.tsx).
  app.get('/v/:slug/:n', async (c) => {
    if (c.req.param('n') === 'new') return newPageOf(rw, c);
    if (!NUMBER.test(c.req.param('n'))) return rsay(c, 404, c.get('resident')?.lang ?? 'zh', 'r.notFound');
    const cm = await communityBySlug(rw.db, c.req.param('slug'));
    if (!cm) return rsay(c, 404, 'zh', 'r.notFound');
    const ok = c.req.query('ok');
    return itemPage(rw, c, cm, Number(c.req.param('n')), { ok: ok && ok in OK ? t(langOf(cm), OK[ok as keyof typeof OK]) : undefined });
  });

  const commands = {
    support: (n: number) => `/support ${n}`,
    comment: (n: number, f: Record<string, string>) => `/comment ${n} ${f.text ?? ''}`,
    vote: (n: number, f: Record<string, string>) => `/${f.kind === 'rating' ? 'rate' : 'vote'} ${n} ${f.choice ?? ''}`,
  };
  app.post('/v/:slug/:n', async (c) => (c.req.param('n') === 'new' ? raiseFromPage(rw, c) : rsay(c, 404, 'zh', 'r.notFound')));
  app.post('/v/:slug/:n/:action', async (c) => {
      const name = c.req.param('action');
      const command = commands[name as keyof typeof commands];
      if (!command || !NUMBER.test(c.req.param('n'))) return rsay(c, 404, 'zh', 'r.notFound');
      const cm = await communityBySlug(rw.db, c.req.param('slug'));
      if (!cm) return rsay(c, 404, 'zh', 'r.notFound');
      const n = Number(c.req.param('n'));
      let text = '';
      const r = await act(rw, c, c.get('resident'), cm, (form) => ((text = form.text ?? ''), command(n, form)));
      if ('refused' in r) return itemPage(rw, c, cm, n, { error: r.refused, text }, 400);
      if (!('done' in r)) return refusedPage(c, cm, r);
      return c.redirect(`/v/${cm.slug}/${n}?ok=${name}`, 303);
    });

  return app;
}

async function itemPage(rw: ResidentWeb, c: Context<AsResident>, cm: Community, n: number, flash: { ok?: string; error?: string; text?: string }, status: 200 | 400 = 200) {
  const s = c.get('resident');
  const lang = langOf(cm);
  const view = await residentItem(rw.db, cm, n, s?.personId);
  if (!view) return rsay(c, 404, lang, 'r.notFound');
  const { item } = view;
  const open = view.polls.find((p) => p.poll.status === 'open');
  const closed = view.polls.filter((p) => p.poll.status === 'closed');
  const files = await Promise.all(closed.map(async (p) => ({ chart: await fileLinkPath(rw.db, { kind: 'poll-chart', pollId: p.poll.id }, lang, rw.now()), notice: await fileLinkPath(rw.db, { kind: 'notice', pollId: p.poll.id }, lang, rw.now()) })));
  const form = (action: string) => [<input type="hidden" name="_csrf" value={s?.csrfToken} />, <input type="hidden" name="_once" value={onceToken()} />, action];
  return c.html(
    <RPage lang={lang} title={`#${n} ${item.text.slice(0, 30)}`} home={{ href: `/v/${cm.slug}`, label: cm.name }} resident={s}>
      <Flash ok={flash.ok} error={flash.error} />
      <section class="card" id="item">
        <h1>
          #{n} {item.text}
        </h1>
        <p>
          <span class="badge">{t(lang, `stage.${item.stage}`)}</span> <span class="muted">{t(lang, 'r.item.by', { name: view.author ?? '?', when: formatLocal(item.createdAt, rw.tz) })}</span>
        </p>
        <p>{t(lang, 'r.item.supports', { count: item.supportCount, threshold: cm.supportThreshold })}</p>
        {s && (item.stage === 'raised' || item.stage === 'supported') && <SupportButton view={view} lang={lang} action={`/v/${cm.slug}/${n}/support`} form={form} />}
      </section>
      {open && <OpenPoll p={open} lang={lang} tz={rw.tz} s={s} mine={view.mine.get(open.poll.id)} action={`/v/${cm.slug}/${n}/vote`} form={form} />}
      {closed.map((p, i) => (
        <section class="card result" data-poll={p.poll.id}>
          <h2>
            {t(lang, 'r.item.result')} <span class="muted">{t(lang, 'r.item.closedAt', { when: formatLocal(p.poll.closedAt ?? p.poll.deadline, rw.tz) })}</span>
          </h2>
          <p>{formatCounts(p.labels, p.counts)}</p>
          {view.mine.has(p.poll.id) && <p class="muted">{t(lang, 'r.item.mine', { choice: p.labels[view.mine.get(p.poll.id)! - 1] ?? '' }).replace(/（.*）|\(.*\)/, '')}</p>}
          <div class="chart">{raw(embeddedSvg(pollChartSvg(p, lang, { width: 560, height: 320 })))}</div>
          <p>
            <a href={files[i]!.chart}>{t(lang, 'r.item.chart')}</a> · <a href={files[i]!.notice}>{t(lang, 'r.item.notice')}</a>
          </p>
        </section>
      ))}
      {view.progress.length > 0 && (
        <section class="card">
          <h2>{t(lang, 'r.item.progress')}</h2>
          <ol class="progress">
            {view.progress.map((u) => (
              <li>
                {u.percent}% {u.text} <span class="muted">{formatLocal(u.at, rw.tz)}</span>
              </li>
            ))}
          </ol>
        </section>
      )}
      <section class="card" id="comments">
        <h2>{t(lang, 'r.item.comments', { count: view.comments.length })}</h2>
        {view.comments.length ? (
          view.comments.map((m) => (
            <div class="comment">
              <strong>{m.name}</strong> <span class="muted">{formatLocal(m.at, rw.tz)}</span>
              <br />
              {m.text}
            </div>
          ))
        ) : (
          <p class="muted">{t(lang, 'r.item.noComments')}</p>
        )}
        {s ? (
          <form method="post" action={`/v/${cm.slug}/${n}/comment`}>
            {form('')}
            <label for="comment">{t(lang, 'r.item.commentLabel', { max: LIMITS.comment })}</label>
            <textarea id="comment" name="text" maxlength={LIMITS.comment}>
              {flash.text ?? ''}
            </textarea>
            <button class="big" type="submit">
              {t(lang, 'r.item.commentSubmit')}
            </button>
          </form>
        ) : (
          <p class="flash err">{t(lang, 'r.needed')}</p>
        )}
      </section>
    </RPage>,
    status,
  );
}

type FormParts = (action: string) => unknown[];

function SupportButton(props: { view: ResidentItem; lang: Lang; action: string; form: FormParts }) {
  const { view, lang } = props;
  if (view.own) return <p class="muted">{t(lang, 'r.item.own')}</p>;
  if (view.supported) return <p class="muted">{t(lang, 'r.item.supported')}</p>;
  return (
    <form method="post" action={props.action}>
      {props.form('')}
      <button class="big solid" type="submit">
        {t(lang, 'r.item.support')}
      </button>
    </form>
  );
}

/** One large button per choice; the resident's own choice marked; the counts as bars; the deadline. */
function OpenPoll(props: { p: PollStanding; lang: Lang; tz: string; s?: ResidentSession; mine?: number; action: string; form: FormParts }) {
  const { p, lang } = props;
  const max = Math.max(1, ...p.counts);
  return (
    <section class="card" id="poll" data-poll={p.poll.id}>
      <h2>{t(lang, p.poll.kind === 'vote' ? 'r.item.vote' : 'r.item.rating', { deadline: formatLocal(p.poll.deadline, props.tz) })}</h2>
      {props.s && <p>{props.mine ? t(lang, 'r.item.mine', { choice: p.labels[props.mine - 1] ?? '' }) : t(lang, 'r.item.notYet')}</p>}
      {props.s &&
        p.labels.map((label, i) => (
          <form method="post" action={props.action}>
            {props.form('')}
            <input type="hidden" name="kind" value={p.poll.kind} />
            <input type="hidden" name="choice" value={String(i + 1)} />
            <button class={props.mine === i + 1 ? 'big mine' : 'big'} type="submit">
              {label}
            </button>
          </form>
        ))}
      <p class="muted">{t(lang, 'r.item.counts', { counts: formatCounts(p.labels, p.counts), total: p.total })}</p>
      {p.labels.map((label, i) => (
        <>
          <div class="row">
            <span>{label}</span>
            <span>{p.counts[i] ?? 0}</span>
          </div>
          <div class="bar">
            <span style={`width:${Math.round(((p.counts[i] ?? 0) / max) * 100)}%`}></span>
          </div>
        </>
      ))}
    </section>
  );
}
