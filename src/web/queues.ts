/**
 * The BullMQ queue view (@bull-board/hono) at /admin/queues, behind the page's session, for operators
 * only (`yishi operator grant`): the queues hold every community's jobs, so being staff of one is not
 * enough. Read-only (bull-board's readOnlyMode, and no request but GET or HEAD passes) unless the grant
 * gave write access. The board and
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

/** Operators only; a read-only operator only reads. */
const operatorsOnly = createMiddleware<SignedIn>(async (c, next) => {
  const access = c.get('session').operator;
  if (!access) return forbidden(c);
  if (access !== 'write' && c.req.method !== 'GET' && c.req.method !== 'HEAD') return forbidden(c);
  await next();
});

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
  app.use('/*', operatorsOnly, sameOrigin);
  app.use('/', operatorsOnly);
  // Two boards, loaded on first use: one whose queues are all read-only, one that may change them.
  const boards: { read?: Promise<Hono>; write?: Promise<Hono> } = {};
  const toBoard = async (c: Context<SignedIn>) => {
    const mode = c.get('session').operator === 'write' ? 'write' : 'read';
    const board = (boards[mode] ??= queueBoard(queues, mode === 'read').catch((e: unknown) => { boards[mode] = undefined; throw e; }));
    return (await board).fetch(c.req.raw, c.env);
  };
  app.all('/', toBoard);
  app.all('/*', toBoard);
  return app;
}

async function queueBoard(queues: Queue[], readOnlyMode: boolean): Promise<Hono> {
  const [{ createBullBoard }, { BullMQAdapter }, { HonoAdapter }, { serveStatic }] = await Promise.all([
    import('@bull-board/api'),
    import('@bull-board/api/bullMQAdapter'),
    import('@bull-board/hono'),
    import('@hono/node-server/serve-static'),
  ]);
  const adapter = new HonoAdapter(serveStatic);
  createBullBoard({ queues: queues.map((q) => new BullMQAdapter(q, { readOnlyMode })), serverAdapter: adapter });
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
