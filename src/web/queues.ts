/**
 * The BullMQ queue view (@bull-board/hono) at /admin/queues, behind the page's session. The board and
 * what it brings (lodash by way of redis-info, valibot, ejs) load on the first visit, not in every app
 * process: they were 4.5 MB of the app's resting heap (snapshots: 37.8 → 33.3 MB), and a larger resting
 * heap makes each garbage collection during a vote storm dearer.
 */
import { Hono, type Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { Queue } from 'bullmq';
import type { SignedIn } from './context.js';
import { say } from './layout.js';

export const QUEUES_PATH = '/admin/queues';

const forbidden = (c: Context<SignedIn>) => say(c, 403, c.get('session').lang, 'web.title', 'web.forbidden');

/** Staff of some community only. */
const staffOnly = createMiddleware<SignedIn>(async (c, next) => (c.get('communities').length > 0 ? next() : forbidden(c)));

/** Its API changes jobs with fetch calls, not forms: only from this page's own origin. */
const sameOrigin = createMiddleware<SignedIn>(async (c, next) => {
  if (c.req.method !== 'GET' && c.req.method !== 'HEAD') {
    const origin = c.req.header('origin');
    if (!origin || new URL(c.req.url).host !== safeHost(origin)) return forbidden(c);
  }
  await next();
});

/** The queue view, to mount at QUEUES_PATH. */
export function queueRoutes(queues: Queue[]): Hono<SignedIn> {
  const app = new Hono<SignedIn>();
  app.use('/*', staffOnly, sameOrigin);
  app.use('/', staffOnly);
  let board: Promise<Hono> | undefined;
  const toBoard = async (c: Context) => {
    board ??= queueBoard(queues).catch((e: unknown) => { board = undefined; throw e; });
    return (await board).fetch(c.req.raw, c.env);
  };
  app.all('/', toBoard);
  app.all('/*', toBoard);
  return app;
}

async function queueBoard(queues: Queue[]): Promise<Hono> {
  const [{ createBullBoard }, { BullMQAdapter }, { HonoAdapter }, { serveStatic }] = await Promise.all([
    import('@bull-board/api'),
    import('@bull-board/api/bullMQAdapter'),
    import('@bull-board/hono'),
    import('@hono/node-server/serve-static'),
  ]);
  const adapter = new HonoAdapter(serveStatic);
  createBullBoard({ queues: queues.map((q) => new BullMQAdapter(q)), serverAdapter: adapter });
  adapter.setBasePath(QUEUES_PATH);
  return new Hono().route(QUEUES_PATH, adapter.registerPlugin());
}

function safeHost(origin: string): string | undefined {
  try {
    return new URL(origin).host;
  } catch {
    return undefined;
  }
}
