/** The start page: straight to the board of one's only community, else the list of them. */
import { Hono } from 'hono';
import { t } from '../i18n/index.js';
import type { SignedIn, Web } from './context.js';
import { frame } from './layout.js';

export function homeRoutes(web: Web): Hono<SignedIn> {
  return new Hono<SignedIn>().get('/', (c) => {
    const s = c.get('session');
    const mine = c.get('communities');
    if (mine.length === 1) return c.redirect(`/c/${mine[0]!.slug}`, 303);
    return frame(
      web,
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
}
