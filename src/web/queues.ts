/** The BullMQ queue view (@bull-board/hono) at /admin/queues, behind the page's session. */
import type { Context, Hono } from 'hono';
import type { Queue } from 'bullmq';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { HonoAdapter } from '@bull-board/hono';
import { serveStatic } from '@hono/node-server/serve-static';

export const QUEUES_PATH = '/admin/queues';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function mountQueues(app: Hono<any>, queues: Queue[], allowed: (c: Context<any>) => boolean, refuse: (c: Context<any>) => Response | Promise<Response>): void {
  const adapter = new HonoAdapter(serveStatic);
  createBullBoard({ queues: queues.map((q) => new BullMQAdapter(q)), serverAdapter: adapter });
  adapter.setBasePath(QUEUES_PATH);
  app.use(`${QUEUES_PATH}/*`, async (c, next) => {
    if (!allowed(c)) return refuse(c);
    // Its API changes jobs with fetch calls, not forms: only from this page's own origin.
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') {
      const origin = c.req.header('origin');
      if (!origin || new URL(c.req.url).host !== safeHost(origin)) return refuse(c);
    }
    await next();
  });
  app.use(QUEUES_PATH, async (c, next) => (allowed(c) ? next() : refuse(c)));
  app.route(QUEUES_PATH, adapter.registerPlugin());
}

function safeHost(origin: string): string | undefined {
  try {
    return new URL(origin).host;
  } catch {
    return undefined;
  }
}
