/**
 * How a resident is known: a personal one-time link (`/page` sent privately by any bot) or, inside
 * WeChat, the Official Account's web authorisation (snsapi_base: no question asked of the resident).
 * The `state` is bound to this browser by a cookie and used once; each code is used once. The session
 * is the resident pages' own (cookie `yishi_resident`, 30 days), never a staff session.
 */
import { randomBytes } from 'node:crypto';
import { Hono } from 'hono';
import { createMiddleware } from 'hono/factory';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { t } from '../../i18n/index.js';
import { claimOauthCode, openWechatSession, redeemResidentLink, residentLinkState, residentSessionOf, revokeResidentSessions, RESIDENT_SESSION_TTL_MS } from '../../sessions/resident.js';
import { newSecret, sameToken } from '../../sessions/sessions.js';
import { langOfReq } from '../context.js';
import { type AsResident, type ResidentWeb } from './context.js';
import { clientAddress } from '../client-address.js';
import { RPage, rsay } from './layout.js';
import { SLUG_SOURCE } from '../../domain/slug.js';

export const RESIDENT_COOKIE = 'yishi_resident';
const PRE_COOKIE = 'yishi_rpre';
const STATE_COOKIE = 'yishi_oauth';
export const OAUTH_PATH = '/wechat-mp/oauth';
/** Not under /v: a static segment beside /v/:slug would put Hono on its slower router, which misroutes the staff's chart.:ext. */
export const RESIDENT_SIGNOUT = '/signout/resident';
/** Where a return may lead: the resident pages only (no open redirect). */
const RETURN = new RegExp(`^/v(/${SLUG_SOURCE}(/(new|[1-9][0-9]{0,8}))?)?$`, 'i');

function startSession(rw: ResidentWeb, c: Parameters<typeof setCookie>[0], sessionId: string) {
  setCookie(c, RESIDENT_COOKIE, sessionId, { httpOnly: true, sameSite: 'Lax', secure: rw.secure, path: '/', maxAge: RESIDENT_SESSION_TTL_MS / 1000 });
}

/** The session of the request, if any; inside WeChat without one, a GET goes through WeChat's web authorisation first. */
export const residentSession = (rw: ResidentWeb) =>
  createMiddleware<AsResident>(async (c, next) => {
    const resident = await residentSessionOf(rw.db, getCookie(c, RESIDENT_COOKIE), rw.now());
    c.set('resident', resident);
    const inWechat = /MicroMessenger/i.test(c.req.header('user-agent') ?? '');
    if (!resident && inWechat && rw.oauth && c.req.method === 'GET' && RETURN.test(c.req.path)) {
      const state = randomBytes(24).toString('hex');
      setCookie(c, STATE_COOKIE, `${state}:${Buffer.from(c.req.path).toString('base64url')}`, { httpOnly: true, sameSite: 'Lax', secure: rw.secure, path: OAUTH_PATH, maxAge: 600 });
      const q = new URLSearchParams({ appid: rw.oauth.appId, redirect_uri: rw.baseUrl() + OAUTH_PATH, response_type: 'code', scope: 'snsapi_base', state });
      return c.redirect(`${rw.oauth.authorizeRoot}/connect/oauth2/authorize?${q}#wechat_redirect`, 302);
    }
    await next();
  });

