/**
 * Who is asking: the one-time link's page and its button, the session every other page needs, the form
 * token every change carries, and signing out.
 */
import { Hono, type Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { getCookie, setCookie, deleteCookie } from 'hono/cookie';
import { t } from '../i18n/index.js';
import { hashSecret, linkState, newSecret, redeemSignInLink, revokeSessions, sameToken, SESSION_TTL_MS, sessionOf, staffCommunities } from '../sessions/sessions.js';
import { langOfReq, type SignedIn, type Web } from './context.js';
import { Notice, say } from './layout.js';
import { clientAddress } from './client-address.js';
import { AttemptLimiter } from './limiter.js';
import { QUEUES_PATH } from './queues.js';

const SESSION_COOKIE = 'yishi_session';
const PRE_COOKIE = 'yishi_pre';

/** Uses of one link (open and press, a retry or two) in 10 minutes, from whatever addresses. */
const PER_LINK = 6;

/**
 * The only pages without a session; `attempts` per client address in 10 minutes (the address through
 * YISHI_TRUST_PROXY's proxies), and a few per link. A token longer than any we issue is not looked up.
 */
export function signInRoutes(web: Web, attempts: number): Hono {
  const perAddress = new AttemptLimiter(attempts, 10 * 60e3);
  const perLink = new AttemptLimiter(PER_LINK, 10 * 60e3);
  const clientOf = (c: Context) => clientAddress(c, web.trustProxy);
  const limited = (c: Context, token: string) => !perAddress.hit(clientOf(c), web.now()) || (token !== '' && !perLink.hit(hashSecret(token.slice(0, 100)), web.now()));
  const app = new Hono();

  app.get('/signin/:token', async (c) => {
    const lang = langOfReq(c);
    const token = c.req.param('token');
    if (limited(c, token)) return say(c, 429, lang, 'web.signin.title', 'web.signin.limited');
    const state = token.length <= 100 ? await linkState(web.db, token, web.now()) : 'unknown';
    if (state !== 'ok') return say(c, 410, lang, 'web.signin.title', `web.signin.${state}`);
    // The link only shows a button: link previews and scanners that fetch it do not use it up.
    const pre = newSecret();
    setCookie(c, PRE_COOKIE, pre, { httpOnly: true, sameSite: 'Strict', secure: web.secure, path: '/signin', maxAge: 600 });
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
    if (limited(c, '')) return say(c, 429, lang, 'web.signin.title', 'web.signin.limited');
    const form = await c.req.parseBody();
    const pre = getCookie(c, PRE_COOKIE);
    if (!pre || !sameToken(String(form._csrf ?? ''), pre)) return say(c, 403, lang, 'web.signin.title', 'web.csrf');
    const token = String(form.token ?? '');
    if (token && !perLink.hit(hashSecret(token.slice(0, 100)), web.now())) return say(c, 429, lang, 'web.signin.title', 'web.signin.limited');
    const r = token.length <= 100 ? await redeemSignInLink(web.db, token, web.now(), clientOf(c)) : ({ refused: 'unknown' } as const);
    if ('refused' in r) return say(c, 410, lang, 'web.signin.title', `web.signin.${r.refused}`);
    deleteCookie(c, PRE_COOKIE, { path: '/signin' });
    setCookie(c, SESSION_COOKIE, r.sessionId, { httpOnly: true, sameSite: 'Lax', secure: web.secure, path: '/', maxAge: SESSION_TTL_MS / 1000 });
    return c.redirect('/', 303);
  });

  return app;
}

/** A live session, or the sign-in-needed page (401); sets who is signed in and their communities. */
export const signedIn = (web: Web) =>
  createMiddleware<SignedIn>(async (c, next) => {
    const session = await sessionOf(web.db, getCookie(c, SESSION_COOKIE), web.now());
    if (!session) {
      const lang = langOfReq(c);
      return c.html(<Notice lang={lang} title={t(lang, 'web.signin.title')} text={t(lang, 'web.signin.needed')} />, 401);
    }
    c.set('session', session);
    c.set('communities', await staffCommunities(web.db, session.personId));
    await next();
  });

/**
 * Every form carries the session's token; a request without it changes nothing. The queue view's API
 * sends fetch calls, not forms: it is held to the page's own origin instead (queues.ts).
 */
export const formToken = createMiddleware<SignedIn>(async (c, next) => {
  if (c.req.method !== 'GET' && c.req.method !== 'HEAD' && !c.req.path.startsWith(QUEUES_PATH)) {
    const session = c.get('session');
    const form = await c.req.parseBody();
    if (!sameToken(typeof form._csrf === 'string' ? form._csrf : undefined, session.csrfToken)) return say(c, 403, session.lang, 'web.title', 'web.csrf');
  }
  await next();
});

export function signOutRoutes(web: Web): Hono<SignedIn> {
  return new Hono<SignedIn>().post('/signout', async (c) => {
    await revokeSessions(web.db, { idHash: c.get('session').idHash }, web.now());
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    return c.redirect('/', 303);
  });
}
