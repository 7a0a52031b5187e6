/** The page frame: readable on a phone, no script, no client build. */
import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import { t, type Lang, type MessageKey } from '../i18n/index.js';
import type { Community } from '../kernel/context.js';
import type { SignedIn, Web } from './context.js';

const CSS = `
*{box-sizing:border-box}body{font-family:"Noto Sans CJK SC","PingFang SC","Microsoft YaHei",system-ui,sans-serif;margin:0;color:#1d2733;background:#f4f6f8;line-height:1.5}
header{background:#24496e;color:#fff;padding:.6rem 1rem;display:flex;flex-wrap:wrap;gap:.8rem;align-items:center}
header a{color:#fff;text-decoration:none}header .who{margin-left:auto;font-size:.9rem}
main{max-width:980px;margin:0 auto;padding:1rem}
section{background:#fff;border-radius:8px;padding:.8rem 1rem;margin:0 0 1rem;box-shadow:0 1px 2px rgba(0,0,0,.06)}
h1{font-size:1.35rem;margin:.2rem 0 .8rem}h2{font-size:1.1rem;margin:.2rem 0 .6rem}
ul{padding-left:1.1rem;margin:.3rem 0}li{margin:.2rem 0}
.stages{display:grid;grid-template-columns:repeat(auto-fill,minmax(220px,1fr));gap:.6rem}
.stage{border:1px solid #dde3e9;border-radius:6px;padding:.5rem}.stage h3{font-size:.95rem;margin:0 0 .3rem}
.muted{color:#66727f;font-size:.88rem}.chart svg{max-width:100%;height:auto}
form.inline{display:inline}button{background:#24496e;color:#fff;border:0;border-radius:5px;padding:.45rem .9rem;font-size:1rem}
input,textarea{font-size:1rem;padding:.35rem;border:1px solid #b9c3cc;border-radius:4px;width:100%}
label{display:block;margin:.3rem 0}.ok{background:#e6f4ea;border-left:4px solid #3c9d5d;padding:.5rem}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #e3e8ec;padding:.3rem;text-align:left;font-size:.92rem;vertical-align:top}
`;

export function Page(props: { lang: Lang; title: string; who?: string; csrf?: string; nav?: { href: string; label: string }[]; children?: Child }) {
  return (
    <html lang={props.lang === 'en' ? 'en' : 'zh-CN'}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{props.title}</title>
        <style>{CSS}</style>
      </head>
      <body>
        <header>
          <a href="/"><strong>{t(props.lang, 'web.title')}</strong></a>
          {(props.nav ?? []).map((n) => (
            <a href={n.href}>{n.label}</a>
          ))}
          {props.who && (
            <span class="who">
              {props.who}{' '}
              <form class="inline" method="post" action="/signout">
                <input type="hidden" name="_csrf" value={props.csrf} />
                <button type="submit">{t(props.lang, 'web.signout')}</button>
              </form>
            </span>
          )}
        </header>
        <main>{props.children}</main>
      </body>
    </html>
  );
}

/** A page that only says something (sign-in needed, forbidden, a used link…). */
export function Notice(props: { lang: Lang; title: string; text: string; children?: Child }) {
  return (
    <Page lang={props.lang} title={props.title}>
      <section>
        <h1>{props.title}</h1>
        <p>{props.text}</p>
        {props.children}
      </section>
    </Page>
  );
}

/** Answers with a Notice page and its status. */
export const say = (c: Context, status: 401 | 403 | 404 | 410 | 429 | 400, lang: Lang, title: MessageKey, text: MessageKey) =>
  c.html(<Notice lang={lang} title={t(lang, title)} text={t(lang, text)} />, status);

/** A signed-in page: the nav of its community (if any), the queue view's link for staff, the sign-out form. */
export function frame<E extends SignedIn>(web: Web, c: Context<E>, title: string, body: Child, community?: Community) {
  const s = c.get('session');
  const nav = community
    ? [
        { href: `/c/${community.slug}`, label: `${community.name} · ${t(s.lang, 'web.nav.board')}` },
        { href: `/c/${community.slug}/calendar`, label: t(s.lang, 'web.nav.calendar') },
        { href: `/c/${community.slug}/whistles`, label: t(s.lang, 'web.nav.whistles') },
        { href: `/c/${community.slug}/points`, label: t(s.lang, 'web.nav.points') },
      ]
    : [];
  if (web.queues && c.get('communities').length) nav.push({ href: '/admin/queues', label: t(s.lang, 'web.nav.queues') });
  return c.html(
    <Page lang={s.lang} title={title} who={s.displayName} csrf={s.csrfToken} nav={nav}>
      {body}
    </Page>,
  );
}

/** A titled section: its table, or 暂无 when it has no rows; with a link to its CSV when given. */
export function listSection(L: Lang, id: string, title: string, any: boolean, body: Child, csv?: string) {
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