export function residentAuthRoutes(rw: ResidentWeb): Hono {
  const app = new Hono();

  // WeChat sends the resident back here with `code` and the `state` we gave.
  app.get(OAUTH_PATH, async (c) => {
    const lang = langOfReq(c);
    if (!rw.signIns.hit(clientAddress(c, rw.trustProxy), rw.now())) return rsay(c, 429, lang, 'r.limited');
    if (!rw.oauth) return rsay(c, 404, lang, 'r.notFound');
    const state = c.req.query('state') ?? '';
    const code = c.req.query('code') ?? '';
    const [bound = '', back = ''] = (getCookie(c, STATE_COOKIE) ?? '').split(':');
    deleteCookie(c, STATE_COOKIE, { path: OAUTH_PATH });
    // The state: letters and digits, at most 128, the very one this browser was given (and only once).
    if (!/^[A-Za-z0-9]{1,128}$/.test(state) || !bound || !sameToken(state, bound)) return rsay(c, 400, lang, 'r.oauth.bad');
    if (!/^[A-Za-z0-9_-]{1,128}$/.test(code)) return rsay(c, 400, lang, 'r.oauth.bad');
    if (!(await claimOauthCode(rw.db, code, rw.now()))) return rsay(c, 400, lang, 'r.oauth.bad');
    let openid: string;
    try {
      openid = await rw.oauth.openidOf(code);
    } catch (err) {
      rw.logger.warn('wechat web authorisation refused', { err: (err as Error).message });
      return rsay(c, 400, lang, 'r.oauth.failed');
    }
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(openid)) return rsay(c, 400, lang, 'r.oauth.failed');
    const { sessionId } = await openWechatSession(rw.db, openid, rw.now(), clientAddress(c, rw.trustProxy));
    startSession(rw, c, sessionId);
    const to = Buffer.from(back, 'base64url').toString();
    return c.redirect(RETURN.test(to) ? to : '/v', 303);
  });

  // The personal link only shows a button: link previews and scanners that fetch it do not use it up.
  app.get('/page/:token', async (c) => {
    const lang = langOfReq(c);
    if (!rw.signIns.hit(clientAddress(c, rw.trustProxy), rw.now())) return rsay(c, 429, lang, 'r.limited');
    const token = c.req.param('token');
    const state = token.length <= 100 ? await residentLinkState(rw.db, token, rw.now()) : 'unknown';
    if (state !== 'ok') return rsay(c, 410, lang, `r.signin.${state}`);
    const pre = newSecret();
    setCookie(c, PRE_COOKIE, pre, { httpOnly: true, sameSite: 'Strict', secure: rw.secure, path: '/page', maxAge: 600 });
    return c.html(
      <RPage lang={lang} title={t(lang, 'r.signin.title')}>
        <section class="card">
          <h1>{t(lang, 'r.signin.title')}</h1>
          <p>{t(lang, 'r.signin.intro')}</p>
          <form method="post" action="/page">
            <input type="hidden" name="token" value={token} />
            <input type="hidden" name="_csrf" value={pre} />
            <button class="big solid" type="submit">
              {t(lang, 'r.signin.button')}
            </button>
          </form>
        </section>
      </RPage>,
    );
  });

  app.post('/page', async (c) => {
    const lang = langOfReq(c);
    if (!rw.signIns.hit(clientAddress(c, rw.trustProxy), rw.now())) return rsay(c, 429, lang, 'r.limited');
    const form = await c.req.parseBody();
    const pre = getCookie(c, PRE_COOKIE);
    if (!pre || !sameToken(String(form._csrf ?? ''), pre)) return rsay(c, 403, lang, 'r.csrf');
    const token = String(form.token ?? '');
    const r = token.length <= 100 ? await redeemResidentLink(rw.db, token, rw.now(), clientAddress(c, rw.trustProxy)) : ({ refused: 'unknown' } as const);
    if ('refused' in r) return rsay(c, 410, lang, `r.signin.${r.refused}`);
    deleteCookie(c, PRE_COOKIE, { path: '/page' });
    startSession(rw, c, r.sessionId);
    return c.redirect('/v', 303);
  });

  return app;
}

/** Signing out of the resident pages (their session only). */
export function residentSignOut(rw: ResidentWeb): Hono<AsResident> {
  return new Hono<AsResident>().post(RESIDENT_SIGNOUT, async (c) => {
    c.set('resident', await residentSessionOf(rw.db, getCookie(c, RESIDENT_COOKIE), rw.now()));
    const s = c.get('resident');
    const form = await c.req.parseBody();
    if (!s || !sameToken(typeof form._csrf === 'string' ? form._csrf : undefined, s.csrfToken)) return rsay(c, 403, langOfReq(c), 'r.csrf');
    await revokeResidentSessions(rw.db, { idHash: s.idHash }, rw.now());
    deleteCookie(c, RESIDENT_COOKIE, { path: '/' });
    return c.redirect('/v', 303);
  });
}
