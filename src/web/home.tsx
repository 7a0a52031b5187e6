/** The start page: straight to the board of one's only community, else the list of them, the streets and districts one sees side by side, and what one may read. */
import { Hono } from 'hono';
import { t } from '../i18n/index.js';
import { areasOf } from '../consultation/area-stats.js';
import { readableCommunities } from '../sessions/readable.js';
import type { SignedIn, Web } from './context.js';
import { frame } from './layout.js';

export function homeRoutes(web: Web): Hono<SignedIn> {
  return new Hono<SignedIn>().get('/', async (c) => {
    const s = c.get('session');
    const mine = c.get('communities');
    const areas = await areasOf(web.db, s.personId);
    const readable = (await readableCommunities(web.db, s.personId)).filter((r) => !mine.some((m) => m.id === r.id));
    if (mine.length === 1 && !areas.length && !readable.length) return c.redirect(`/c/${mine[0]!.slug}`, 303);
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
        {(areas.length > 0 || readable.length > 0) && (
          <ul id="readable">
            {areas.map((a) => (
              <li>
                <a href={`/o/${a.slug}`}>{t(s.lang, 'web.area.title', { name: a.name })}</a>
              </li>
            ))}
            {readable.map((m) => (
              <li>
                <a href={`/c/${m.slug}`}>{m.name}</a> <span class="muted">{t(s.lang, 'web.readOnly')}</span>
              </li>
            ))}
          </ul>
        )}
      </section>,
    );
  });
}
