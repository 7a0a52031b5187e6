/**
 * What every response of the web port carries and what every request is held to, before any handler:
 * - security headers (hono/secure-headers): a Content Security Policy without inline script (the pages
 *   have none; their stylesheet is served, style.ts; only style attributes are inline), no framing, nosniff, a referrer policy that never
 *   sends a path to another origin (no referrer at all from the sign-in pages, whose URL is the secret),
 *   HSTS when the page's own URL is https; `Cache-Control: no-store` on everything but the stylesheet;
 * - body limits (hono/body-limit), checked on Content-Length before a byte is read, and while reading a
 *   body without one: 413, nothing parsed, nothing changed.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { secureHeaders } from 'hono/secure-headers';

type SecureHeadersOptions = NonNullable<Parameters<typeof secureHeaders>[0]>;
import { langOfReq } from './context.js';
import { say } from './layout.js';
import { QUEUES_PATH } from './queues.js';
import { STYLESHEET_PATH } from './style.js';

const KB = 1024;

/** Request bodies by path: a sign-in is two tokens, a staff form a short text, a callback one XML message. */
export const BODY_LIMITS = { signIn: 4 * KB, form: 16 * KB, queues: 64 * KB, wechatMp: 64 * KB } as const;

const under = (path: string, prefix: string) => path === prefix || path.startsWith(prefix + '/');

export function securityHeaders(opts: { https: boolean }): MiddlewareHandler {
  const common: SecureHeadersOptions = {
    strictTransportSecurity: opts.https ? 'max-age=31536000' : false,
    xFrameOptions: 'DENY',
    crossOriginResourcePolicy: 'same-origin',
  };
  const pageCsp = {
    defaultSrc: ["'none'"],
    styleSrc: ["'self'"],
    // The charts (ECharts' SVG, drawn on the server) set style attributes; attributes cannot run script.
    styleSrcAttr: ["'unsafe-inline'"],
    imgSrc: ["'self'", 'data:'],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
    baseUri: ["'none'"],
  };
  const page = secureHeaders({ ...common, referrerPolicy: 'same-origin', contentSecurityPolicy: pageCsp });
  const signIn = secureHeaders({ ...common, referrerPolicy: 'no-referrer', contentSecurityPolicy: pageCsp });
  // bull-board's page: its scripts are files of its own; its inline style attributes need 'unsafe-inline'
  // for styles only (no script is inline), and its <base href> needs base-uri 'self'.
  const board = secureHeaders({
    ...common,
    referrerPolicy: 'same-origin',
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:'],
      fontSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
      baseUri: ["'self'"],
      objectSrc: ["'none'"],
    },
  });
  return async (c, next) => {
    const path = c.req.path;
    const headers = under(path, '/signin') ? signIn : under(path, QUEUES_PATH) ? board : page;
    await headers(c, async () => {
      await next();
      // Behind a session every response is private; the sign-in pages carry the link in their URL.
      if (path !== STYLESHEET_PATH) c.res.headers.set('Cache-Control', 'no-store');
    });
  };
}

const tooLarge = (c: Context) => say(c, 413, langOfReq(c), 'web.title', 'web.tooLarge');

export function bodyLimits(): MiddlewareHandler {
  const limit = (maxSize: number) => bodyLimit({ maxSize, onError: tooLarge });
  const signIn = limit(BODY_LIMITS.signIn);
  const form = limit(BODY_LIMITS.form);
  const queues = limit(BODY_LIMITS.queues);
  const wechatMp = limit(BODY_LIMITS.wechatMp);
  return (c, next) => {
    const path = c.req.path;
    if (under(path, '/signin')) return signIn(c, next);
    if (under(path, QUEUES_PATH)) return queues(c, next);
    if (under(path, '/wechat-mp')) return wechatMp(c, next);
    return form(c, next);
  };
}
