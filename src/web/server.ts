/** Starts the staff web page on YISHI_WEB_HOST:YISHI_WEB_PORT (port 0: a free one). */
import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { webUrlOf } from '../lib/config.js';
import { createWebApp, type WebDeps } from './app.js';
import { publishWebUrl } from '../sessions/url.js';

export interface RunningWeb {
  /** The base URL of the links the bot sends (YISHI_WEB_URL, or where it listens). */
  url: string;
  port: number;
  stop(): Promise<void>;
}

export async function startWeb(deps: WebDeps, opts: { freePortIfTaken?: boolean } = {}): Promise<RunningWeb> {
  const app = createWebApp(deps);
  const listen = (port: number) =>
    new Promise<ReturnType<typeof serve>>((resolve, reject) => {
      const s = serve({ fetch: app.fetch, hostname: deps.config.YISHI_WEB_HOST, port }, () => resolve(s));
      s.once('error', reject);
    });
  const fail = (err: NodeJS.ErrnoException) =>
    new Error(`yishi: cannot listen on ${deps.config.YISHI_WEB_HOST}:${deps.config.YISHI_WEB_PORT} for the web page (YISHI_WEB_PORT, YISHI_WEB_HOST): ${err.code ?? err.message}`);
  const server = await listen(deps.config.YISHI_WEB_PORT).catch((err: NodeJS.ErrnoException) => {
    // The console demo with 8080 taken: any free port will do, and it says which.
    if (opts.freePortIfTaken && err.code === 'EADDRINUSE') return listen(0).catch((e) => Promise.reject(fail(e)));
    throw fail(err);
  });
  const port = (server.address() as AddressInfo).port;
  const url = webUrlOf(deps.config, port);
  publishWebUrl(url);
  deps.logger?.info('web page listening', { url });
  let stopping: Promise<void> | undefined;
  return {
    url,
    port,
    stop: () =>
      (stopping ??= new Promise<void>((resolve) => {
        publishWebUrl(undefined);
        server.close(() => resolve());
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      })),
  };
}
