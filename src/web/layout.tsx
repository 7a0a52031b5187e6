/** The page frame: readable on a phone, no script, no client build. */
import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import { t, type Lang, type MessageKey } from '../i18n/index.js';
import type { Community } from '../kernel/context.js';
import type { SignedIn, Web } from './context.js';
import { STYLESHEET_PATH } from './style.js';


export function Page(props: { lang: Lang; title: string; who?: string; csrf?: string; nav?: { href: string; label: string }[]; children?: Child }) {
  return (
    <html lang={props.lang === 'en' ? 'en' : 'zh-CN'}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{props.title}</title>
        <link rel="stylesheet" href={STYLESHEET_PATH} />
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
export const say = (c: Context, status: 401 | 403 | 404 | 410 | 413 | 429 | 400, lang: Lang, title: MessageKey, text: MessageKey) =>
  c.html(<Notice lang={lang} title={t(lang, title)} text={t(lang, text)} />, status);

/** A signed-in page: the nav of its community (if any), the queue view's link for operators, the sign-out form. */
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
  if (web.queues && s.operator) nav.push({ href: '/admin/queues', label: t(s.lang, 'web.nav.queues') });
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
