/**
 * The resident pages (H5), in the same app as the staff page but with their own session: WeChat's web
 * authorisation and personal links (auth.tsx), a community's items and raising one (pages.tsx), one item
 * with its actions (item.tsx), signed file links (files.ts), the stylesheet (style.ts).
 */
import { Hono } from 'hono';
import { residentAuthRoutes, residentSession, residentSignOut } from './auth.js';
import type { AsResident, ResidentWeb } from './context.js';
import { fileRoutes } from './files.js';
import { residentItemRoutes } from './item.js';
import { residentPages } from './pages.js';
import { residentStyleRoutes } from './style.js';
import { rsay } from './layout.js';

export { newResidentWeb, type Oauth, type ResidentWeb } from './context.js';
export { OAUTH_PATH } from './auth.js';

export function residentRoutes(rw: ResidentWeb): Hono<AsResident> {
  const app = new Hono<AsResident>();
  app.route('/', residentStyleRoutes());
  app.route('/', fileRoutes(rw));
  app.route('/', residentAuthRoutes(rw));
  app.use('/v', residentSession(rw));
  app.use('/v/*', residentSession(rw));
  app.route('/', residentSignOut(rw));
  app.route('/', residentPages(rw));
  app.route('/', residentItemRoutes(rw));
  // Anything else under /v is a resident page that does not exist (never the staff's sign-in page).
  app.all('/v/*', (c) => rsay(c, 404, c.get('resident')?.lang ?? 'zh', 'r.notFound'));
  return app;
}
