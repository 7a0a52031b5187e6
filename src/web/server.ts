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

export async function startWeb(deps: WebDeps): Promise<RunningWeb> {
  const app = createWebApp(deps);
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, hostname: deps.config.YISHI_WEB_HOST, port: deps.config.YISHI_WEB_PORT }, () => resolve(s));
    s.once('error', (err: NodeJS.ErrnoException) =>
      reject(new Error(`yishi: cannot listen on ${deps.config.YISHI_WEB_HOST}:${deps.config.YISHI_WEB_PORT} for the web page (YISHI_WEB_PORT, YISHI_WEB_HOST): ${err.code ?? err.message}`)),
    );
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
