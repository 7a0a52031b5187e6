/** The resident pages' frame: a phone-sized column, large type, no script, the stylesheet served (style.ts). */
import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import { t, type Lang, type MessageKey } from '../../i18n/index.js';
import type { ResidentSession } from '../../sessions/resident.js';
import { RESIDENT_STYLESHEET } from './style.js';

export function RPage(props: { lang: Lang; title: string; home?: { href: string; label: string }; resident?: ResidentSession; children?: Child }) {
  return (
    <html lang={props.lang === 'en' ? 'en' : 'zh-CN'}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="format-detection" content="telephone=no" />
        <title>{props.title}</title>
        <link rel="stylesheet" href={RESIDENT_STYLESHEET} />
      </head>
      <body>
        <header>
          <a href={props.home?.href ?? '/v'}>{props.home?.label ?? t(props.lang, 'r.title')}</a>
          {props.resident && (
            <form method="post" action="/signout/resident">
              <input type="hidden" name="_csrf" value={props.resident.csrfToken} />
              <button type="submit">{t(props.lang, 'r.signout')}</button>
            </form>
          )}
        </header>
        <main>{props.children}</main>
      </body>
    </html>
  );
}

/** A page that only says something, with its status. */
export const rsay = (c: Context, status: 400 | 401 | 403 | 404 | 410 | 429 | 503, lang: Lang, text: MessageKey, children?: Child) =>
  c.html(
    <RPage lang={lang} title={t(lang, 'r.title')}>
      <section class="card">
        <p>{t(lang, text)}</p>
        {children}
      </section>
    </RPage>,
    status,
  );

/** One flash line at the top of a page: what was done, or why not. */
export const Flash = (props: { ok?: string; error?: string }) =>
  props.error ? <p class="flash err">{props.error}</p> : props.ok ? <p class="flash ok">{props.ok}</p> : <></>;
