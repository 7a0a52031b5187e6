/**
 * The staff web page (Hono, server-rendered with hono/jsx): sign-in by one-time link, the community
 * board, an item's whole history, the rotation calendar, staff actions, exports, the 公示 notice and
 * the queue view. Nothing shows without a session; a community shows only to its staff. Each area is
 * its own sub-app; the order they are mounted in is the order requests meet them.
 */
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { Queue } from 'bullmq';
import type { Database } from '../db/client.js';
import type { CoreEvent } from '../domain/messages.js';
import type { Config } from '../lib/config.js';
import { silentLogger, type Logger } from '../lib/logger.js';
import { hashSecret } from '../sessions/sessions.js';
import { communityRoutes } from './community.js';
import { areaRoutes } from './area.js';
import { langOfReq, type InCommunity, type Web } from './context.js';
import { homeRoutes } from './home.js';
import { say } from './layout.js';
import { QUEUES_PATH, queueRoutes } from './queues.js';
import { bodyLimits, securityHeaders } from './security.js';
import { formToken, signedIn, signInRoutes, signOutRoutes } from './signin.js';
import { styleRoutes } from './style.js';

export interface WebDeps {
  config: Config;
  database: Database;
  logger?: Logger;
  now?: () => Date;
  /** Told a staff action's events after its commit (the core's listeners: deadlines, the outbox). */
  notify?: (events: CoreEvent[]) => void;
  /** BullMQ queues shown to operators at /admin/queues (`yishi operator grant`). */
  queues?: Queue[];
  /** Sign-in attempts allowed per client address in 10 minutes (default 20). */
  signInAttempts?: number;
  /** /healthz, /readyz and /metrics (src/web/ops.ts); without it only /healthz answers. */
  ops?: Hono;
}

export function createWebApp(deps: WebDeps): Hono<InCommunity> {
  const logger = deps.logger ?? silentLogger;
  const web: Web = {
    db: deps.database.db,
    tz: deps.config.YISHI_TZ,
    now: deps.now ?? (() => new Date()),
    logger,
    secure: (deps.config.YISHI_WEB_URL ?? '').startsWith('https:'),
    notify: deps.notify,
    queues: !!deps.queues?.length,
    trustProxy: deps.config.YISHI_TRUST_PROXY,
  };
  const app = new Hono<InCommunity>();

  app.onError((err, c) => {
    if (err instanceof HTTPException) return err.getResponse();
    logger.error('web request failed', { path: c.req.path, err });
    return c.text('internal error', 500);
  });

  // Before everything else, so every response has them and no body is read past its limit (security.ts).
  app.use('*', securityHeaders({ https: web.secure }), bodyLimits());
  app.route('/', styleRoutes());

  if (deps.ops) app.route('/', deps.ops);
  else app.get('/healthz', (c) => c.text('ok'));

  app.route('/', signInRoutes(web, deps.signInAttempts ?? 20));
  // Everything mounted below needs a session, and its forms the session's token.
  app.use('*', signedIn(web), formToken);
  app.route('/', signOutRoutes(web));
  app.route('/', homeRoutes(web));
  if (deps.queues?.length) app.route(QUEUES_PATH, queueRoutes(deps.queues));
  app.route('/c/:slug', communityRoutes(web));
  app.route('/o/:slug', areaRoutes(web)); // street and district views (issue 28)

  app.notFound((c) => say(c, 404, langOfReq(c), 'web.title', 'web.notFound'));
  return app;
}

export { hashSecret };
