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
import { readableCommunities } from '../sessions/readable.js';

/**
 * The community of the path, if the signed-in person is its staff; read-only (GET) for its supervisors
 * and the staff of a street or district above it; else 403.
 */
const staffOfCommunity = (web: Web) =>
  createMiddleware<InCommunity>(async (c, next) => {
    const slug = c.req.param('slug');
    const community = c.get('communities').find((m) => m.slug === slug);
    if (community) c.set('community', community);
    else {
      const reading = c.req.method === 'GET' || c.req.method === 'HEAD';
      const readable = reading ? (await readableCommunities(web.db, c.get('session').personId)).find((m) => m.slug === slug) : undefined;
      if (!readable) return say(c, 403, c.get('session').lang, 'web.title', 'web.forbidden');
      c.set('community', readable);
      c.set('readOnly', true);
    }
    await next();
  });

/** To mount at /c/:slug. */
export function communityRoutes(web: Web): Hono<InCommunity> {
  const app = new Hono<InCommunity>();
  const guard = staffOfCommunity(web);
  app.use('/*', guard);
  app.use('/', guard);
  app.route('/', boardRoutes(web));
  app.route('/', itemRoutes(web));
  app.route('/', exportRoutes(web));
  app.route('/', whistleRoutes(web));
  app.route('/', pointsRoutes(web));
  app.route('/', calendarRoutes(web));
  return app;
}
