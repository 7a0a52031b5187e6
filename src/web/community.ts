/** Everything below /c/:slug: staff of that community only, whatever the page. */
import { Hono } from 'hono';
import { createMiddleware } from 'hono/factory';
import { boardRoutes } from './board.js';
import { calendarRoutes } from './calendar.js';
import type { InCommunity, Web } from './context.js';
import { exportRoutes } from './exports.js';
import { itemRoutes } from './item.js';
import { say } from './layout.js';
import { pointsRoutes } from './points.js';
import { whistleRoutes } from './whistles.js';

/** The community of the path, if the signed-in person is its staff; else 403. */
const staffOfCommunity = createMiddleware<InCommunity>(async (c, next) => {
  const community = c.get('communities').find((m) => m.slug === c.req.param('slug'));
  if (!community) return say(c, 403, c.get('session').lang, 'web.title', 'web.forbidden');
  c.set('community', community);
  await next();
});

/** To mount at /c/:slug. */
export function communityRoutes(web: Web): Hono<InCommunity> {
  const app = new Hono<InCommunity>();
  app.use('/*', staffOfCommunity);
  app.use('/', staffOfCommunity);
  app.route('/', boardRoutes(web));
  app.route('/', itemRoutes(web));
  app.route('/', exportRoutes(web));
  app.route('/', whistleRoutes(web));
  app.route('/', pointsRoutes(web));
  app.route('/', calendarRoutes(web));
  return app;
}
